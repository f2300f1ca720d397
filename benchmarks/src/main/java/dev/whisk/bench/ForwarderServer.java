package dev.whisk.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The physical floor of the platform's design: a bare Netty HTTP forwarder on one event loop that relays every
 * request it gets to a warm action container as a fixed {@code POST /run}, over a keep-alive connection opened per
 * client connection on the same loop, and answers with the container's answer. Two TCP hops with their wake-ups and
 * nothing else: no authentication, journal, record or pool. Run as a child JVM by the load harness, measured from
 * another process like the platform. Usage: {@code ForwarderServer <port> <run-body> <container-ip>[|<secret>]...};
 * a secret goes in the header the proxy requires; client connections are spread over the containers round robin;
 * runs until killed.
 */
public final class ForwarderServer
{
    private ForwarderServer()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final int port = Integer.parseInt(args[0]);
        final byte[] runBody = args[1].getBytes(StandardCharsets.UTF_8);
        final String[] containers = java.util.Arrays.copyOfRange(args, 2, args.length);
        final ReferenceServer reference = new ReferenceServer();
        final Bootstrap client = new Bootstrap().group(reference.io)
            .channel(ReferenceServer.EPOLL ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true);
        final AtomicInteger next = new AtomicInteger();
        reference.serve("forwarder", port, ch ->
        {
            final String[] target = containers[Math.floorMod(next.getAndIncrement(), containers.length)]
                .split("\\|", 2);
            return new Relay(client, new InetSocketAddress(target[0], 8080), runBody,
                target.length > 1 ? target[1] : null);
        });
    }

    /** One client connection and its own keep-alive connection to the container. */
    private static final class Relay extends SimpleChannelInboundHandler<FullHttpRequest>
    {
        private final Bootstrap client;
        private final InetSocketAddress container;
        private final byte[] runBody;
        private final String secret;
        private io.netty.channel.ChannelFuture upstream;
        private ChannelHandlerContext inbound;

        Relay(final Bootstrap client, final InetSocketAddress container, final byte[] runBody, final String secret)
        {
            this.client = client;
            this.container = container;
            this.runBody = runBody;
            this.secret = secret;
        }

        @Override
        public void channelActive(final ChannelHandlerContext ctx)
        {
            inbound = ctx;
            upstream = client.clone().handler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    ch.pipeline().addLast(new HttpClientCodec()).addLast(new HttpObjectAggregator(1024 * 1024))
                        .addLast(new SimpleChannelInboundHandler<FullHttpResponse>()
                        {
                            @Override
                            protected void channelRead0(final ChannelHandlerContext c, final FullHttpResponse r)
                            {
                                final ByteBuf body = r.content().retain();
                                final FullHttpResponse answer = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                    r.status(), body);
                                answer.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
                                inbound.writeAndFlush(answer);
                            }
                        });
                }
            }).connect(container);
            ctx.fireChannelActive();
        }

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
        {
            final FullHttpRequest run = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/run",
                Unpooled.wrappedBuffer(runBody));
            run.headers().set(HttpHeaderNames.HOST, "action")
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, runBody.length);
            if (secret != null)
            {
                run.headers().set("x-whisk-proxy-token", secret);
            }
            if (upstream.isSuccess())
            {
                upstream.channel().writeAndFlush(run);
            }
            else
            {
                // The first request may come before the container connection is up: it goes once it is.
                upstream.addListener(f ->
                {
                    if (f.isSuccess())
                    {
                        upstream.channel().writeAndFlush(run);
                    }
                    else
                    {
                        run.release();
                        ctx.close();
                    }
                });
            }
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx)
        {
            upstream.channel().close();
            ctx.fireChannelInactive();
        }
    }
}
