package dev.whisk.pool;

import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.Messages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The pool's orderly stop: every job still open ends with a whisk internal error (a result already reported is kept),
 * the lanes stop taking work and the Docker calls under way finish, every container of this invoker is removed in
 * parallel, and what could not be removed is said, in the log and in the {@link Report}. Then the runtime client and
 * the engine are closed.
 *
 * <p>Owner thread, once ({@link ContainerPool#close}).
 */
final class PoolStop
{
    private static final Logger LOG = LoggerFactory.getLogger(PoolStop.class);
    /** How long an orderly stop waits for its containers' removal (in parallel) before it says what it left. */
    private static final long REMOVAL_MS = 6_000;
    /** How long a stop waits for Docker calls under way before it lists the containers again. */
    private static final long LANES_MS = 1_000;

    private final ContainerPool pool;
    private Report report;

    /**
     * What a stop did.
     *
     * @param jobsFailed     jobs still open that it ended.
     * @param removed        containers of this invoker it removed.
     * @param left           ids of the containers of this invoker still on the engine after it; empty when none, or
     *                       when the engine could not say ({@code cleanupFailed}).
     * @param cleanupFailed  whether the engine failed while removing or listing.
     */
    record Report(int jobsFailed, int removed, List<String> left, boolean cleanupFailed)
    {
    }

    PoolStop(final ContainerPool pool)
    {
        this.pool = pool;
    }

    Report report()
    {
        return report;
    }

    void run()
    {
        final ContainerPoolConfig config = pool.config;
        final ContainerEngine engine = pool.engine;
        final List<Job> open = pool.ledger.openJobs();
        for (final Job job : open)
        {
            pool.ledger.fail(job, ActivationStatus.WHISK_ERROR, Messages.PLATFORM_RESTARTED);
        }
        pool.waiting.clear();
        pool.metrics.waitingJobs.set(0);
        pool.demand.clear();
        // Queued starts and removals are dropped: their jobs have failed above, and removeAll below takes every
        // container of this invoker, in parallel, in one go.
        final List<Lane> lanes = pool.lanes();
        for (final Lane lane : lanes)
        {
            lane.stop();
        }
        int removed = 0;
        List<String> left = List.of();
        boolean failed = false;
        try
        {
            // Docker calls under way finish first (they are short): a removal racing removeAll's own would leave the
            // container half removed. Then every container in parallel.
            awaitLanes(lanes, LANES_MS);
            removed = engine.removeAll(config.invokerLabel(), REMOVAL_MS);
            // A start still under way when the lanes were awaited may have created its container after the listing.
            removed += engine.removeAll(config.invokerLabel(), REMOVAL_MS / 4);
            left = engine.containerIds(config.invokerLabel());
            if (left.isEmpty())
            {
                LOG.info("event=pool-closed invoker={} containersRemoved={}", config.invokerLabel(), removed);
            }
            else
            {
                LOG.warn("event=pool-closed invoker={} containersRemoved={} containersLeft={}", config.invokerLabel(),
                    removed, left);
            }
        }
        catch (final RuntimeException ex)
        {
            failed = true;
            LOG.warn("event=pool-cleanup-failed invoker={}", config.invokerLabel(), ex);
        }
        report = new Report(open.size(), removed, left, failed);
        pool.client.close();
        engine.close();
    }

    private void awaitLanes(final List<Lane> lanes, final long timeoutMs)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try
        {
            for (final Lane lane : lanes)
            {
                final long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
                if (!lane.awaitTermination(Math.max(0, leftMs)))
                {
                    LOG.warn("event=lane-calls-still-running invoker={} lane={}", pool.config.invokerLabel(),
                        lane.name());
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
