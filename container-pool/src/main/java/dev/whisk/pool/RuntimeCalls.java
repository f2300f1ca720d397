package dev.whisk.pool;

import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.Messages;
import dev.whisk.pool.runtime.ResponseCallback;
import dev.whisk.pool.runtime.RuntimeConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs jobs on ready containers: {@code /run} on a free keep-alive connection, its answer turned into a
 * {@link RunOutcome} (or the run's abort: a timeout, a container that died, out of memory or not), and what follows
 * a run's end: the result reported at once, the container back to work or idle, or destroyed after a developer
 * error, as OpenWhisk does. This is the warm path: {@link #startWarm}, {@link #dispatch}, the answer, {@link #finish}.
 *
 * <p>Owner thread only; the answers come from the runtime client's event loop through {@link ContainerPool#onOwner}.
 */
final class RuntimeCalls
{
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeCalls.class);
    private static final long OOM_CHECK_WAIT_MS = 1_000;

    private final ContainerPool pool;
    private final PoolMetrics metrics;
    private final JobLedger ledger;
    private final PoolBook book;

    RuntimeCalls(final ContainerPool pool)
    {
        this.pool = pool;
        this.metrics = pool.metrics;
        this.ledger = pool.ledger;
        this.book = pool.book;
    }

    /** Runs {@code job} on a warm container of its action, resumed first when it was paused. */
    void startWarm(final PooledContainer c, final Job job)
    {
        metrics.warmStarts.incrementAndGet();
        final boolean paused = c.state == PooledContainer.State.PAUSED;
        reserve(c);
        if (paused)
        {
            metrics.resumes.incrementAndGet();
            pool.pauses.resume(c, () -> dispatch(c, job, -1, System.currentTimeMillis(), null));
        }
        else
        {
            dispatch(c, job, -1, System.currentTimeMillis(), null);
        }
    }

    /** Counts one more job on the container, which makes it busy. */
    void reserve(final PooledContainer c)
    {
        if (c.active == 0)
        {
            c.busySinceNs = System.nanoTime();
            if (c.state == PooledContainer.State.IDLE || c.state == PooledContainer.State.PAUSED)
            {
                c.onReused(c.busySinceNs - c.idleSinceNs);
            }
        }
        c.active++;
        if (c.state != PooledContainer.State.REMOVING)
        {
            pool.setState(c, PooledContainer.State.BUSY);
        }
    }

    /**
     * Sends {@code /run} on a free connection of the container, opening one when all are taken (a container that
     * runs several jobs at once has one connection per job).
     *
     * @param initTimeMs -1 for a warm container.
     * @param startMs    the start of the activation: the start of init when cold.
     * @param initLogs   the log lines of the init this run follows, when they came in-band; else null.
     */
    void dispatch(final PooledContainer c, final Job job, final int initTimeMs, final long startMs,
        final List<String> initLogs)
    {
        RuntimeConnection connection = c.freeConnections.pollFirst();
        while (connection != null && !connection.isOpen())
        {
            connection = c.freeConnections.pollFirst();
        }
        if (connection != null)
        {
            post(c, connection, job, initTimeMs, startMs, initLogs);
            return;
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(job.limits().timeout());
        pool.client.connect(c.docker.runtimeAddress(), c.token, deadlineNs,
            opened -> pool.onOwner(() ->
            {
                pool.connections.adopt(c, opened);
                post(c, opened, job, initTimeMs, startMs, initLogs);
            }),
            cause -> pool.onOwner(() -> onRunAborted(c, job, startMs, System.currentTimeMillis(), initTimeMs,
                Messages.ABNORMAL_RUN, false)));
    }

    /** A container just ready runs the jobs that waited for it, then queued jobs of its action. */
    void serveWaitingFor(final PooledContainer c)
    {
        Job next;
        while ((next = c.startQueue.pollFirst()) != null)
        {
            metrics.warmStarts.incrementAndGet();
            reserve(c);
            dispatch(c, next, -1, System.currentTimeMillis(), null);
        }
        pool.demand.takeQueued(c);
    }

    /**
     * A run ended. Its result goes out at once; the container goes back to work at once (or is destroyed after a
     * developer error, as OpenWhisk does). Logs that came with the answer complete the job now; otherwise they are
     * read from Docker's log behind ({@link LogCollection}).
     *
     * @param logs the run's log lines when they came in-band, else null.
     */
    void finish(final PooledContainer c, final Job job, final RunOutcome outcome, final boolean keep,
        final List<String> logs)
    {
        c.active--;
        if (logs != null)
        {
            ledger.complete(job, outcome, logs);
        }
        else
        {
            ledger.result(job, outcome);
            if (c.docker == null)
            {
                ledger.complete(job, outcome, List.of());
                pool.eviction.destroy(c);
                return;
            }
            pool.logs.collectAfter(c, job, outcome);
        }
        if (!keep || pool.closed || c.state == PooledContainer.State.REMOVING)
        {
            pool.eviction.destroy(c);
        }
        else
        {
            pool.demand.takeQueued(c);
            if (c.active == 0)
            {
                becomeIdle(c);
            }
        }
        // The run alone: a cold start's outcome starts with its init.
        c.onRunEnded(TimeUnit.MILLISECONDS.toNanos(Math.max(0, outcome.endMs() - outcome.startMs() -
            Math.max(0, outcome.initTimeMs()))));
        pool.demand.onRunEnded(c);
        pool.capacityChanged = true;
    }

    /** The container has nothing to run: it waits for a job of its action, paused after its delay. */
    void becomeIdle(final PooledContainer c)
    {
        final long now = System.nanoTime();
        pool.setState(c, PooledContainer.State.IDLE);
        c.lastUsedNs = now;
        c.idleSinceNs = now;
        pool.pauses.onIdle(c, now);
    }

    private void post(final PooledContainer c, final RuntimeConnection connection, final Job job,
        final int initTimeMs, final long startMs, final List<String> initLogs)
    {
        final int timeoutMs = job.limits().timeout();
        final long deadlineMs = System.currentTimeMillis() + timeoutMs;
        connection.post("/run", RuntimeBodies.runBody(job, deadlineMs), timeoutMs, LogCollection.logLimit(c, job),
            new ResponseCallback()
        {
            @Override
            public void onResponse(final int status, final byte[] body, final int resultLength,
                final boolean logsTruncated)
            {
                final long endMs = System.currentTimeMillis();
                pool.onOwner(() ->
                {
                    final RunResults.Classified r = RunResults.classifyRun(status,
                        InlineLogs.result(body, resultLength));
                    final RunOutcome outcome = new RunOutcome(r.status(), r.result(), startMs, endMs, initTimeMs,
                        false);
                    if (connection.isOpen())
                    {
                        c.freeConnections.addLast(connection);
                    }
                    finish(c, job, outcome, r.status() != ActivationStatus.DEVELOPER_ERROR,
                        InlineLogs.lines(initLogs, body, resultLength, logsTruncated, job.limits().logBytes()));
                });
            }

            @Override
            public void onFailure(final Throwable cause, final boolean timedOut)
            {
                final long endMs = System.currentTimeMillis();
                if (timedOut)
                {
                    pool.onOwner(() -> onRunAborted(c, job, startMs, endMs, initTimeMs,
                        String.format(Messages.TIMED_OUT_RUN, timeoutMs), true));
                    return;
                }
                final String id = c.docker.id();
                final ContainerEngine engine = pool.engine;
                pool.eviction.lane.execute(() ->
                {
                    final String message = engine.wasOomKilled(id, OOM_CHECK_WAIT_MS) ?
                        Messages.MEMORY_EXHAUSTED : Messages.ABNORMAL_RUN;
                    LOG.info("event=container-died container={} activationId={} outOfMemory={}", id,
                        job.activationId(), message.equals(Messages.MEMORY_EXHAUSTED));
                    pool.onOwner(() -> onRunAborted(c, job, startMs, endMs, initTimeMs, message, false));
                }, () -> onRunAborted(c, job, startMs, endMs, initTimeMs, Messages.ABNORMAL_RUN, false));
            }
        });
    }

    private void onRunAborted(final PooledContainer c, final Job job, final long startMs, final long endMs,
        final int initTimeMs, final String message, final boolean timedOut)
    {
        finish(c, job, new RunOutcome(ActivationStatus.DEVELOPER_ERROR, RunResults.errorJson(message), startMs,
            endMs, initTimeMs, timedOut), false, null);
    }
}
