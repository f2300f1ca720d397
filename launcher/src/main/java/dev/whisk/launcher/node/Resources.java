package dev.whisk.launcher.node;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a node (standalone, controller, invoker, control plane) has started, closed in reverse start order, the later
 * failures kept as suppressed. Owned by the node's constructing thread; {@link #close()} is idempotent.
 */
final class Resources implements AutoCloseable
{
    /**
     * How long the whole process may stall (GC, VM, debugger, SIGSTOP) before its embedded Aeron driver and client
     * judge each other dead (see {@link AeronLink}): 5 minutes, or {@code -Dwhisk.aeron.pauseToleranceMs}.
     */
    static final long PAUSE_TOLERANCE_NS = TimeUnit.MILLISECONDS.toNanos(
        Long.getLong("whisk.aeron.pauseToleranceMs", TimeUnit.MINUTES.toMillis(5)));

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
            .clientLivenessTimeoutNs(PAUSE_TOLERANCE_NS)
            // Aeron requires a blocked publication to be unblocked only after its client could have been judged dead.
            .publicationUnblockTimeoutNs(PAUSE_TOLERANCE_NS + TimeUnit.SECONDS.toNanos(5))
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
