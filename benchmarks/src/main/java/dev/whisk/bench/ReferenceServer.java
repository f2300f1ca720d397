package dev.whisk.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
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
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

import java.net.InetSocketAddress;
import java.util.function.Function;

/**
 * What the harness's reference servers ({@link EchoServer}, {@link ForwarderServer}) share: one acceptor thread, one
 * I/O thread (epoll where available), and an HTTP/1.1 server on 127.0.0.1 whose last handler each server brings.
 */
final class ReferenceServer
{
    static final boolean EPOLL = Epoll.isAvailable();
    private static final IoHandlerFactory FACTORY = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();

    final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, FACTORY);
    final EventLoopGroup io = new MultiThreadIoEventLoopGroup(1, FACTORY);

    /** Serves on {@code port} until the process ends; {@code handler} is asked once per accepted connection. */
    void serve(final String name, final int port, final Function<SocketChannel, ChannelHandler> handler)
        throws InterruptedException
    {
        final Channel server = new ServerBootstrap().group(boss, io)
            .channel(EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    ch.pipeline().addLast(new HttpServerCodec()).addLast(new HttpObjectAggregator(1024 * 1024))
                        .addLast(handler.apply(ch));
                }
            })
            .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
        System.out.println(name + " listening on " + server.localAddress());
        server.closeFuture().sync();
    }
}
