package dev.whisk.pool.runtime;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The asynchronous, keep-alive HTTP client the invoker uses to speak {@code /init} and {@code /run} to action
 * containers. One small event loop group serves every container; no thread ever waits on a container.
 */
public final class RuntimeClient implements AutoCloseable
{
    /** Responses above this are cut off as invalid; the result limit itself is enforced by the invoker. */
    public static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
    private static final long CONNECT_RETRY_NS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final int PROBE_TIMEOUT_MS = 1_000;
    private static final long PROBE_RETRY_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final Bootstrap bootstrap;

    public RuntimeClient(final int threads)
    {
        this(new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("runtime-client", true),
            Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory()), true);
    }

    /**
     * On an event loop group the caller owns and closes (standalone shares its one loop with the front door); the
     * group must use the epoll transport when epoll is available, else NIO.
     */
    public RuntimeClient(final EventLoopGroup group)
    {
        this(group, false);
    }

    private RuntimeClient(final EventLoopGroup group, final boolean ownsGroup)
    {
        final boolean epoll = Epoll.isAvailable();
        this.group = group;
        this.ownsGroup = ownsGroup;
        bootstrap = new Bootstrap()
            .group(group)
            .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 1000)
            .handler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    ch.pipeline()
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(MAX_RESPONSE_BYTES))
                        .addLast(new RuntimeConnection.Handler());
                }
            });
    }

    /**
     * Connects to a container that may still be booting: refused connections are retried every 2 ms until
     * {@code deadlineNs} ({@link System#nanoTime()}). Exactly one of the consumers is called, on an event loop.
     */
    public void connect(final InetSocketAddress address, final long deadlineNs,
        final Consumer<RuntimeConnection> onConnected, final Consumer<Throwable> onFailed)
    {
        connect(address, null, deadlineNs, onConnected, onFailed);
    }

    /**
     * As {@link #connect(InetSocketAddress, long, Consumer, Consumer)}, for a container that requires its secret:
     * every request on the connection carries {@code token} (built once per container, shared by its connections).
     */
    public void connect(final InetSocketAddress address, final AsciiString token, final long deadlineNs,
        final Consumer<RuntimeConnection> onConnected, final Consumer<Throwable> onFailed)
    {
        final ChannelFuture f = bootstrap.connect(address);
        f.addListener(future ->
        {
            if (future.isSuccess())
            {
                onConnected.accept(new RuntimeConnection(f.channel(), token));
            }
            else if (System.nanoTime() < deadlineNs && isRetryable(future.cause()))
            {
                group.schedule(() -> connect(address, token, deadlineNs, onConnected, onFailed),
                    CONNECT_RETRY_NS, TimeUnit.NANOSECONDS);
            }
            else
            {
                onFailed.accept(future.cause());
            }
        });
    }

    /**
     * Blocks until something accepts TCP connections at {@code address} or {@code deadlineNs} passes; returns whether
     * it did. A plain blocking connect retried every millisecond notices a booting container's port sooner than
     * event-loop retries do (each of those costs a channel and two thread hand-offs), so a Docker executor thread
     * calls this before {@link #connect}, which then succeeds at its first attempt.
     */
    public static boolean awaitListening(final InetSocketAddress address, final long deadlineNs)
    {
        while (true)
        {
            try (java.nio.channels.SocketChannel probe = java.nio.channels.SocketChannel.open())
            {
                probe.socket().connect(address, PROBE_TIMEOUT_MS);
                return true;
            }
            catch (final java.io.IOException ex)
            {
                if (System.nanoTime() > deadlineNs)
                {
                    return false;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(PROBE_RETRY_NS);
            }
        }
    }

    private static boolean isRetryable(final Throwable cause)
    {
        return cause instanceof ConnectException || cause instanceof java.io.IOException;
    }

    @Override
    public void close()
    {
        if (ownsGroup)
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

}
