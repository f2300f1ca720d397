package dev.whisk.launcher.node;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node's Aeron client to its own embedded driver, made again when it dies. Driver and client share the process and
 * stall together (a long GC pause, a stalled VM, a debugger, SIGSTOP), so the client is set to outlive a stall of
 * {@code pauseToleranceNs}: with Aeron's defaults (10 s) a process stopped for 15 s woke to a client that had
 * declared itself dead ({@code ConductorServiceTimeoutException}) and every send failed until a restart. A longer
 * stall, or any other death, closes the client; the node's agents notice their closed publications and
 * subscriptions and open them again on {@link #rebuilt()}.
 * <p>
 * Threads: {@link #current()} any; {@link #rebuilt()} the agents' threads, serialised here.
 */
final class AeronLink implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(AeronLink.class);

    private final MediaDriver driver;
    private final long pauseToleranceNs;
    private final String node;
    private final AtomicLong rebuilds = new AtomicLong();
    private volatile Aeron aeron;
    private volatile boolean closing;

    AeronLink(final MediaDriver driver, final long pauseToleranceNs, final String node)
    {
        this.driver = driver;
        this.pauseToleranceNs = pauseToleranceNs;
        this.node = node;
        this.aeron = connect();
    }

    /** The client now; it may have closed since (see {@link #rebuilt()}). */
    Aeron current()
    {
        return aeron;
    }

    /**
     * The client, connected anew first when the one before closed; the caller opens its publications and
     * subscriptions on it again.
     *
     * @throws IllegalStateException when this link is closing.
     * @throws RuntimeException      from Aeron when the driver cannot be reached now; try again later.
     */
    synchronized Aeron rebuilt()
    {
        if (closing)
        {
            throw new IllegalStateException("the " + node + "'s Aeron link is closing");
        }
        if (aeron.isClosed())
        {
            aeron = connect();
            LOG.warn("event=aeron-client-rebuilt node={} rebuilds={}", node, rebuilds.incrementAndGet());
        }
        return aeron;
    }

    /** How many times the client was made again. */
    long rebuilds()
    {
        return rebuilds.get();
    }

    private Aeron connect()
    {
        return Aeron.connect(new Aeron.Context()
            .aeronDirectoryName(driver.aeronDirectoryName())
            .driverTimeoutMs(TimeUnit.NANOSECONDS.toMillis(pauseToleranceNs))
            .errorHandler(error -> LOG.warn("event=aeron-client-error node={}", node, error))
            .closeHandler(() ->
            {
                if (!closing)
                {
                    LOG.error("event=aeron-client-closed node={} reason=unexpected action=rebuild", node);
                }
            }));
    }

    @Override
    public synchronized void close()
    {
        closing = true;
        aeron.close();
    }
}
