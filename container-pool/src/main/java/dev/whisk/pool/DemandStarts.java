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
    /** How much more an added container must let the action complete, for a standing queue to get another. */
    private static final double GAIN_TO_ADD_MORE = 1.1;

    private final ContainerPool pool;
    private final PoolBook book;
    private final PoolMetrics metrics;
    private final JobLedger ledger;
    /** Per action: jobs waiting for one of its busy or starting containers; only actions with a queue. */
    private final Map<ContainerKey, ActionQueue> queues = new HashMap<>();
    /** Per action that has had a standing queue: how added containers paid (kept across queue spells). */
    private final Map<ContainerKey, Standing> standing = new HashMap<>();
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

    /**
     * A container was started for one job (its action had none): when it is expected ready, so that what queues
     * behind it sees that wait (a stem cell may be worth taking for it) rather than a container free at once.
     */
    void startedForJob(final PooledContainer c, final long nowNs)
    {
        if (c.stem != null)
        {
            c.expectedReadyNs = nowNs + stemStartNs;
        }
        else
        {
            coldStartsFreeNs = Math.max(nowNs, coldStartsFreeNs) + coldStartNs;
            c.expectedReadyNs = coldStartsFreeNs;
        }
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
            final ActionQueue q = queues.get(key);
            if (q != null && !q.jobs.isEmpty())
            {
                watchStanding(key, q, standing.computeIfAbsent(key, k -> new Standing()), nowNs);
            }
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
            final Standing st = standing.get(c.key);
            if (st != null && st.enoughAt == 0 && st.rateBeforeAdd == 0)
            {
                standing.remove(c.key); // nothing learned to keep
            }
            else if (st != null)
            {
                st.markNs = 0; // the queue emptied: a standing queue is watched again from its next spell
            }
        }
    }

    /** A run on {@code c} ended; when that was its action's last container (a developer error), the queue needs one. */
    void onRunEnded(final PooledContainer c)
    {
        final ActionQueue q = c.key == null ? null : queues.get(c.key);
        if (q != null)
        {
            final Standing st = standing.get(c.key);
            if (st != null)
            {
                st.done++;
            }
        }
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
        standing.clear();
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
            if (!startFor(head, nowNs, readyNs))
            {
                // No memory (the queue is served by the containers the action has), or as many boots under way as
                // may be: decided again when one ends, on the queue and the run times of then.
                return;
            }
            LOG.info("event=start-for-queue action={} queued={} slots={} meanRunMs={} drainMs={} readyMs={} stem={}",
                key.actionPath(), q.jobs.size(), supply.slots(), supply.meanRunNs() / 1_000_000, drainNs / 1_000_000,
                readyNs / 1_000_000, stemReady);
        }
    }

    /**
     * Starts one container for {@code head}'s queue, expected ready in {@code readyNs}: a stem cell of its kind and
     * memory if one is ready, else a cold start if memory admits it and fewer than {@link Starts#bootLimit}
     * containers boot. The new container takes whichever queued job is first when it is ready, not the head of now.
     * Returns false when nothing could be started.
     */
    private boolean startFor(final Job head, final long nowNs, final long readyNs)
    {
        final PooledContainer stem = pool.stems.take(head);
        if (stem != null)
        {
            stem.forQueue = true;
            stem.expectedReadyNs = nowNs + readyNs;
            pool.starts.initStem(stem, head);
            return true;
        }
        if (!pool.starts.mayBoot())
        {
            return false;
        }
        if (pool.waiting.isEmpty() && pool.eviction.admit(head.limits().memory()))
        {
            coldStartsFreeNs = nowNs + readyNs;
            pool.starts.coldStartForQueue(head).expectedReadyNs = coldStartsFreeNs;
            return true;
        }
        return false;
    }

    /**
     * A queue that stands: clients that send again as soon as they are answered (a closed loop) keep a short queue
     * that the drain model never starts for (it drains in milliseconds), yet never empties, so every run waits behind
     * it. Watched in windows of one cold start: when the queue did not shrink over a window while no container of
     * the action was starting, one more is started. The first window after it is ready must complete at least
     * {@link #GAIN_TO_ADD_MORE} times the runs of the window before; if it does not (the machine, not the number of
     * containers, is the limit), no container is added for a standing queue while the action has as many. A burst's
     * queue shrinks once its sender stops, so it never qualifies.
     */
    private void watchStanding(final ContainerKey key, final ActionQueue q, final Standing st, final long nowNs)
    {
        if (st.markNs == 0 || book.hasStarting(key))
        {
            st.mark(nowNs, q.jobs.size()); // a window counts only with every container of the action running
            return;
        }
        final long windowNs = nowNs - st.markNs;
        if (windowNs < coldStartNs)
        {
            return;
        }
        final double rate = (st.done - st.markDone) * 1e9 / windowNs;
        final int containers = book.containerCount(key);
        if (st.rateBeforeAdd > 0)
        {
            final boolean paid = rate >= st.rateBeforeAdd * GAIN_TO_ADD_MORE;
            LOG.info("event=standing-queue-gain action={} containers={} runsPerSecondBefore={} runsPerSecondAfter={} " +
                "addMore={}", key.actionPath(), containers, Math.round(st.rateBeforeAdd), Math.round(rate), paid);
            st.rateBeforeAdd = 0;
            if (!paid)
            {
                st.enoughAt = containers;
            }
        }
        if (q.jobs.size() >= Math.max(1, st.markLength) && st.done > st.markDone &&
            (st.enoughAt == 0 || containers < st.enoughAt))
        {
            final Job head = q.jobs.peekFirst();
            final long readyNs = pool.stems.has(head) ? stemStartNs :
                Math.max(nowNs, coldStartsFreeNs) - nowNs + coldStartNs;
            if (startFor(head, nowNs, readyNs))
            {
                LOG.info("event=start-for-standing-queue action={} containers={} queued={} queuedWindowAgo={} " +
                    "runsPerSecond={}", key.actionPath(), containers, q.jobs.size(), st.markLength, Math.round(rate));
                st.rateBeforeAdd = rate;
            }
        }
        st.mark(nowNs, q.jobs.size());
    }

    /** Per action: the window a standing queue is watched over, and what containers added for it paid. */
    private static final class Standing
    {
        /** Runs of the action that ended while it had a queue. */
        long done;
        /** The start of the window (0: none), the queue's length and the runs done then. */
        long markNs;
        int markLength;
        long markDone;
        /** Runs per second in the window before a container was added for a standing queue; 0 when none pending. */
        double rateBeforeAdd;
        /** How many containers the action had when one more did not pay; 0 while none failed to. */
        int enoughAt;

        void mark(final long nowNs, final int length)
        {
            markNs = nowNs;
            markLength = length;
            markDone = done;
        }
    }
}
