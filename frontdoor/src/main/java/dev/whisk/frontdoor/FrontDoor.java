package dev.whisk.frontdoor;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/1.1 server of the OpenWhisk API. One pipeline per connection: codec, an early size check, the
 * aggregator, the API handler. Keep-alive by default.
 */
public final class FrontDoor implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(FrontDoor.class);

    private final EventLoopGroup bossGroup;
    private final EventLoopGroup ioGroup;
    private final boolean ownsIoGroup;
    private final ServerBootstrap bootstrap;
    private final Channel serverChannel;
    private final java.util.List<Channel> extraChannels = new java.util.concurrent.CopyOnWriteArrayList<>();

    public FrontDoor(final FrontDoorConfig config, final ApiHandler api) throws InterruptedException
    {
        this(config, api, null);
    }

    /**
     * @param ioGroup the event loops that serve the connections, owned and closed by the caller (standalone's one
     *                loop, which also speaks to the containers), or {@code null} for {@code ioThreads} loops of the
     *                front door's own.
     */
    public FrontDoor(final FrontDoorConfig config, final ApiHandler api, final EventLoopGroup ioGroup)
        throws InterruptedException
    {
        final boolean epoll = Epoll.isAvailable();
        final IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        bossGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("http-accept"), factory);
        this.ownsIoGroup = ioGroup == null;
        this.ioGroup = ioGroup != null ? ioGroup :
            new MultiThreadIoEventLoopGroup(config.ioThreads(), new DefaultThreadFactory("http-io"), factory);
        final ServerBootstrap b = bootstrap = new ServerBootstrap()
            .group(bossGroup, this.ioGroup)
            .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    ch.pipeline()
                        .addLast("codec", new HttpServerCodec())
                        .addLast("size", new SizeGuard(config.maxBodyBytes(), config.maxInvokeBodyBytes()))
                        .addLast("aggregator", new JsonSizeAggregator(config.maxBodyBytes()))
                        .addLast("order", new ResponseOrder())
                        .addLast("api", api);
                }
            });
        serverChannel = b.bind(new InetSocketAddress(config.host(), config.port())).sync().channel();
        LOG.info("event=front-door-listening address={} transport={}", serverChannel.localAddress(),
            epoll ? "epoll" : "nio");
    }

    public InetSocketAddress localAddress()
    {
        return (InetSocketAddress)serverChannel.localAddress();
    }

    /**
     * Serves the same API on {@code host} too, at the port of {@link #localAddress()}: e.g. the gateway address of
     * the containers' network, so that actions reach the platform as {@code __OW_API_HOST}. Blocking.
     *
     * @return the address bound.
     */
    public InetSocketAddress listenAlso(final String host) throws InterruptedException
    {
        final Channel channel = bootstrap.bind(new InetSocketAddress(host, localAddress().getPort())).sync()
            .channel();
        extraChannels.add(channel);
        LOG.info("event=front-door-listening address={}", channel.localAddress());
        return (InetSocketAddress)channel.localAddress();
    }

    @Override
    public void close()
    {
        for (final Channel extra : extraChannels)
        {
            extra.close().syncUninterruptibly();
        }
        serverChannel.close().syncUninterruptibly();
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (ownsIoGroup)
        {
            ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * Refuses a request whose declared length is over the limit with 413 before its body is read. The body that
     * follows is discarded chunk by chunk, never buffered; the connection closes at its end (or once
     * {@link #MAX_DISCARD_BYTES} were thrown away), so a client still sending sees the answer instead of a reset, and
     * the unread body is never parsed as a next request. A POST (an invoke or a fire) has the smaller invoke limit;
     * other requests (entity PUTs with code) the general one.
     */
    static final class SizeGuard extends ChannelInboundHandlerAdapter
    {
        static final long MAX_DISCARD_BYTES = 64L * 1024 * 1024;

        private final long maxBytes;
        private final long maxPostBytes;
        private boolean discarding;
        private long discardedBytes;

        SizeGuard(final long maxBytes, final long maxPostBytes)
        {
            this.maxBytes = maxBytes;
            this.maxPostBytes = Math.min(maxBytes, maxPostBytes);
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            if (msg instanceof HttpRequest request)
            {
                if (!request.decoderResult().isSuccess())
                {
                    // A malformed request line, header or length (2^63, "abc"): the stream cannot be trusted
                    // past it, so answer 400 and close once it is written.
                    discarding = true;
                    ReferenceCountUtil.release(msg);
                    refuse(ctx, io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST,
                        dev.whisk.core.entity.Messages.MALFORMED_PREFIX + "invalid HTTP request");
                    return;
                }
                final long length = HttpUtil.getContentLength(request, -1L);
                final long max = request.method() == io.netty.handler.codec.http.HttpMethod.POST ? maxPostBytes :
                    maxBytes;
                if (length > max)
                {
                    discarding = true;
                    ReferenceCountUtil.release(msg);
                    final byte[] body = Exchange.ErrorBody.of(
                        dev.whisk.core.entity.Messages.requestTooLarge(length, max),
                        dev.whisk.core.activation.ActivationId.random());
                    final io.netty.handler.codec.http.FullHttpResponse response =
                        new io.netty.handler.codec.http.DefaultFullHttpResponse(
                            io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                            io.netty.handler.codec.http.HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                            io.netty.buffer.Unpooled.wrappedBuffer(body));
                    response.headers()
                        .set(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_TYPE, "application/json")
                        .setInt(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_LENGTH, body.length)
                        .set(io.netty.handler.codec.http.HttpHeaderNames.CONNECTION, "close");
                    ctx.writeAndFlush(response);
                    discardedBytes = 0;
                    if (msg instanceof io.netty.handler.codec.http.LastHttpContent)
                    {
                        ctx.close();
                    }
                    return;
                }
                discarding = false;
            }
            if (discarding)
            {
                if (msg instanceof io.netty.handler.codec.http.HttpContent content)
                {
                    discardedBytes += content.content().readableBytes();
                }
                final boolean end = msg instanceof io.netty.handler.codec.http.LastHttpContent ||
                    discardedBytes > MAX_DISCARD_BYTES;
                ReferenceCountUtil.release(msg);
                if (end)
                {
                    ctx.close();
                }
                return;
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** Writes a JSON error with {@code Connection: close} and closes the connection once it is written. */
    static void refuse(final ChannelHandlerContext ctx, final io.netty.handler.codec.http.HttpResponseStatus status,
        final String message)
    {
        final byte[] body = Exchange.ErrorBody.of(message, dev.whisk.core.activation.ActivationId.random());
        final io.netty.handler.codec.http.FullHttpResponse response =
            new io.netty.handler.codec.http.DefaultFullHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                status, io.netty.buffer.Unpooled.wrappedBuffer(body));
        response.headers()
            .set(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_TYPE, "application/json")
            .setInt(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_LENGTH, body.length)
            .set(io.netty.handler.codec.http.HttpHeaderNames.CONNECTION, "close");
        ctx.writeAndFlush(response).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
    }

    /**
     * The aggregator, answering a body that grows past the limit (a chunked one: a declared length is refused by
     * {@link SizeGuard} first) with OpenWhisk's JSON 413 instead of Netty's empty one, and closing.
     */
    static final class JsonSizeAggregator extends HttpObjectAggregator
    {
        private final int maxBytes;

        JsonSizeAggregator(final int maxBytes)
        {
            super(maxBytes);
            this.maxBytes = maxBytes;
        }

        @Override
        protected void handleOversizedMessage(final ChannelHandlerContext ctx, final HttpMessage oversized)
        {
            refuse(ctx, io.netty.handler.codec.http.HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                dev.whisk.core.entity.Messages.requestTooLarge(maxBytes + 1L, maxBytes));
        }
    }
}
