package dev.whisk.frontdoor;

import dev.whisk.core.activation.ActivationId;
import dev.whisk.core.entity.Messages;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Decides on a request's headers, before its body is read, whether the body may be read at all:
 * <ol>
 *   <li>a malformed request line, header or length: 400, and the connection closes once it is written;</li>
 *   <li>a declared length over the limit (a POST, an invoke or a fire, has the smaller invoke limit): 413;</li>
 *   <li>a body of at least {@link #EARLY_KEY_CHECK_MIN_BYTES} (or of unknown length) for a route that needs a key,
 *   sent without a good one: 401 ({@link Keys}). A smaller body costs less to read than a second key check on the
 *   hot path would, and the API answers its 401 once it is read;</li>
 *   <li>a body that does not fit the {@link BodyBudget} of bodies in flight: 503; a chunked body is counted chunk by
 *   chunk and cut with 503 when it stops fitting.</li>
 * </ol>
 * A refused body is discarded chunk by chunk, never buffered; the connection closes at its end (or once
 * {@link #MAX_DISCARD_BYTES} were thrown away), so a client still sending sees the answer instead of a reset, and the
 * unread body is never parsed as a next request. One per channel, owned by its event loop.
 */
final class RequestGate extends ChannelInboundHandlerAdapter
{
    static final long MAX_DISCARD_BYTES = 64L * 1024 * 1024;
    static final long EARLY_KEY_CHECK_MIN_BYTES = 16 * 1024;

    /** What the API answers a request with a body on its headers alone, before the body is read. */
    @FunctionalInterface
    interface Keys
    {
        /**
         * The 401 message for a request whose route needs a key it does not carry, or {@code null}: read on.
         *
         * @param client the caller's address, whose budget of failed checks a wrong key spends.
         */
        String refusal(HttpRequest request, String client);
    }

    private final long maxBytes;
    private final long maxPostBytes;
    private final Keys keys;
    private final BodyBudget.Account budget;
    private boolean discarding;
    private long discardedBytes;
    /** Bytes of the current request's body taken from the budget, and received so far. */
    private long reservedBytes;
    private long receivedBytes;

    /** The size checks alone: no key check and no budget. */
    RequestGate(final long maxBytes, final long maxPostBytes)
    {
        this(maxBytes, maxPostBytes, null, null);
    }

    /**
     * @param keys   the early key check, or {@code null} for none.
     * @param budget this connection's share of the bodies in flight, or {@code null} for no budget.
     */
    RequestGate(final long maxBytes, final long maxPostBytes, final Keys keys, final BodyBudget.Account budget)
    {
        this.maxBytes = maxBytes;
        this.maxPostBytes = Math.min(maxBytes, maxPostBytes);
        this.keys = keys;
        this.budget = budget;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (msg instanceof HttpRequest request)
        {
            discarding = false;
            reservedBytes = 0;
            receivedBytes = 0;
            final ChannelFuture refused = admit(ctx, request);
            if (refused != null)
            {
                startDiscarding(refused, msg);
                return;
            }
        }
        if (discarding)
        {
            discard(ctx, msg);
            return;
        }
        if (msg instanceof HttpContent content && budget != null)
        {
            final ChannelFuture refused = countChunk(ctx, content);
            if (refused != null)
            {
                startDiscarding(refused, msg);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * Drops the rest of a refused request: {@code msg} now, later chunks as they come. When {@code msg} ends the
     * request the connection closes once the refusal is written, else at the end of the body.
     */
    private void startDiscarding(final ChannelFuture refusal, final Object msg)
    {
        discarding = true;
        discardedBytes = 0;
        final boolean end = msg instanceof LastHttpContent;
        ReferenceCountUtil.release(msg);
        if (end)
        {
            refusal.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** {@code null} when {@code request}'s body may be read; else its refusal, written. */
    private ChannelFuture admit(final ChannelHandlerContext ctx, final HttpRequest request)
    {
        if (!request.decoderResult().isSuccess())
        {
            // A malformed request line, header or length (2^63, "abc"): the stream cannot be trusted past it.
            return refuse(ctx, HttpResponseStatus.BAD_REQUEST, Messages.MALFORMED_PREFIX + "invalid HTTP request")
                .addListener(ChannelFutureListener.CLOSE);
        }
        final long length = HttpUtil.getContentLength(request, -1L);
        final long max = request.method() == HttpMethod.POST ? maxPostBytes : maxBytes;
        if (length > max)
        {
            return refuse(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Messages.requestTooLarge(length, max));
        }
        final boolean large = length >= EARLY_KEY_CHECK_MIN_BYTES ||
            (length < 0 && HttpUtil.isTransferEncodingChunked(request));
        if (large && keys != null)
        {
            final String refusal = keys.refusal(request, ctx.channel().remoteAddress() instanceof
                java.net.InetSocketAddress a && a.getAddress() != null ? a.getAddress().getHostAddress() : "");
            if (refusal != null)
            {
                return refuse(ctx, HttpResponseStatus.UNAUTHORIZED, refusal);
            }
        }
        if (length > 0 && budget != null)
        {
            if (!budget.tryReserve(length))
            {
                return refuse(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, Messages.bodiesOverBudget(length,
                    budget.maxBytes()));
            }
            reservedBytes = length;
        }
        return null;
    }

    /**
     * Counts a chunk of the body against the budget beyond what its declared length reserved (a chunked body has
     * none): {@code null} while it fits, else the refusal, written; what the aggregator holds of the request is
     * dropped when the connection closes.
     */
    private ChannelFuture countChunk(final ChannelHandlerContext ctx, final HttpContent content)
    {
        receivedBytes += content.content().readableBytes();
        if (receivedBytes <= reservedBytes)
        {
            return null;
        }
        if (budget.tryReserve(receivedBytes - reservedBytes))
        {
            reservedBytes = receivedBytes;
            return null;
        }
        return refuse(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, Messages.bodiesOverBudget(receivedBytes,
            budget.maxBytes()));
    }

    private void discard(final ChannelHandlerContext ctx, final Object msg)
    {
        if (msg instanceof HttpContent content)
        {
            discardedBytes += content.content().readableBytes();
        }
        final boolean end = msg instanceof LastHttpContent || discardedBytes > MAX_DISCARD_BYTES;
        ReferenceCountUtil.release(msg);
        if (end)
        {
            ctx.close();
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        if (budget != null)
        {
            budget.releaseAll();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        if (budget != null)
        {
            budget.releaseAll();
        }
    }

    /**
     * Writes a JSON error with {@code Connection: close}; the caller decides when the connection closes (at once,
     * or at the end of a body being discarded).
     */
    static ChannelFuture refuse(final ChannelHandlerContext ctx, final HttpResponseStatus status,
        final String message)
    {
        final byte[] body = Exchange.ErrorBody.of(message, ActivationId.random());
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
            Unpooled.wrappedBuffer(body));
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
            .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (status == HttpResponseStatus.UNAUTHORIZED)
        {
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"OpenWhisk secure realm\"");
        }
        if (status == HttpResponseStatus.SERVICE_UNAVAILABLE)
        {
            response.headers().setInt(HttpHeaderNames.RETRY_AFTER, 1);
        }
        return ctx.writeAndFlush(response);
    }
}
