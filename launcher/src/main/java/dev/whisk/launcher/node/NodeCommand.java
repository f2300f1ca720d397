package dev.whisk.launcher.node;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * What the server commands ({@code whisk standalone|controller|invoker}) share: start one node, have the JVM's
 * shutdown hook (SIGTERM, Ctrl-C) close it, say where it listens, and keep the main thread waiting until it is
 * closed. The hook is in place before anything is printed, so a signal during the banner still closes the node.
 * A command's options are its own fields (picocli's); the main thread runs {@link #call}, the hook's thread the close.
 *
 * @param <N> the node a command starts.
 */
abstract class NodeCommand<N extends AutoCloseable> implements Callable<Integer>
{
    @Override
    public final Integer call() throws Exception
    {
        final N node = start();
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            try
            {
                node.close();
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException("closing the node failed", ex);
            }
            finally
            {
                stopped.countDown();
            }
        }, "shutdown"));
        announce(node);
        System.out.flush();
        stopped.await();
        return 0;
    }

    /** Starts the node from the command's options. */
    abstract N start() throws Exception;

    /** Prints where the node listens and what a user needs to reach it (and, for standalone, runs the demo). */
    abstract void announce(N node) throws Exception;
}
