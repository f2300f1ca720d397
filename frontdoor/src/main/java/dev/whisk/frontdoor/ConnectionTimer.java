package dev.whisk.frontdoor;

import dev.whisk.core.entity.Messages;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Closes a connection that holds the front door without using it, as nginx's {@code client_header_timeout},
 * {@code client_body_timeout} and {@code keepalive_timeout} do:
 * <ul>
 *   <li>a request whose headers have not all arrived {@code headerTimeout} after its first byte: 408, closed;</li>
 *   <li>a request body that sent nothing for {@code bodyTimeout}: 408, closed;</li>
 *   <li>a connection with no request in flight and nothing arriving for {@code keepAliveTimeout} (for a new one,
 *   that has not sent its first request, {@code headerTimeout}): closed.</li>
 * </ul>
 * A request in flight is never timed out here: a blocking invoke waits up to its action's time limit, and a streamed
 * answer runs as long as it runs. A request is in flight from its headers until the last part of its answer is
 * written.
 *
 * <p>Sits after the HTTP codec, to see requests and answers; its {@link #byteStamp} sits before it, to see bytes
 * arrive (the codec says nothing until a request's headers are complete). One timer per connection, never further
 * ahead than the shortest timeout and re-armed only when it fires: the request path only reads the clock once per
 * read and once per answer. One per channel, owned by its event loop.
 */
final class ConnectionTimer extends ChannelDuplexHandler
{
    /** What the connection is reading. */
    private enum Reading
    {
        /** Nothing: between requests. */
        NOTHING,
        /** A request's headers, from its first byte. */
        HEADERS,
        /** A request's body. */
        BODY
    }

    private final long headerTimeoutNs;
    private final long bodyTimeoutNs;
    private final long keepAliveTimeoutNs;
    private final long pollNs;
    private final Connections counts;
    private final Runnable check = this::onTimer;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private Reading reading = Reading.NOTHING;
    /** Requests whose headers arrived and whose answer has not been written to its end. */
    private int unanswered;
    private boolean servedOne;
    private long lastBytesNs;
    private long headersStartNs;
    private long idleSinceNs;

    ConnectionTimer(final FrontDoorConfig.Bounds bounds, final Connections counts)
    {
        this.headerTimeoutNs = TimeUnit.MILLISECONDS.toNanos(bounds.headerTimeoutMs());
        this.bodyTimeoutNs = TimeUnit.MILLISECONDS.toNanos(bounds.bodyTimeoutMs());
        this.keepAliveTimeoutNs = TimeUnit.MILLISECONDS.toNanos(bounds.keepAliveTimeoutMs());
        this.pollNs = Math.min(headerTimeoutNs, Math.min(bodyTimeoutNs, keepAliveTimeoutNs));
        this.counts = counts;
    }

    /** The handler to place before the codec: it tells this one when bytes arrive. */
    ChannelInboundHandlerAdapter byteStamp()
    {
        return new ChannelInboundHandlerAdapter()
        {
            @Override
            public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
            {
                if (msg instanceof ByteBuf bytes && bytes.isReadable())
                {
                    onBytes();
                }
                ctx.fireChannelRead(msg);
            }
        };
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
        if (ctx.channel().isActive() && ctx.channel().isRegistered())
        {
            start();
        }
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception
    {
        start();
        super.channelActive(ctx);
    }

    private void start()
    {
        if (timer == null)
        {
            idleSinceNs = System.nanoTime();
            lastBytesNs = idleSinceNs;
            arm(pollNs);
        }
    }

    private void onBytes()
    {
        lastBytesNs = System.nanoTime();
        if (reading == Reading.NOTHING)
        {
            reading = Reading.HEADERS;
            headersStartNs = lastBytesNs;
        }
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
    {
        if (msg instanceof HttpRequest)
        {
            unanswered++;
            servedOne = true;
            reading = Reading.BODY;
        }
        if (msg instanceof LastHttpContent)
        {
            reading = Reading.NOTHING;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise)
        throws Exception
    {
        // A 100 Continue is not the answer: the request is still in flight after it.
        if (msg instanceof LastHttpContent && !isInterim(msg) && unanswered > 0 && --unanswered == 0)
        {
            idleSinceNs = System.nanoTime();
        }
        ctx.write(msg, promise);
    }

    private static boolean isInterim(final Object msg)
    {
        return msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL;
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        stop();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        stop();
    }

    private void stop()
    {
        if (timer != null)
        {
            timer.cancel(false);
        }
    }

    private void arm(final long delayNs)
    {
        timer = ctx.executor().schedule(check, Math.max(delayNs, 1_000_000L), TimeUnit.NANOSECONDS);
    }

    private void onTimer()
    {
        if (!ctx.channel().isActive())
        {
            return;
        }
        final long now = System.nanoTime();
        final long deadline = switch (reading)
        {
            case HEADERS -> headersStartNs + headerTimeoutNs;
            case BODY -> lastBytesNs + bodyTimeoutNs;
            case NOTHING -> unanswered > 0 ? Long.MAX_VALUE :
                idleSinceNs + (servedOne ? keepAliveTimeoutNs : headerTimeoutNs);
        };
        if (deadline != Long.MAX_VALUE && now - deadline >= 0)
        {
            expire();
            return;
        }
        arm(deadline == Long.MAX_VALUE ? pollNs : Math.min(pollNs, deadline - now));
    }

    /**
     * Closes the connection. A request cut while arriving is answered 408 first, when its answer is the next one
     * the client expects (no earlier pipelined request still waits for its own).
     */
    private void expire()
    {
        final boolean answerable;
        switch (reading)
        {
            case HEADERS ->
            {
                counts.headerTimeouts.increment();
                answerable = unanswered == 0;
            }
            case BODY ->
            {
                counts.bodyTimeouts.increment();
                answerable = unanswered == 1;
            }
            default ->
            {
                counts.idleTimeouts.increment();
                answerable = false;
            }
        }
        if (answerable)
        {
            RequestGate.refuse(ctx, HttpResponseStatus.REQUEST_TIMEOUT, Messages.REQUEST_TIMEOUT)
                .addListener(ChannelFutureListener.CLOSE);
        }
        else
        {
            ctx.close();
        }
    }
}
