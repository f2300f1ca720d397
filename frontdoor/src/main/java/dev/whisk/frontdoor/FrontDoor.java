package dev.whisk.frontdoor;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
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
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/1.1 server of the OpenWhisk API. One pipeline per connection: the byte stamp, the codec, the connection
 * timer, the request gate (size, key and body budget checked on the headers, before a body is read), the
 * aggregator, the answer order, the API handler. Keep-alive by default. A connection over the caps is closed as
 * soon as it is accepted (see {@link Connections}).
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
    private final Connections connections;
    private final BodyBudget bodies;

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
        final FrontDoorConfig.Bounds bounds = config.bounds();
        connections = new Connections(bounds.maxConnections(), bounds.maxConnectionsPerClient());
        bodies = new BodyBudget(bounds.maxBodyBytesInFlight());
        api.metrics().add(connections);
        api.metrics().add(bodies);
        bossGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("http-accept"), factory);
        this.ownsIoGroup = ioGroup == null;
        this.ioGroup = ioGroup != null ? ioGroup :
            new MultiThreadIoEventLoopGroup(config.ioThreads(), new DefaultThreadFactory("http-io"), factory);
        final RequestGate.Keys keys = api::refusalBeforeBody;
        final ServerBootstrap b = bootstrap = new ServerBootstrap()
            .group(bossGroup, this.ioGroup)
            .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .handler(connections.acceptFailures())
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    if (!connections.tryOpen(ch))
                    {
                        return;
                    }
                    final ConnectionTimer timer = new ConnectionTimer(bounds, connections);
                    final BodyBudget.Account budget = bodies.account();
                    ch.pipeline()
                        .addLast("bytes", timer.byteStamp())
                        .addLast("codec", new HttpServerCodec())
                        .addLast("timer", timer)
                        .addLast("gate", new RequestGate(config.maxBodyBytes(), config.maxInvokeBodyBytes(), keys,
                            budget))
                        .addLast("aggregator", new JsonSizeAggregator(config.maxBodyBytes()))
                        .addLast("order", new ResponseOrder(budget))
                        .addLast("api", api);
                }
            });
        serverChannel = b.bind(new InetSocketAddress(config.host(), config.port())).sync().channel();
        LOG.info("event=front-door-listening address={} transport={} maxConnections={} maxConnectionsPerClient={} " +
                "headerTimeoutMs={} bodyTimeoutMs={} keepAliveTimeoutMs={} maxBodyBytesInFlight={}",
            serverChannel.localAddress(), epoll ? "epoll" : "nio", bounds.maxConnections(),
            bounds.maxConnectionsPerClient(), bounds.headerTimeoutMs(), bounds.bodyTimeoutMs(),
            bounds.keepAliveTimeoutMs(), bounds.maxBodyBytesInFlight());
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
     * The aggregator, answering a body that grows past the limit (a chunked one: a declared length is refused by
     * {@link RequestGate} first) with OpenWhisk's JSON 413 instead of Netty's empty one, and closing.
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
            RequestGate.refuse(ctx, io.netty.handler.codec.http.HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                dev.whisk.core.entity.Messages.requestTooLarge(maxBytes + 1L, maxBytes))
                .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        }
    }
}
