package dev.whisk.frontdoor;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;

/**
 * Keeps answers in request order on a pipelining connection (RFC 9112 §9.3.2): a request reaches the API only once
 * the answer to the one before it is written. An invoke answered later from a completion can then never be
 * overtaken by a quick answer to a later request, and a later request's {@code Connection: close} closes the
 * connection only after every earlier answer went out. A connection that sends one request at a time, as every
 * keep-alive client does, never queues: the cost on the hot path is one flag.
 *
 * <p>While more than {@link #MAX_HELD} requests wait, the connection stops reading, so a client cannot pile up
 * memory. A request's body counts against the {@link BodyBudget} until the API has taken it (or the request is
 * dropped): it is given back here. One per channel, owned by its event loop.
 */
final class ResponseOrder extends ChannelDuplexHandler
{
    static final int MAX_HELD = 16;

    private final ArrayDeque<FullHttpRequest> held = new ArrayDeque<>(0);
    private final BodyBudget.Account budget;
    private boolean answering;
    private boolean draining;

    /** With no body budget. */
    ResponseOrder()
    {
        this(null);
    }

    /** @param budget the connection's share of the bodies in flight, given back as the API takes each body. */
    ResponseOrder(final BodyBudget.Account budget)
    {
        this.budget = budget;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (msg instanceof FullHttpRequest request)
        {
            if (answering)
            {
                held.addLast(request);
                if (held.size() > MAX_HELD)
                {
                    ctx.channel().config().setAutoRead(false);
                }
                return;
            }
            answering = true;
            handOver(ctx, request);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** Passes {@code request} to the API, which takes its body before this returns; its bytes leave the budget. */
    private void handOver(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        final int bodyBytes = request.content().readableBytes();
        try
        {
            ctx.fireChannelRead(request);
        }
        finally
        {
            if (budget != null)
            {
                budget.release(bodyBytes);
            }
        }
    }

    @Override
    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise)
    {
        final boolean ends = msg instanceof LastHttpContent;
        ctx.write(msg, promise);
        if (ends)
        {
            answering = false;
            if (!held.isEmpty() && !draining)
            {
                // Not from inside this write: the next request's answer may itself be written synchronously.
                draining = true;
                ctx.executor().execute(() -> releaseNext(ctx));
            }
        }
    }

    private void releaseNext(final ChannelHandlerContext ctx)
    {
        draining = false;
        if (answering || held.isEmpty())
        {
            return;
        }
        if (!ctx.channel().isActive())
        {
            releaseHeld();
            return;
        }
        final FullHttpRequest next = held.pollFirst();
        if (held.size() <= MAX_HELD && !ctx.channel().config().isAutoRead())
        {
            ctx.channel().config().setAutoRead(true);
        }
        answering = true;
        handOver(ctx, next);
        ctx.flush();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        releaseHeld();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        releaseHeld();
    }

    private void releaseHeld()
    {
        FullHttpRequest r;
        while ((r = held.pollFirst()) != null)
        {
            if (budget != null)
            {
                budget.release(r.content().readableBytes());
            }
            ReferenceCountUtil.release(r);
        }
    }
}
