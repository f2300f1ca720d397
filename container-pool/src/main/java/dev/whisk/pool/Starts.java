package dev.whisk.pool;

import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.Messages;
import dev.whisk.pool.docker.ContainerSpec;
import dev.whisk.pool.docker.StartedContainer;
import dev.whisk.pool.runtime.ResponseCallback;
import dev.whisk.pool.runtime.RuntimeClient;
import dev.whisk.pool.runtime.RuntimeConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Makes containers ready for their first job: a cold start (fetch the code, create and start the container on the
 * start lane, wait for its runtime to listen, connect, {@code /init}) or a stem cell's init (fetch the code,
 * {@code /init} on its open connection). A container started for a job runs it once initialized; one started for
 * its action's queue takes whatever is first in the queue then ({@link DemandStarts}). A failed start or init ends
 * the job, and the jobs waiting on that container, with the error.
 *
 * <p>Owner thread, but for {@link #launch} and the code fetches, which run on the start lane's threads and hand
 * their outcome back through {@link ContainerPool#onOwner}.
 */
final class Starts
{
    private static final Logger LOG = LoggerFactory.getLogger(Starts.class);

    private final ContainerPool pool;
    private final ActionCodeSource codeSource;
    private final ContainerPoolConfig config;
    private final PoolMetrics metrics;
    private final JobLedger ledger;
    /** Docker create and start, and the fetch and /init that follow: as many threads as the config says. */
    final Lane lane;

    /** Owner thread: a launched container runs and is connected. */
    @FunctionalInterface
    interface Launched
    {
        void onConnected(StartedContainer started, Path freezeFile, RuntimeConnection connection);
    }

    Starts(final ContainerPool pool, final ActionCodeSource codeSource)
    {
        this.pool = pool;
        this.codeSource = codeSource;
        this.config = pool.config;
        this.metrics = pool.metrics;
        this.ledger = pool.ledger;
        // Docker's create and start are CPU-bound (dockerd, containerd, runc): more at once than the machine has cores
        // only makes each take longer, and the first container of a burst ready later.
        this.lane = new Lane("docker", Math.min(config.dockerThreads(),
            Math.max(2, Runtime.getRuntime().availableProcessors())), ContainerPool.LANE_CAPACITY);
    }

    /** A cold start for {@code job}, whose memory is admitted. */
    PooledContainer coldStart(final Job job)
    {
        metrics.coldStarts.incrementAndGet();
        final PooledContainer c = pool.track(job.kind(), job.limits().memory(), null);
        pool.assignKey(c, job);
        execute(() -> provision(c, job), () -> onProvisionFailed(c, job));
        return c;
    }

    /**
     * Starts a container for an action's queue: {@code template} (still queued) names the action and its code, and
     * the container, once initialized, takes whatever queued job is first then; it is no job's own.
     */
    PooledContainer coldStartForQueue(final Job template)
    {
        final PooledContainer c = pool.track(template.kind(), template.limits().memory(), null);
        c.forQueue = true;
        pool.assignKey(c, template);
        execute(() -> provision(c, template), () -> onProvisionFailed(c, template));
        return c;
    }

    /** Initializes a stem cell taken for {@code job} (or, {@code forQueue}, for its action's queue). */
    void initStem(final PooledContainer c, final Job job)
    {
        if (!c.forQueue)
        {
            metrics.prewarmStarts.incrementAndGet();
        }
        pool.setState(c, PooledContainer.State.STARTING);
        pool.assignKey(c, job);
        execute(() ->
        {
            final ActionCode code;
            try
            {
                code = codeSource.fetch(job.actionPath(), job.version(), job.revision());
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("event=code-fetch-failed action={} activationId={}", job.actionPath(), job.activationId(),
                    ex);
                pool.onOwner(() -> onProvisionFailed(c, job));
                return;
            }
            pool.onOwner(() ->
            {
                if (code == null)
                {
                    onProvisionFailed(c, job);
                    return;
                }
                final RuntimeConnection connection = c.freeConnections.pollFirst();
                if (connection == null || !connection.isOpen())
                {
                    onInitFailed(c, job, RunResults.errorJson(Messages.ABNORMAL_INIT), System.currentTimeMillis(),
                        false, null);
                    return;
                }
                postInit(c, job, code, connection);
            });
        }, () -> onProvisionFailed(c, job));
    }

    /**
     * How many containers may boot at once for what no call waits on in person (a queue's cold starts, stem cells),
     * all actions together: one fewer than the start lane's threads (at least one), so that an action's first
     * container or a stem cell's init never waits behind them. On a machine this size a boot keeps about a core busy;
     * two at once take about twice as long each, so the first of them is ready later, and starts decided on a run
     * time measured before they slowed the runs overshoot.
     */
    int bootLimit()
    {
        return Math.max(1, lane.threads() - 1);
    }

    /** Whether fewer than {@link #bootLimit} containers boot now. */
    boolean mayBoot()
    {
        return pool.book.booting() < bootLimit();
    }

    /** Runs a start on the start lane; {@code ifRejected} runs here when the lane is full or the pool is stopping. */
    void execute(final Runnable task, final Runnable ifRejected)
    {
        lane.execute(task, ifRejected);
    }

    /**
     * Start lane: creates and starts {@code c}'s container, waits up to {@code connectNs} for its runtime to listen
     * and connects. The owner then hears {@code then}, or {@code onFailed} with the container when the engine started
     * it and {@code null} when it did not.
     *
     * @param job the job it is started for, to name in the log; {@code null} for a stem cell.
     */
    void launch(final PooledContainer c, final ContainerSpec spec, final long connectNs, final Job job,
        final Launched then, final Consumer<StartedContainer> onFailed)
    {
        final StartedContainer started;
        final Path freezeFile;
        try
        {
            started = pool.engine.start(spec);
            freezeFile = pool.engine.freezeFile(started.id());
        }
        catch (final RuntimeException ex)
        {
            if (job == null)
            {
                LOG.warn("event=stem-cell-start-failed kind={} image={}", c.kind, spec.image(), ex);
            }
            else
            {
                LOG.warn("event=container-start-failed action={} activationId={}", job.actionPath(),
                    job.activationId(), ex);
            }
            pool.onOwner(() -> onFailed.accept(null));
            return;
        }
        final long deadlineNs = System.nanoTime() + connectNs;
        final InetSocketAddress address = started.runtimeAddress();
        RuntimeClient.awaitListening(address, deadlineNs);
        pool.client.connect(address, c.token, deadlineNs,
            connection -> pool.onOwner(() -> then.onConnected(started, freezeFile, connection)),
            cause -> pool.onOwner(() -> onFailed.accept(started)));
    }

    /** Owner thread: the container runs and is connected; false when the pool no longer wants it. */
    boolean onStarted(final PooledContainer c, final StartedContainer started, final Path freezeFile,
        final RuntimeConnection connection)
    {
        pool.logs.attach(c, started);
        c.freezeFile = freezeFile;
        pool.connections.adopt(c, connection);
        c.freeConnections.addLast(connection);
        if (pool.closed || c.state == PooledContainer.State.REMOVING)
        {
            pool.eviction.destroy(c);
            return false;
        }
        return true;
    }

    ContainerSpec specFor(final PooledContainer c, final String image, final String actionLabel,
        final boolean concurrent)
    {
        final List<String> env = new ArrayList<>(4);
        env.add("__OW_API_HOST=" + config.apiHost());
        env.add("__OW_LOG_TAGS=true");
        env.add(ProxyToken.ENV + "=" + c.token);
        if (concurrent)
        {
            env.add("__OW_ALLOW_CONCURRENT=true");
        }
        return new ContainerSpec(image, "whisk_" + config.invokerLabel() + "_" + c.seq, c.memoryMb, env,
            config.invokerLabel(), actionLabel, ContainerSpec.cpuSharesFor(c.memoryMb, config.memoryBudgetMb()),
            ContainerSpec.tmpMbFor(c.memoryMb));
    }

    /** Start lane: fetch the code and start the container, then connect and init. */
    private void provision(final PooledContainer c, final Job job)
    {
        final ActionCode code;
        try
        {
            code = codeSource.fetch(job.actionPath(), job.version(), job.revision());
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("event=container-start-failed action={} activationId={}", job.actionPath(),
                job.activationId(), ex);
            pool.onOwner(() -> onProvisionFailed(c, job));
            return;
        }
        if (code == null)
        {
            pool.onOwner(() -> onProvisionFailed(c, job));
            return;
        }
        launch(c, specFor(c, code.image(), job.actionPath(),
                !ContainerPool.BLACKBOX.equals(job.kind()) || job.limits().concurrency() > 1),
            TimeUnit.MILLISECONDS.toNanos(job.limits().timeout()), job,
            (started, freezeFile, connection) ->
            {
                if (onStarted(c, started, freezeFile, connection))
                {
                    postInit(c, job, code, c.freeConnections.pollFirst());
                }
            },
            started ->
            {
                if (started == null)
                {
                    onProvisionFailed(c, job);
                    return;
                }
                pool.logs.attach(c, started);
                onInitFailed(c, job, RunResults.errorJson(Messages.ABNORMAL_INIT), System.currentTimeMillis(),
                    false, null);
            });
    }

    private void postInit(final PooledContainer c, final Job job, final ActionCode code,
        final RuntimeConnection connection)
    {
        final long initStartMs = System.currentTimeMillis();
        final int timeoutMs = job.limits().timeout();
        connection.post("/init", RuntimeBodies.initBody(job, code), timeoutMs, LogCollection.logLimit(c, job),
            new ResponseCallback()
        {
            @Override
            public void onResponse(final int status, final byte[] response, final int resultLength,
                final boolean logsTruncated)
            {
                final long endMs = System.currentTimeMillis();
                pool.onOwner(() ->
                {
                    final List<String> initLogs = InlineLogs.lines(null, response, resultLength, logsTruncated,
                        job.limits().logBytes());
                    if (status == 200)
                    {
                        c.freeConnections.addLast(connection);
                        onInitialized(c, job, (int)(endMs - initStartMs), initStartMs, initLogs);
                    }
                    else
                    {
                        onInitFailed(c, job, RunResults.initFailure(InlineLogs.result(response, resultLength)),
                            initStartMs, false, initLogs);
                    }
                });
            }

            @Override
            public void onFailure(final Throwable cause, final boolean timedOut)
            {
                pool.onOwner(() -> onInitFailed(c, job, RunResults.errorJson(timedOut ?
                    String.format(Messages.TIMED_OUT_INIT, timeoutMs) : Messages.ABNORMAL_INIT), initStartMs,
                    timedOut, null));
            }
        });
    }

    /** @param initLogs the init's own log lines when they came in-band, to lead the first run's; else null. */
    private void onInitialized(final PooledContainer c, final Job job, final int initTimeMs, final long startMs,
        final List<String> initLogs)
    {
        if (c.forQueue && c.state != PooledContainer.State.REMOVING)
        {
            pool.demand.onInitializedForQueue(c, initTimeMs);
            return;
        }
        if (c.state == PooledContainer.State.REMOVING)
        {
            onInitFailed(c, job, RunResults.errorJson(Messages.ABNORMAL_INIT), startMs, false, initLogs);
            return;
        }
        pool.demand.recordStartCost(c, initTimeMs);
        pool.runs.reserve(c);
        pool.runs.dispatch(c, job, initTimeMs, startMs, initLogs);
        pool.runs.serveWaitingFor(c);
    }

    /** @param logs the init's log lines when they came in-band, else null: then they are read from Docker's log. */
    private void onInitFailed(final PooledContainer c, final Job job, final byte[] error, final long startMs,
        final boolean timedOut, final List<String> logs)
    {
        if (c.forQueue)
        {
            pool.eviction.destroy(c);
            pool.demand.failQueueIfOrphaned(c, error, ActivationStatus.DEVELOPER_ERROR);
            return;
        }
        final long nowMs = System.currentTimeMillis();
        final RunOutcome outcome = new RunOutcome(ActivationStatus.DEVELOPER_ERROR, error, startMs, nowMs,
            (int)(nowMs - startMs), timedOut);
        pool.runs.reserve(c);
        // The action cannot start: what queued for it ends as its first job did, not in one cold start per job
        // (unless another container of it runs).
        final ActionQueue q = pool.demand.detachIfLast(c);
        pool.runs.finish(c, job, outcome, false, logs);
        Job next;
        while ((next = c.startQueue.pollFirst()) != null)
        {
            ledger.result(next, outcome);
            ledger.complete(next, outcome, List.of());
        }
        pool.demand.fail(q, outcome);
    }

    private void onProvisionFailed(final PooledContainer c, final Job job)
    {
        pool.eviction.destroy(c);
        if (c.forQueue)
        {
            // The job is still queued: it fails only when no container of its action is left to serve it.
            pool.demand.failQueueIfOrphaned(c, RunResults.errorJson(Messages.PROVISION_FAILED),
                ActivationStatus.WHISK_ERROR);
            return;
        }
        ledger.fail(job, ActivationStatus.WHISK_ERROR, Messages.PROVISION_FAILED);
        Job next;
        while ((next = c.startQueue.pollFirst()) != null)
        {
            ledger.fail(next, ActivationStatus.WHISK_ERROR, Messages.PROVISION_FAILED);
        }
    }
}
