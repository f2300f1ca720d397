package dev.whisk.launcher;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a node (standalone, controller, invoker, control plane) has started, closed in reverse start order, the later
 * failures kept as suppressed. Owned by the node's constructing thread; {@link #close()} is idempotent.
 */
final class Resources implements AutoCloseable
{
    private final List<AutoCloseable> started = new ArrayList<>();

    /** Remembers {@code resource} for closing and returns it. */
    synchronized <T extends AutoCloseable> T own(final T resource)
    {
        started.add(resource);
        return resource;
    }

    /**
     * An embedded media driver in SHARED threading mode, its directory removed on start and shutdown.
     *
     * @param maxParkNs the longest its one thread parks when idle.
     */
    MediaDriver embeddedDriver(final long maxParkNs)
    {
        return own(MediaDriver.launchEmbedded(new MediaDriver.Context()
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy(16, 16, 1_000, maxParkNs))
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)));
    }

    @Override
    public synchronized void close()
    {
        final List<AutoCloseable> reversed = new ArrayList<>(started);
        Collections.reverse(reversed);
        started.clear();
        CloseHelper.closeAll(reversed);
    }
}
