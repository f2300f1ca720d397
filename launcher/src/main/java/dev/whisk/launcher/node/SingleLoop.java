package dev.whisk.launcher.node;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.TimeUnit;

/**
 * A node's one Netty event loop on one daemon thread of the given name (epoll where available): standalone's
 * {@code whisk-loop}, an invoker's {@code invoker-loop}. Owned by the node, which closes it after what runs on it.
 */
final class SingleLoop implements AutoCloseable
{
    final EventLoopGroup group;

    SingleLoop(final String threadName)
    {
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(threadName, true),
            Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    @Override
    public void close()
    {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
