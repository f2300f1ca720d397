package dev.whisk.pool;

import dev.whisk.core.activation.ActivationStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Per action, the jobs that found all its containers busy or starting, and the starts sized to them. A queued job
 * goes to the first of the action's containers with room, never to one in particular; a new container is started
 * for the queue only while it would still find work when ready, enough to pay for its start
 * ({@link PoolBook#drainNs}). What a start costs is learned as starts end (moving means).
 *
 * <p>Owner thread only.
 */
final class DemandStarts
{
    private static final Logger LOG = LoggerFactory.getLogger(DemandStarts.class);
    /** What a cold start is taken to cost until one was seen (docker create, start, node boot, /init). */
    private static final long DEFAULT_COLD_START_NS = TimeUnit.MILLISECONDS.toNanos(300);
    private static final long DEFAULT_STEM_START_NS = TimeUnit.MILLISECONDS.toNanos(20);
    /** How often queued actions are looked at again (their run times grow while the first runs are in flight). */
    private static final long PROVISION_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final double START_WEIGHT = 0.2;

    private final ContainerPool pool;
    private final PoolBook book;
    private final PoolMetrics metrics;
    private final JobLedger ledger;
    /** Per action: jobs waiting for one of its busy or starting containers; only actions with a queue. */
    private final Map<ContainerKey, ActionQueue> queues = new HashMap<>();
    /** What a start costs, ns, as observed (moving means): a cold start to its first run, a stem cell's init. */
    private long coldStartNs = DEFAULT_COLD_START_NS;
    private long stemStartNs = DEFAULT_STEM_START_NS;
    /** When the cold starts for queues under way are expected to be done, as {@link System#nanoTime()}. */
    private long coldStartsFreeNs;
    private long[] drainScratch = new long[16];
    private long nextProvisionNs;

    DemandStarts(final ContainerPool pool)
    {
        this.pool = pool;
        this.book = pool.book;
        this.metrics = pool.metrics;
        this.ledger = pool.ledger;
    }

    boolean isEmpty()
    {
        return queues.isEmpty();
    }

    /** Queues {@code job} behind its action's busy or starting containers, starting another if the wait is long. */
    void enqueue(final ContainerKey key, final Job job)
    {
        queues.computeIfAbsent(key, k -> new ActionQueue()).jobs.addLast(job);
        metrics.queuedJobs.incrementAndGet();
        provision(key, System.nanoTime());
    }

    /** When queued actions are next looked at, as {@link System#nanoTime()}; {@link Long#MAX_VALUE} with none. */
    long nextDeadlineNs()
    {
        return queues.isEmpty() ? Long.MAX_VALUE : nextProvisionNs;
    }

    /** Looks at every queued action again, at most every {@link #PROVISION_INTERVAL_NS}. */
    int provisionQueued(final long nowNs)
    {
        if (queues.isEmpty() || nowNs < nextProvisionNs)
        {
            return 0;
        }
        nextProvisionNs = nowNs + PROVISION_INTERVAL_NS;
        for (final ContainerKey key : new ArrayList<>(queues.keySet()))
        {
            provision(key, nowNs);
        }
        return 0;
    }

    /** Gives {@code c} queued jobs of its action while it has room. */
    void takeQueued(final PooledContainer c)
    {
        final ActionQueue q = c.key == null ? null : queues.get(c.key);
        if (q == null)
        {
            return;
        }
        Job next;
        while (c.hasRoom() && c.state != PooledContainer.State.REMOVING && (next = q.jobs.pollFirst()) != null)
        {
            metrics.queuedJobs.decrementAndGet();
            metrics.warmStarts.incrementAndGet();
            pool.runs.reserve(c);
            pool.runs.dispatch(c, next, -1, System.currentTimeMillis(), null);
        }
        if (q.jobs.isEmpty())
        {
            queues.remove(c.key);
        }
    }

    /** A run on {@code c} ended; when that was its action's last container (a developer error), the queue needs one. */
    void onRunEnded(final PooledContainer c)
    {
        final ActionQueue q = c.key == null ? null : queues.get(c.key);
        if (q != null && !q.jobs.isEmpty() && !book.hasContainers(c.key))
        {
            provision(c.key, System.nanoTime());
        }
    }

    /**
     * A container started for its action's queue is ready: it takes the first queued job (counted as the cold or
     * pre-warmed start it waited for), then more while it has room; with nothing left it goes idle.
     */
    void onInitializedForQueue(final PooledContainer c, final int initTimeMs)
    {
        c.forQueue = false;
        recordStartCost(c, initTimeMs);
        final ActionQueue q = queues.get(c.key);
        LOG.info("event=ready-for-queue container={} startedMs={} initMs={} queued={}", c.id(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - c.createdNs), initTimeMs, q == null ? 0 : q.jobs.size());
        final Job first = q == null ? null : q.jobs.pollFirst();
        if (first != null)
        {
            metrics.queuedJobs.decrementAndGet();
            (c.stem == null ? metrics.coldStarts : metrics.prewarmStarts).incrementAndGet();
            pool.runs.reserve(c);
            pool.runs.dispatch(c, first, initTimeMs, System.currentTimeMillis(), null);
        }
        pool.runs.serveWaitingFor(c);
        if (c.active == 0)
        {
            pool.runs.becomeIdle(c);
        }
        pool.capacityChanged = true;
    }

    /**
     * A container started for {@code c}'s queue failed; when it was the action's last, what queued (and what waits
     * in its start queue) ends with {@code error}, not in one start per job.
     */
    void failQueueIfOrphaned(final PooledContainer c, final byte[] error, final ActivationStatus status)
    {
        final long nowMs = System.currentTimeMillis();
        final RunOutcome outcome = new RunOutcome(status, error, nowMs, nowMs, -1, false);
        Job next;
        while ((next = c.startQueue.pollFirst()) != null)
        {
            ledger.complete(next, outcome, List.of());
        }
        final ActionQueue q = book.hasContainers(c.key) ? null : queues.remove(c.key);
        while (q != null && (next = q.jobs.pollFirst()) != null)
        {
            metrics.queuedJobs.decrementAndGet();
            ledger.complete(next, outcome, List.of());
        }
    }

    /**
     * The action of {@code c} cannot start (its init failed): unless another container of it runs, its queue is taken
     * away, to end as the first job did ({@link #fail}), not in one cold start per job; else {@code null}.
     */
    ActionQueue detachIfLast(final PooledContainer c)
    {
        return c.key == null || book.containerCount(c.key) > 1 ? null : queues.remove(c.key);
    }

    /** Ends every job of a detached queue with {@code outcome}. */
    void fail(final ActionQueue q, final RunOutcome outcome)
    {
        Job next;
        while (q != null && (next = q.jobs.pollFirst()) != null)
        {
            metrics.queuedJobs.decrementAndGet();
            ledger.result(next, outcome);
            ledger.complete(next, outcome, List.of());
        }
    }

    /** Drops every queue (their jobs were failed by the stop). */
    void clear()
    {
        queues.clear();
        metrics.queuedJobs.set(0);
    }

    void recordStartCost(final PooledContainer c, final int initTimeMs)
    {
        if (c.stem == null)
        {
            final long startedNs = System.nanoTime() - c.createdNs;
            coldStartNs = (long)(START_WEIGHT * startedNs + (1 - START_WEIGHT) * coldStartNs);
        }
        else
        {
            stemStartNs = (long)(START_WEIGHT * TimeUnit.MILLISECONDS.toNanos(initTimeMs) +
                (1 - START_WEIGHT) * stemStartNs);
        }
    }

    /**
     * Starts containers for {@code key}'s queue while one more would still find work when it is ready, enough to pay
     * for its start. The queue's work (its jobs times the mean run) is spread over the action's slots, each from when
     * it frees up or, while starting, from when it is expected to be ready; that gives when the queue would be
     * drained. Cold starts on one machine go about one at a time whatever the threads (Docker's create and start are
     * CPU-bound), so a new cold start is expected ready one start after the starts already under way. A new
     * container is started only if the queue would still be draining a whole start after it is ready.
     */
    private void provision(final ContainerKey key, final long nowNs)
    {
        final ActionQueue q = queues.get(key);
        while (q != null && !q.jobs.isEmpty())
        {
            final Job head = q.jobs.peekFirst();
            final boolean stemReady = pool.stems.has(head);
            final PoolBook.Supply supply = book.supply(key, nowNs);
            final long startNs = stemReady ? stemStartNs : coldStartNs;
            final long readyNs = stemReady ? stemStartNs : Math.max(nowNs, coldStartsFreeNs) - nowNs + coldStartNs;
            final long drainNs;
            if (supply.slots() > 0)
            {
                final long meanRunNs = supply.meanRunNs();
                if (drainScratch.length < supply.slots())
                {
                    drainScratch = new long[Math.max(2 * drainScratch.length, supply.slots())];
                }
                drainNs = book.drainNs(key, nowNs, meanRunNs, q.jobs.size() * meanRunNs, drainScratch);
                if (drainNs < readyNs + startNs)
                {
                    return;
                }
            }
            else
            {
                drainNs = -1;
            }
            LOG.info("event=start-for-queue action={} queued={} slots={} meanRunMs={} drainMs={} readyMs={} stem={}",
                key.actionPath(), q.jobs.size(), supply.slots(), supply.meanRunNs() / 1_000_000, drainNs / 1_000_000,
                readyNs / 1_000_000, stemReady);
            // The new container takes whichever queued job is first when it is ready, not the head of now.
            final PooledContainer stem = pool.stems.take(head);
            if (stem != null)
            {
                stem.forQueue = true;
                stem.expectedReadyNs = nowNs + readyNs;
                pool.starts.initStem(stem, head);
            }
            else if (pool.waiting.isEmpty() && pool.eviction.admit(head.limits().memory()))
            {
                coldStartsFreeNs = nowNs + readyNs;
                pool.starts.coldStartForQueue(head).expectedReadyNs = coldStartsFreeNs;
            }
            else
            {
                return; // no memory: the queue is served by the containers the action has
            }
        }
    }
}
