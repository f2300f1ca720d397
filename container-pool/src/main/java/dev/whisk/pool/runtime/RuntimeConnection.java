package dev.whisk.pool.runtime;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One keep-alive connection to one action container, carrying one request at a time. A request that passes its
 * deadline closes the connection (the container is then destroyed by its owner). Every request carries the
 * container's secret in {@link #TOKEN_HEADER} when it has one: our proxy refuses {@code /init} and {@code /run}
 * without it.
 */
public final class RuntimeConnection
{
    /** The header that proves a request comes from the invoker (the proxy reads {@code __OW_PROXY_TOKEN}). */
    public static final AsciiString TOKEN_HEADER = AsciiString.cached("x-whisk-proxy-token");
    private static final AttributeKey<Pending> PENDING = AttributeKey.valueOf("whisk.pending");
    private static final AsciiString HOST = AsciiString.cached("action");
    private static final AsciiString LOG_LIMIT = AsciiString.cached("x-whisk-log-limit");
    private static final AsciiString RESULT_LENGTH = AsciiString.cached("x-whisk-result-length");
    private static final AsciiString LOGS_TRUNCATED = AsciiString.cached("x-whisk-logs-truncated");
    private final Channel channel;
    private final AsciiString token;
    /**
     * The headers of this connection's requests, built once: a connection carries one request at a time, and each is
     * encoded before the next is made, so only the length and the log limit change between requests.
     */
    private final HttpHeaders headers = new DefaultHttpHeaders();
    private long headersLogLimit = Long.MIN_VALUE;

    RuntimeConnection(final Channel channel, final AsciiString token)
    {
        this.channel = channel;
        this.token = token;
        headers.set(HttpHeaderNames.HOST, HOST).set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        if (token != null)
        {
            headers.set(TOKEN_HEADER, token);
        }
    }

    public boolean isOpen()
    {
        return channel.isActive();
    }

    /**
     * Posts {@code body} as JSON to {@code path}. The callback runs once, on this connection's event loop: at once
     * when the caller is on that loop and the connection is already closed, else from a later task.
     *
     * @param logLimitBytes asks our own runtime for the activation's log lines in-band, up to this many bytes
     *                      ({@code x-whisk-log-limit}); negative for OpenWhisk's plain protocol.
     */
    public void post(final String path, final byte[] body, final long timeoutMs, final long logLimitBytes,
        final ResponseCallback callback)
    {
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (logLimitBytes != headersLogLimit)
        {
            headersLogLimit = logLimitBytes;
            if (logLimitBytes >= 0)
            {
                headers.set(LOG_LIMIT, AsciiString.of(Long.toString(logLimitBytes)));
            }
            else
            {
                headers.remove(LOG_LIMIT);
            }
        }
        final FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path,
            Unpooled.wrappedBuffer(body), headers, EmptyHttpHeaders.INSTANCE);
        if (channel.eventLoop().inEventLoop())
        {
            send(request, timeoutMs, callback);
        }
        else
        {
            channel.eventLoop().execute(() -> send(request, timeoutMs, callback));
        }
    }

    private void send(final FullHttpRequest request, final long timeoutMs, final ResponseCallback callback)
    {
        if (!channel.isActive())
        {
            request.release();
            callback.onFailure(new ClosedChannelException(), false);
            return;
        }
        final Pending pending = new Pending(callback);
        channel.attr(PENDING).set(pending);
        pending.timer = channel.eventLoop().schedule(() ->
        {
            if (channel.attr(PENDING).compareAndSet(pending, null))
            {
                channel.close();
                callback.onFailure(new TimeoutException("no answer within " + timeoutMs + " ms"), true);
            }
        }, timeoutMs, TimeUnit.MILLISECONDS);
        channel.writeAndFlush(request).addListener(f ->
        {
            if (!f.isSuccess())
            {
                fail(channel, f.cause());
            }
        });
    }

    public void close()
    {
        channel.close();
    }

    /** Runs {@code onClosed} once, on the event loop, when the connection closes for any reason. */
    public void onClose(final Runnable onClosed)
    {
        channel.closeFuture().addListener(f -> onClosed.run());
    }

    private static void fail(final Channel channel, final Throwable cause)
    {
        final Pending pending = channel.attr(PENDING).getAndSet(null);
        if (pending != null)
        {
            pending.timer.cancel(false);
            pending.callback.onFailure(cause, false);
        }
    }

    private static final class Pending
    {
        final ResponseCallback callback;
        ScheduledFuture<?> timer;

        Pending(final ResponseCallback callback)
        {
            this.callback = callback;
        }
    }

    /** Completes the pending request of its channel; closes fail it. */
    static final class Handler extends SimpleChannelInboundHandler<FullHttpResponse>
    {
        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpResponse response)
        {
            final Pending pending = ctx.channel().attr(PENDING).getAndSet(null);
            if (pending != null)
            {
                pending.timer.cancel(false);
                final int resultLength = response.headers().getInt(RESULT_LENGTH, -1);
                pending.callback.onResponse(response.status().code(), ByteBufUtil.getBytes(response.content()),
                    resultLength, resultLength >= 0 && response.headers().contains(LOGS_TRUNCATED));
            }
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx)
        {
            fail(ctx.channel(), new ClosedChannelException());
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            fail(ctx.channel(), cause);
            ctx.close();
        }
    }
}
