package dev.whisk.pool;

import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.Messages;
import dev.whisk.pool.docker.CgroupFreezer;
import dev.whisk.pool.docker.CollectedLogs;
import dev.whisk.pool.docker.ContainerLogReader;
import dev.whisk.pool.docker.ContainerSpec;
import dev.whisk.pool.docker.DockerDriver;
import dev.whisk.pool.docker.StartedContainer;
import dev.whisk.pool.runtime.ResponseCallback;
import dev.whisk.pool.runtime.RuntimeClient;
import dev.whisk.pool.runtime.RuntimeConnection;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * Keeps action containers per (namespace, action, version, memory) and runs jobs on them, as OpenWhisk's
 * {@code ContainerPool} and {@code ContainerProxy} do, shaped as an agent's state:
 * <ul>
 *     <li>a warm container of the job's key takes it at once, resumed first when it was paused (a container with
 *     {@code limits.concurrency} N takes up to N jobs at once);</li>
 *     <li>else a pre-warmed stem cell of the job's kind and memory is initialized for it;</li>
 *     <li>else a container is created (a cold start), its memory admitted against the budget, evicting idle
 *     containers least recently used first (paused, then idle, then stem cells);</li>
 *     <li>when no memory can be freed the job waits in one bounded, fair FIFO queue.</li>
 * </ul>
 * A warm container with nothing to do is paused after a grace period, through its cgroup freezer where the invoker
 * can write it, else through the Docker API; its keep-alive connections stay open. Stem cells are refilled in the
 * background. Idle containers are removed after the idle timeout; containers that die are noticed and dropped.
 *
 * <p>Single writer: every mutable field is owned by one thread, the owner, which calls {@link #submit} and
 * {@link #doWork}. Docker calls and log reads run on a small executor and the HTTP exchanges on the runtime client's
 * event loop; both hand their results back as commands that {@link #doWork} executes. Every job gets exactly one
 * {@link JobListener#onResult} and then one {@link JobListener#onCompleted}, on the owner thread, whatever happens,
 * including {@link #close}. The counters and gauges may be read from any thread.
 */
public final class ContainerPool implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ContainerPool.class);
    private static final String BLACKBOX = "blackbox";
    private static final long REAP_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long STEM_RETRY_NS = TimeUnit.SECONDS.toNanos(5);
    private static final long STEM_CONNECT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long OOM_CHECK_WAIT_MS = 1_000;
    /** What a cold start is taken to cost until one was seen (docker create, start, node boot, /init). */
    private static final long DEFAULT_COLD_START_NS = TimeUnit.MILLISECONDS.toNanos(300);
    private static final long DEFAULT_STEM_START_NS = TimeUnit.MILLISECONDS.toNanos(20);
    /** How often queued actions are looked at again (their run times grow while the first runs are in flight). */
    private static final long PROVISION_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final double START_WEIGHT = 0.2;
    /** How long an orderly stop waits for its containers' removal (in parallel) before it says what it left. */
    private static final long STOP_REMOVAL_MS = 6_000;
    /** How long the pool tries to open a new connection to an idle container whose connection closed. */
    private static final long RECONNECT_NS = TimeUnit.SECONDS.toNanos(2);
    /** How long a stop waits for Docker calls under way before it lists the containers again. */
    private static final long STOP_LANES_MS = 1_000;
    /** Tasks one lane holds waiting; more are refused (the pool's fallback for each runs). */
    private static final int LANE_CAPACITY = 4_096;
    /** The label {@code runtimes/nodejs/build-image.sh} puts on images of our proxy, which speaks in-band logs. */
    static final String INLINE_LOGS_LABEL = "whisk.proxy.sha256";
    /** OpenWhisk's blackbox base image, whose proxy prints the log sentinels. */
    private static final String SKELETON_IMAGE = "dockerskeleton";

    private final ContainerPoolConfig config;
    private final ContainerEngine driver;
    private final RuntimeClient client;
    /** Docker create and start, and the fetch and /init that follow: as many threads as the config says. */
    private final Lane startLane;
    /** Docker rm, and the out-of-memory check of a container that died: never ahead of a start. */
    private final Lane removeLane;
    /** Docker-API pauses and resumes, where the cgroup freezer cannot be reached. */
    private final Lane freezeLane;
    /**
     * Docker's json-file logs (images without in-band logs, and runs that ended without an answer): one thread, so a
     * slow log never delays a container start, and a blackbox run's logs never delay our image's records.
     */
    private final Lane logLane;
    /** Images that run our own proxy, which returns an activation's logs with its answer. */
    private final java.util.Set<String> inlineLogImages = new java.util.HashSet<>();
    private final ActionCodeSource codeSource;
    /** Commands for the owner thread; each offer also wakes the owner if it is parked. */
    private final ManyToOneConcurrentLinkedQueue<Runnable> commands = new ManyToOneConcurrentLinkedQueue<>()
    {
        @Override
        public boolean offer(final Runnable command)
        {
            final boolean added = super.offer(command);
            wakeOwner.run();
            return added;
        }
    };
    private volatile Runnable wakeOwner = () -> { };
    /** The event loop that owns the pool, when it runs on one: callbacks already there run at once, not queued. */
    private volatile io.netty.channel.EventLoop ownerLoop;
    /** Owner thread: how deep the owner is inside the pool's own code; commands run inline only at depth 0. */
    private int depth;

    private final PoolBook book = new PoolBook(ContainerPool::hasOpenConnection);
    private final List<StemSlot> stemSlots = new ArrayList<>();
    /** Idle containers by when they are due to be paused, soonest first. */
    private final PriorityQueue<PauseDue> pauseDue = new PriorityQueue<>(Comparator.comparingLong(PauseDue::dueNs));
    private final ArrayDeque<Job> waiting = new ArrayDeque<>();
    /** Per action: jobs waiting for one of its busy or starting containers; only actions with a queue. */
    private final java.util.HashMap<ContainerKey, ActionQueue> queues = new java.util.HashMap<>();
    /** What a start costs, ns, as observed (moving means): a cold start to its first run, a stem cell's init. */
    private long coldStartNs = DEFAULT_COLD_START_NS;
    private long stemStartNs = DEFAULT_STEM_START_NS;
    /** When the cold starts for queues under way are expected to be done, as {@link System#nanoTime()}. */
    private long coldStartsFreeNs;
    private long[] drainScratch = new long[16];
    private long nextProvisionNs;
    private final JobLedger ledger;
    private final long pauseGraceNs;
    private int memoryUsedMb;
    private long nextSeq;
    private long nextReapNs;
    private boolean capacityChanged;
    private boolean closed;

    private final PoolMetrics metrics;

    /**
     * A pool on {@code engine} (Docker in production: {@link DockerDriver#forPool}; a fake one in the pool's fast
     * tests), which the pool closes when it closes. It speaks to the containers on {@code runtimeLoops}, a group the
     * caller owns (standalone's one event loop, shared with its front door); {@code null} for a group of the pool's
     * own ({@code clientThreads} loops).
     */
    public ContainerPool(final ContainerPoolConfig config, final ActionCodeSource codeSource,
        final JobListener listener, final ContainerEngine engine, final io.netty.channel.EventLoopGroup runtimeLoops)
    {
        this.config = config;
        this.codeSource = codeSource;
        this.ledger = new JobLedger(listener);
        this.metrics = new PoolMetrics(config.memoryBudgetMb());
        this.pauseGraceNs = config.pauseGraceMs() < 0 ? -1 : TimeUnit.MILLISECONDS.toNanos(config.pauseGraceMs());
        this.driver = engine;
        this.client = runtimeLoops == null ? new RuntimeClient(config.clientThreads()) :
            new RuntimeClient(runtimeLoops);
        // Docker's create and start are CPU-bound (dockerd, containerd, runc): more at once than the machine has cores
        // only makes each take longer, and the first container of a burst ready later.
        this.startLane = new Lane("docker", Math.min(config.dockerThreads(),
            Math.max(2, Runtime.getRuntime().availableProcessors())), LANE_CAPACITY);
        this.removeLane = new Lane("remove", 2, LANE_CAPACITY);
        this.freezeLane = new Lane("freeze", 1, LANE_CAPACITY);
        this.logLane = new Lane("logs", 1, LANE_CAPACITY);
        for (final StemCell cell : config.stemCells())
        {
            final String image = config.runtimeImages().get(cell.kind());
            if (image != null && cell.count() > 0)
            {
                stemSlots.add(new StemSlot(cell, image));
            }
        }
    }

    /**
     * Prepares the engine side: checks the engine answers, creates the network, removes containers an earlier run
     * of this invoker left behind. Blocking; call once, before the owner thread starts. Stem cells are started by
     * the owner's first duty cycles.
     *
     * @throws IllegalStateException when no Docker engine answers.
     */
    public void start()
    {
        if (!driver.isReachable())
        {
            throw new IllegalStateException("no Docker engine answers at " + config.dockerHost());
        }
        driver.ensureNetwork();
        final int removed = driver.removeAll(config.invokerLabel());
        for (final String image : config.runtimeImages().values())
        {
            final String proxy = driver.hasImage(image) ? driver.imageLabel(image, INLINE_LOGS_LABEL) : null;
            if (proxy != null && !proxy.isEmpty())
            {
                inlineLogImages.add(image);
            }
        }
        for (final StemSlot slot : stemSlots)
        {
            slot.enabled = driver.hasImage(slot.image);
            if (!slot.enabled)
            {
                LOG.warn("event=stem-cells-disabled kind={} image={} reason=image-missing", slot.cell.kind(),
                    slot.image);
            }
        }
        LOG.info("event=pool-started invoker={} leftoversRemoved={} memoryBudgetMb={} stemCells={} pauseGraceMs={}",
            config.invokerLabel(), removed, config.memoryBudgetMb(), config.stemCells(), config.pauseGraceMs());
    }

    /**
     * What to call when another thread hands the owner a command, e.g. unparking the owner's idle strategy, so a
     * container's answer is handled at once rather than when the owner next wakes on its own.
     */
    public void wakeOwnerWith(final Runnable wake)
    {
        this.wakeOwner = wake;
    }

    /**
     * Makes {@code loop} the pool's owner: every container connection's callbacks then run there, and those that
     * arrive while the owner is not inside the pool's own code run at once rather than as queued commands. Call
     * before the first job, with the one loop of the group the pool was given to speak to its containers on.
     */
    public void ownedBy(final io.netty.channel.EventLoop loop)
    {
        this.ownerLoop = loop;
    }

    /** Whether the image for a runtime kind is present locally. */
    public boolean hasImage(final String image)
    {
        return driver.hasImage(image);
    }

    /** Owner thread: takes a job; its outcome arrives through the {@link JobListener}. */
    public void submit(final Job job)
    {
        if (depth > 0)
        {
            // Called back into from a listener inside the pool's own code (a composition's next step): placed
            // from the command queue, which the owner drains between its own steps.
            commands.offer(() -> place(job));
            return;
        }
        depth++;
        try
        {
            place(job);
        }
        finally
        {
            depth--;
        }
    }

    private void place(final Job job)
    {
        ledger.open(job);
        if (closed || job.limits().memory() > config.memoryBudgetMb())
        {
            ledger.fail(job, ActivationStatus.WHISK_ERROR, Messages.PROVISION_FAILED);
            return;
        }
        if (!tryPlace(job, waiting.isEmpty()))
        {
            if (waiting.size() >= config.maxWaiting())
            {
                LOG.warn("event=wait-queue-full activationId={} waiting={}", job.activationId(), waiting.size());
                ledger.fail(job, ActivationStatus.WHISK_ERROR, Messages.PROVISION_FAILED);
                return;
            }
            waiting.addLast(job);
            metrics.waitingJobs.set(waiting.size());
        }
    }

    /**
     * Owner thread: runs the commands handed back by other threads, pauses containers past their grace, serves
     * waiting jobs when capacity changed, refills stem cells and removes long-idle containers.
     */
    public int doWork()
    {
        depth++;
        try
        {
            return duty();
        }
        finally
        {
            depth--;
        }
    }

    private int duty()
    {
        int work = 0;
        Runnable command;
        while ((command = commands.poll()) != null)
        {
            command.run();
            work++;
        }
        final long now = System.nanoTime();
        work += pauseDue(now);
        if (capacityChanged)
        {
            capacityChanged = false;
            work += drainWaiting();
        }
        if (now >= nextReapNs)
        {
            nextReapNs = now + REAP_INTERVAL_NS;
            work += reapIdle(now);
        }
        work += provisionQueued(now);
        work += refillStems(now);
        return work;
    }

    /**
     * Owner thread: when {@link #doWork} next has something to do by the clock (a container to pause, a stem cell to
     * retry, idle containers to look over), as {@link System#nanoTime()}; {@link Long#MAX_VALUE} when nothing is
     * due. An owner that sleeps until then (and until woken by a command) misses no timer of the pool's.
     */
    public long nextDeadlineNs()
    {
        if (!commands.isEmpty() || capacityChanged)
        {
            return System.nanoTime();
        }
        long deadline = Long.MAX_VALUE;
        final PauseDue due = pauseDue.peek();
        if (due != null)
        {
            deadline = due.dueNs;
        }
        if (!book.live().isEmpty())
        {
            deadline = Math.min(deadline, nextReapNs);
        }
        if (!queues.isEmpty())
        {
            deadline = Math.min(deadline, nextProvisionNs);
        }
        for (int i = 0; i < stemSlots.size() && mayRefillStems(); i++)
        {
            final StemSlot slot = stemSlots.get(i);
            if (slot.enabled && slot.ready.size() + slot.starting < slot.cell.count() &&
                memoryUsedMb + slot.cell.memoryMb() <= config.memoryBudgetMb())
            {
                deadline = Math.min(deadline, slot.retryAtNs);
            }
        }
        return deadline;
    }

    /** The pool's counters and gauges; readable from any thread. */
    public PoolMetrics metrics()
    {
        return metrics;
    }

    // ---------------------------------------------------------------------------------------------------------
    // placing jobs

    /** Puts the job on a container, or says it must wait; {@code mayAdmit} false never takes new memory. */
    private boolean tryPlace(final Job job, final boolean mayAdmit)
    {
        final ContainerKey key = job.key();
        final PooledContainer warm = book.findWarm(key);
        if (warm != null)
        {
            startWarm(warm, job);
            return true;
        }
        final PooledContainer starting = book.findStarting(key);
        if (starting != null)
        {
            starting.startQueue.addLast(job);
            return true;
        }
        if (book.hasContainers(key))
        {
            // Every container of the action is busy or starting: wait for the first with room, and start another
            // only if that wait is expected to be long.
            queues.computeIfAbsent(key, k -> new ActionQueue()).jobs.addLast(job);
            metrics.queuedJobs.incrementAndGet();
            provision(key, System.nanoTime());
            return true;
        }
        final PooledContainer stem = takeStem(job);
        if (stem != null)
        {
            initStem(stem, job);
            return true;
        }
        if (mayAdmit && admit(job.limits().memory()))
        {
            coldStart(job);
            return true;
        }
        return false;
    }

    private static boolean hasOpenConnection(final PooledContainer c)
    {
        for (final RuntimeConnection connection : c.freeConnections)
        {
            if (connection.isOpen())
            {
                return true;
            }
        }
        return false;
    }

    private void startWarm(final PooledContainer c, final Job job)
    {
        metrics.warmStarts.incrementAndGet();
        final boolean paused = c.state == PooledContainer.State.PAUSED;
        reserve(c);
        if (paused)
        {
            metrics.resumes.incrementAndGet();
            resume(c, () -> dispatch(c, job, -1, System.currentTimeMillis(), null));
        }
        else
        {
            dispatch(c, job, -1, System.currentTimeMillis(), null);
        }
    }

    private PooledContainer takeStem(final Job job)
    {
        if (BLACKBOX.equals(job.kind()))
        {
            return null;
        }
        for (int i = 0; i < stemSlots.size(); i++)
        {
            final StemSlot slot = stemSlots.get(i);
            if (slot.cell.memoryMb() == job.limits().memory() && slot.cell.kind().equals(job.kind()))
            {
                for (final Iterator<PooledContainer> it = slot.ready.iterator(); it.hasNext(); )
                {
                    final PooledContainer c = it.next();
                    if (c.openConnections > 0)
                    {
                        it.remove();
                        return c;
                    }
                    if (!c.reconnecting)
                    {
                        it.remove();
                        destroy(c);
                    }
                }
            }
        }
        return null;
    }

    /** Takes memory for a new container, evicting idle ones when that frees enough; false when it cannot. */
    private boolean admit(final int memoryMb)
    {
        if (memoryUsedMb + memoryMb > config.memoryBudgetMb())
        {
            if (memoryUsedMb - book.evictableMb() + memoryMb > config.memoryBudgetMb())
            {
                return false;
            }
            while (memoryUsedMb + memoryMb > config.memoryBudgetMb())
            {
                if (!evictOne())
                {
                    return false;
                }
            }
        }
        addMemory(memoryMb);
        return true;
    }

    private boolean evictOne()
    {
        final PooledContainer victim = book.evictionVictim();
        if (victim != null)
        {
            LOG.debug("event=container-evicted container={} state={}", victim.id(), victim.state);
            metrics.evictions.incrementAndGet();
            destroy(victim);
            return true;
        }
        return false;
    }

    private int drainWaiting()
    {
        int placed = 0;
        boolean mayAdmit = true;
        for (final Iterator<Job> it = waiting.iterator(); it.hasNext(); )
        {
            final Job job = it.next();
            if (tryPlace(job, mayAdmit))
            {
                it.remove();
                placed++;
            }
            else
            {
                mayAdmit = false; // fair: no later job takes memory the head is waiting for
            }
        }
        metrics.waitingJobs.set(waiting.size());
        return placed;
    }

    // ---------------------------------------------------------------------------------------------------------
    // starting containers

    /**
     * Starts a container for an action's queue: {@code template} (still queued) names the action and its code, and
     * the container, once initialized, takes whatever queued job is first then; it is no job's own.
     */
    private PooledContainer coldStartForQueue(final Job template)
    {
        final PooledContainer c = track(new PooledContainer(nextSeq++, template.kind(), template.limits().memory(),
            null));
        c.forQueue = true;
        assignKey(c, template);
        execute(() -> provision(c, template), () -> onProvisionFailed(c, template));
        return c;
    }

    private void coldStart(final Job job)
    {
        metrics.coldStarts.incrementAndGet();
        final PooledContainer c = track(new PooledContainer(nextSeq++, job.kind(), job.limits().memory(), null));
        assignKey(c, job);
        execute(() -> provision(c, job), () -> onProvisionFailed(c, job));
    }

    /** Docker executor: fetch the code and start the container, then connect on the event loop. */
    private void provision(final PooledContainer c, final Job job)
    {
        final ActionCode code;
        final StartedContainer started;
        final Path freezeFile;
        try
        {
            code = codeSource.fetch(job.actionPath(), job.version(), job.revision());
            if (code == null)
            {
                onOwner(() -> onProvisionFailed(c, job));
                return;
            }
            started = driver.start(specFor(c, code.image(), job.actionPath(),
                !BLACKBOX.equals(job.kind()) || job.limits().concurrency() > 1));
            freezeFile = driver.freezeFile(started.id());
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("event=container-start-failed action={} activationId={}", job.actionPath(),
                job.activationId(), ex);
            onOwner(() -> onProvisionFailed(c, job));
            return;
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(job.limits().timeout());
        final InetSocketAddress address = started.runtimeAddress();
        RuntimeClient.awaitListening(address, deadlineNs);
        client.connect(address, c.token, deadlineNs,
            connection -> onOwner(() ->
            {
                if (onStarted(c, started, freezeFile, connection))
                {
                    postInit(c, job, code, c.freeConnections.pollFirst());
                }
            }),
            cause -> onOwner(() ->
            {
                attach(c, started);
                onInitFailed(c, job, RunResults.errorJson(Messages.ABNORMAL_INIT), System.currentTimeMillis(),
                    false, null);
            }));
    }

    /** Owner thread: the container runs and is connected; false when the pool no longer wants it. */
    private boolean onStarted(final PooledContainer c, final StartedContainer started, final Path freezeFile,
        final RuntimeConnection connection)
    {
        attach(c, started);
        c.freezeFile = freezeFile;
        adopt(c, connection);
        c.freeConnections.addLast(connection);
        if (closed || c.state == PooledContainer.State.REMOVING)
        {
            destroy(c);
            return false;
        }
        return true;
    }

    private void initStem(final PooledContainer c, final Job job)
    {
        if (!c.forQueue)
        {
            metrics.prewarmStarts.incrementAndGet();
        }
        setState(c, PooledContainer.State.STARTING);
        assignKey(c, job);
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
                onOwner(() -> onProvisionFailed(c, job));
                return;
            }
            onOwner(() ->
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

    private void postInit(final PooledContainer c, final Job job, final ActionCode code,
        final RuntimeConnection connection)
    {
        final long initStartMs = System.currentTimeMillis();
        final int timeoutMs = job.limits().timeout();
        connection.post("/init", RuntimeBodies.initBody(job, code), timeoutMs, logLimit(c, job),
            new ResponseCallback()
        {
            @Override
            public void onResponse(final int status, final byte[] response, final int resultLength,
                final boolean logsTruncated)
            {
                final long endMs = System.currentTimeMillis();
                onOwner(() ->
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
                onOwner(() -> onInitFailed(c, job, RunResults.errorJson(timedOut ?
                    String.format(Messages.TIMED_OUT_INIT, timeoutMs) : Messages.ABNORMAL_INIT), initStartMs,
                    timedOut, null));
            }
        });
    }

    /** The in-band log limit to ask the container for, or -1 when its logs are read from Docker's log. */
    private static long logLimit(final PooledContainer c, final Job job)
    {
        return c.inlineLogs ? job.limits().logBytes() : -1;
    }

    /**
     * Owner thread: a container started for its action's queue is ready: it takes the first queued job (counted as
     * the cold or pre-warmed start it waited for), then more while it has room; with nothing left it goes idle.
     */
    private void onInitializedForQueue(final PooledContainer c, final int initTimeMs)
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
            reserve(c);
            dispatch(c, first, initTimeMs, System.currentTimeMillis(), null);
        }
        serveWaitingFor(c);
        if (c.active == 0)
        {
            becomeIdle(c);
        }
        capacityChanged = true;
    }

    /**
     * Owner thread: a container started for {@code c}'s queue failed; when it was the action's last, what queued
     * (and what waits in its start queue) ends with {@code error}, not in one start per job.
     */
    private void failQueueIfOrphaned(final PooledContainer c, final byte[] error, final ActivationStatus status)
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

    /** @param initLogs the init's own log lines when they came in-band, to lead the first run's; else null. */
    private void onInitialized(final PooledContainer c, final Job job, final int initTimeMs, final long startMs,
        final List<String> initLogs)
    {
        if (c.forQueue && c.state != PooledContainer.State.REMOVING)
        {
            onInitializedForQueue(c, initTimeMs);
            return;
        }
        if (c.state == PooledContainer.State.REMOVING)
        {
            onInitFailed(c, job, RunResults.errorJson(Messages.ABNORMAL_INIT), startMs, false, initLogs);
            return;
        }
        recordStartCost(c, initTimeMs);
        reserve(c);
        dispatch(c, job, initTimeMs, startMs, initLogs);
        serveWaitingFor(c);
    }

    /** @param logs the init's log lines when they came in-band, else null: then they are read from Docker's log. */
    private void onInitFailed(final PooledContainer c, final Job job, final byte[] error, final long startMs,
        final boolean timedOut, final List<String> logs)
    {
        if (c.forQueue)
        {
            destroy(c);
            failQueueIfOrphaned(c, error, ActivationStatus.DEVELOPER_ERROR);
            return;
        }
        final long nowMs = System.currentTimeMillis();
        final RunOutcome outcome = new RunOutcome(ActivationStatus.DEVELOPER_ERROR, error, startMs, nowMs,
            (int)(nowMs - startMs), timedOut);
        reserve(c);
        // The action cannot start: what queued for it ends as its first job did, not in one cold start per job
        // (unless another container of it runs).
        final ActionQueue q = c.key == null || book.containerCount(c.key) > 1 ? null : queues.remove(c.key);
        finish(c, job, outcome, false, logs);
        Job next;
        while ((next = c.startQueue.pollFirst()) != null)
        {
            ledger.result(next, outcome);
            ledger.complete(next, outcome, List.of());
        }
        while (q != null && (next = q.jobs.pollFirst()) != null)
        {
            metrics.queuedJobs.decrementAndGet();
            ledger.result(next, outcome);
            ledger.complete(next, outcome, List.of());
        }
    }

    private void onProvisionFailed(final PooledContainer c, final Job job)
    {
        destroy(c);
        if (c.forQueue)
        {
            // The job is still queued: it fails only when no container of its action is left to serve it.
            failQueueIfOrphaned(c, RunResults.errorJson(Messages.PROVISION_FAILED), ActivationStatus.WHISK_ERROR);
            return;
        }
        ledger.fail(job, ActivationStatus.WHISK_ERROR, Messages.PROVISION_FAILED);
        Job next;
        while ((next = c.startQueue.pollFirst()) != null)
        {
            ledger.fail(next, ActivationStatus.WHISK_ERROR, Messages.PROVISION_FAILED);
        }
    }

    private int refillStems(final long nowNs)
    {
        if (!mayRefillStems())
        {
            return 0;
        }
        int started = 0;
        for (int i = 0; i < stemSlots.size(); i++)
        {
            final StemSlot slot = stemSlots.get(i);
            if (!slot.enabled || nowNs < slot.retryAtNs)
            {
                continue;
            }
            while (slot.ready.size() + slot.starting < slot.cell.count() &&
                memoryUsedMb + slot.cell.memoryMb() <= config.memoryBudgetMb())
            {
                startStem(slot);
                started++;
            }
        }
        return started;
    }

    /** Stem cells are refilled when no job waits: a queue's or a waiting job's starts go first on the Docker lane. */
    private boolean mayRefillStems()
    {
        return !closed && waiting.isEmpty() && queues.isEmpty();
    }

    private void startStem(final StemSlot slot)
    {
        addMemory(slot.cell.memoryMb());
        slot.starting++;
        final PooledContainer c = track(new PooledContainer(nextSeq++, slot.cell.kind(), slot.cell.memoryMb(),
            slot));
        execute(() ->
        {
            final StartedContainer started;
            final Path freezeFile;
            try
            {
                started = driver.start(specFor(c, slot.image, null, true));
                freezeFile = driver.freezeFile(started.id());
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("event=stem-cell-start-failed kind={} image={}", slot.cell.kind(), slot.image, ex);
                onOwner(() -> onStemFailed(c, null));
                return;
            }
            final InetSocketAddress address = started.runtimeAddress();
            final long deadlineNs = System.nanoTime() + STEM_CONNECT_NS;
            RuntimeClient.awaitListening(address, deadlineNs);
            client.connect(address, c.token, deadlineNs,
                connection -> onOwner(() ->
                {
                    slot.starting--;
                    if (onStarted(c, started, freezeFile, connection))
                    {
                        setState(c, PooledContainer.State.PREWARMED);
                        c.lastUsedNs = System.nanoTime();
                        slot.ready.addLast(c);
                        capacityChanged = true;
                    }
                }),
                cause -> onOwner(() -> onStemFailed(c, started)));
        }, () -> onStemFailed(c, null));
    }

    private void onStemFailed(final PooledContainer c, final StartedContainer started)
    {
        c.stem.starting--;
        c.stem.retryAtNs = System.nanoTime() + STEM_RETRY_NS;
        if (started != null)
        {
            attach(c, started);
        }
        destroy(c);
    }

    /**
     * Owner thread: the container is running. Our own proxy returns logs in-band; of the other images only
     * OpenWhisk's skeletons print the sentinels (as OpenWhisk's {@code sentinelledLogs} says), so the log of any other
     * blackbox image is read as it stands, with no wait for sentinels that never come.
     */
    private void attach(final PooledContainer c, final StartedContainer started)
    {
        c.docker = started;
        c.logReader = new ContainerLogReader(Path.of(started.logPath()), 0);
        c.inlineLogs = inlineLogImages.contains(started.image());
        c.sentinels = !BLACKBOX.equals(c.kind) || started.image().contains(SKELETON_IMAGE);
    }

    private ContainerSpec specFor(final PooledContainer c, final String image, final String actionLabel,
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

    // ---------------------------------------------------------------------------------------------------------
    // running

    /** Owner thread: counts one more job on the container, which makes it busy. */
    private void reserve(final PooledContainer c)
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
            setState(c, PooledContainer.State.BUSY);
        }
    }

    /**
     * Owner thread: sends {@code /run} on a free connection of the container, opening one when all are taken (a
     * container that runs several jobs at once has one connection per job).
     *
     * @param initTimeMs -1 for a warm container.
     * @param startMs    the start of the activation: the start of init when cold.
     * @param initLogs   the log lines of the init this run follows, when they came in-band; else null.
     */
    private void dispatch(final PooledContainer c, final Job job, final int initTimeMs, final long startMs,
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
        client.connect(c.docker.runtimeAddress(), c.token, deadlineNs,
            opened -> onOwner(() ->
            {
                adopt(c, opened);
                post(c, opened, job, initTimeMs, startMs, initLogs);
            }),
            cause -> onOwner(() -> onRunAborted(c, job, startMs, System.currentTimeMillis(), initTimeMs,
                Messages.ABNORMAL_RUN, false)));
    }

    private void post(final PooledContainer c, final RuntimeConnection connection, final Job job,
        final int initTimeMs, final long startMs, final List<String> initLogs)
    {
        final int timeoutMs = job.limits().timeout();
        final long deadlineMs = System.currentTimeMillis() + timeoutMs;
        connection.post("/run", RuntimeBodies.runBody(job, deadlineMs), timeoutMs, logLimit(c, job),
            new ResponseCallback()
        {
            @Override
            public void onResponse(final int status, final byte[] body, final int resultLength,
                final boolean logsTruncated)
            {
                final long endMs = System.currentTimeMillis();
                onOwner(() ->
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
                    onOwner(() -> onRunAborted(c, job, startMs, endMs, initTimeMs,
                        String.format(Messages.TIMED_OUT_RUN, timeoutMs), true));
                    return;
                }
                final String id = c.docker.id();
                removeLane.execute(() ->
                {
                    final String message = driver.wasOomKilled(id, OOM_CHECK_WAIT_MS) ?
                        Messages.MEMORY_EXHAUSTED : Messages.ABNORMAL_RUN;
                    LOG.info("event=container-died container={} activationId={} outOfMemory={}", id,
                        job.activationId(), message.equals(Messages.MEMORY_EXHAUSTED));
                    onOwner(() -> onRunAborted(c, job, startMs, endMs, initTimeMs, message, false));
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

    /**
     * Owner thread: a run ended. Its result goes out at once; the container goes back to work at once (or is
     * destroyed after a developer error, as OpenWhisk does). Logs that came with the answer complete the job now;
     * otherwise they are read from Docker's log behind, on the log lane, in the order runs ended.
     *
     * @param logs the run's log lines when they came in-band, else null.
     */
    private void finish(final PooledContainer c, final Job job, final RunOutcome outcome, final boolean keep,
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
                destroy(c);
                return;
            }
            c.pendingLogs.addLast(new PooledContainer.PendingLogs(job, outcome));
            if (!c.collecting)
            {
                collectNextLogs(c);
            }
        }
        if (!keep || closed || c.state == PooledContainer.State.REMOVING)
        {
            destroy(c);
        }
        else
        {
            takeQueued(c);
            if (c.active == 0)
            {
                becomeIdle(c);
            }
        }
        // The run alone: a cold start's outcome starts with its init.
        c.onRunEnded(TimeUnit.MILLISECONDS.toNanos(Math.max(0, outcome.endMs() - outcome.startMs() -
            Math.max(0, outcome.initTimeMs()))));
        final ActionQueue q = c.key == null ? null : queues.get(c.key);
        if (q != null && !q.jobs.isEmpty() && !book.hasContainers(c.key))
        {
            // Its last container is gone (a developer error): the queue needs a new one.
            provision(c.key, System.nanoTime());
        }
        capacityChanged = true;
    }

    /** Owner thread: a container just ready runs the jobs that waited for it, then queued jobs of its action. */
    private void serveWaitingFor(final PooledContainer c)
    {
        Job next;
        while ((next = c.startQueue.pollFirst()) != null)
        {
            metrics.warmStarts.incrementAndGet();
            reserve(c);
            dispatch(c, next, -1, System.currentTimeMillis(), null);
        }
        takeQueued(c);
    }

    /** Owner thread: gives {@code c} queued jobs of its action while it has room. */
    private void takeQueued(final PooledContainer c)
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
            reserve(c);
            dispatch(c, next, -1, System.currentTimeMillis(), null);
        }
        if (q.jobs.isEmpty())
        {
            queues.remove(c.key);
        }
    }

    /**
     * Owner thread: starts containers for {@code key}'s queue while one more would still find work when it is ready,
     * enough to pay for its start. The queue's work (its jobs times the mean run) is spread over the action's slots,
     * each from when it frees up or, while starting, from when it is expected to be ready; that gives when the queue
     * would be drained. Cold starts on one machine go about one at a time whatever the threads (Docker's create and
     * start are CPU-bound), so a new cold start is expected ready one start after the starts already under way.
     * A new container is started only if the queue would still be draining a whole start after it is ready.
     */
    private void provision(final ContainerKey key, final long nowNs)
    {
        final ActionQueue q = queues.get(key);
        while (q != null && !q.jobs.isEmpty())
        {
            final Job head = q.jobs.peekFirst();
            final boolean stemReady = hasStem(head);
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
            final PooledContainer stem = takeStem(head);
            if (stem != null)
            {
                stem.forQueue = true;
                stem.expectedReadyNs = nowNs + readyNs;
                initStem(stem, head);
            }
            else if (waiting.isEmpty() && admit(head.limits().memory()))
            {
                coldStartsFreeNs = nowNs + readyNs;
                coldStartForQueue(head).expectedReadyNs = coldStartsFreeNs;
            }
            else
            {
                return; // no memory: the queue is served by the containers the action has
            }
        }
    }

    private boolean hasStem(final Job job)
    {
        if (BLACKBOX.equals(job.kind()))
        {
            return false;
        }
        for (int i = 0; i < stemSlots.size(); i++)
        {
            final StemSlot slot = stemSlots.get(i);
            if (slot.cell.memoryMb() == job.limits().memory() && slot.cell.kind().equals(job.kind()) &&
                !slot.ready.isEmpty())
            {
                return true;
            }
        }
        return false;
    }

    private void recordStartCost(final PooledContainer c, final int initTimeMs)
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

    private int provisionQueued(final long nowNs)
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

    private void becomeIdle(final PooledContainer c)
    {
        final long now = System.nanoTime();
        setState(c, PooledContainer.State.IDLE);
        c.lastUsedNs = now;
        c.idleSinceNs = now;
        if (pauseGraceNs >= 0)
        {
            final PauseDue due = new PauseDue(c, now, now + c.pauseDelayNs(pauseGraceNs));
            final PauseDue first = pauseDue.peek();
            if (first == null || due.dueNs - first.dueNs < 0)
            {
                // An owner sleeping until the pool's next deadline must now wake for this pause.
                wakeOwner.run();
            }
            pauseDue.add(due);
        }
    }

    /** Owner thread: reads the logs of the oldest ended run of {@code c} on the executor. */
    private void collectNextLogs(final PooledContainer c)
    {
        final PooledContainer.PendingLogs next = c.pendingLogs.pollFirst();
        if (next == null)
        {
            c.collecting = false;
            if (c.removeAfterLogs)
            {
                removeFromEngine(c);
            }
            return;
        }
        c.collecting = true;
        final ContainerLogReader reader = c.logReader;
        final boolean ranToEnd = next.outcome().status() != ActivationStatus.DEVELOPER_ERROR;
        final long waitNs = TimeUnit.MILLISECONDS.toNanos(ranToEnd ? config.logWaitMs() : config.logWaitMs() / 4);
        final boolean sentinels = c.sentinels;
        final Job job = next.job();
        logLane.execute(() ->
        {
            CollectedLogs collected;
            try
            {
                collected = reader.collect(job.activationId(), job.limits().logBytes(), waitNs, sentinels);
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("event=log-collection-failed activationId={}", job.activationId(), ex);
                collected = new CollectedLogs(List.of(), reader.position(), false);
            }
            final CollectedLogs logs = collected;
            onOwner(() ->
            {
                ledger.complete(job, next.outcome(), logs.lines());
                collectNextLogs(c);
            });
        }, () ->
        {
            ledger.complete(job, next.outcome(), List.of());
            collectNextLogs(c);
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // pause, resume, removal

    private int pauseDue(final long nowNs)
    {
        int paused = 0;
        PauseDue due;
        while ((due = pauseDue.peek()) != null && nowNs - due.dueNs >= 0)
        {
            pauseDue.poll();
            final PooledContainer c = due.container;
            if (c.state == PooledContainer.State.IDLE && c.idleSinceNs == due.idleSinceNs)
            {
                pause(c);
                paused++;
            }
        }
        return paused;
    }

    /** Owner thread: freezes the container through its cgroup (microseconds), else asks the engine. */
    private void pause(final PooledContainer c)
    {
        setState(c, PooledContainer.State.PAUSED);
        metrics.pauses.incrementAndGet();
        if (c.freezeFile != null)
        {
            try
            {
                CgroupFreezer.freeze(c.freezeFile);
                return;
            }
            catch (final IOException ex)
            {
                LOG.warn("event=freezer-failed container={} file={}; using the Docker API", c.id(), c.freezeFile, ex);
                c.freezeFile = null;
            }
        }
        final String id = c.docker.id();
        c.dockerOps = c.dockerOps.thenRunAsync(() -> driver.pause(id), freezeLane.executor()).exceptionally(ex ->
        {
            LOG.warn("event=pause-failed container={}", id, ex);
            return null;
        });
    }

    /** Owner thread: thaws the container, then runs {@code then} on the owner thread. */
    private void resume(final PooledContainer c, final Runnable then)
    {
        if (c.freezeFile != null)
        {
            try
            {
                CgroupFreezer.thaw(c.freezeFile);
                then.run();
                return;
            }
            catch (final IOException ex)
            {
                LOG.warn("event=freezer-failed container={} file={}; using the Docker API", c.id(), c.freezeFile, ex);
                c.freezeFile = null;
            }
        }
        final String id = c.docker.id();
        c.dockerOps = c.dockerOps.thenRunAsync(() -> driver.unpause(id), freezeLane.executor()).handle((v, ex) ->
        {
            if (ex != null)
            {
                LOG.warn("event=resume-failed container={}", id, ex);
            }
            onOwner(then);
            return null;
        });
    }

    private int reapIdle(final long nowNs)
    {
        final long cutoff = nowNs - TimeUnit.MILLISECONDS.toNanos(config.idleTimeoutMs());
        List<PooledContainer> stale = null;
        for (final PooledContainer c : book.live())
        {
            if ((c.state == PooledContainer.State.IDLE || c.state == PooledContainer.State.PAUSED) &&
                c.lastUsedNs < cutoff)
            {
                if (stale == null)
                {
                    stale = new ArrayList<>();
                }
                stale.add(c);
            }
        }
        if (stale == null)
        {
            return 0;
        }
        for (final PooledContainer c : stale)
        {
            destroy(c);
        }
        return stale.size();
    }

    /** Owner thread: a keep-alive connection closed; with nothing running, the container died or was stopped. */
    private void onConnectionClosed(final PooledContainer c, final RuntimeConnection connection)
    {
        c.freeConnections.remove(connection);
        c.openConnections--;
        if (closed || c.openConnections > 0 || c.reconnecting)
        {
            return;
        }
        if ((c.state == PooledContainer.State.IDLE || c.state == PooledContainer.State.PREWARMED) && c.docker != null)
        {
            // The runtime may close a keep-alive connection that sat unused (Node's servers do); the container is
            // most likely healthy: open a new connection, and replace the container only if that fails.
            c.reconnecting = true;
            client.connect(c.docker.runtimeAddress(), c.token, System.nanoTime() + RECONNECT_NS,
                opened -> onOwner(() ->
                {
                    c.reconnecting = false;
                    if (c.state == PooledContainer.State.REMOVING || closed)
                    {
                        opened.close();
                        return;
                    }
                    adopt(c, opened);
                    c.freeConnections.addLast(opened);
                    metrics.connectionsReopened.incrementAndGet();
                    LOG.info("event=connection-reopened container={} state={}", c.id(), c.state);
                }),
                cause -> onOwner(() ->
                {
                    c.reconnecting = false;
                    if (c.state == PooledContainer.State.IDLE || c.state == PooledContainer.State.PREWARMED)
                    {
                        lose(c);
                    }
                }));
        }
        else if (c.state == PooledContainer.State.PAUSED || c.state == PooledContainer.State.IDLE ||
            c.state == PooledContainer.State.PREWARMED)
        {
            // A frozen process closes nothing: a paused container whose connection closed is gone.
            lose(c);
        }
    }

    private void lose(final PooledContainer c)
    {
        LOG.info("event=idle-container-lost container={} state={}", c.id(), c.state);
        metrics.containersLost.incrementAndGet();
        destroy(c);
    }

    private void destroy(final PooledContainer c)
    {
        if (c.state == PooledContainer.State.REMOVING)
        {
            return;
        }
        setState(c, PooledContainer.State.REMOVING);
        book.remove(c);
        addMemory(-c.memoryMb);
        if (c.stem != null)
        {
            c.stem.ready.remove(c);
        }
        RuntimeConnection connection;
        while ((connection = c.freeConnections.pollFirst()) != null)
        {
            connection.close();
        }
        if (c.collecting)
        {
            c.removeAfterLogs = true;
        }
        else
        {
            removeFromEngine(c);
        }
        capacityChanged = true;
    }

    private void removeFromEngine(final PooledContainer c)
    {
        if (c.docker == null)
        {
            return;
        }
        final String id = c.docker.id();
        removeLane.execute(() ->
        {
            try
            {
                driver.remove(id);
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("event=container-remove-failed container={}", id, ex);
            }
        }, () -> { });
    }

    // ---------------------------------------------------------------------------------------------------------
    // bookkeeping

    private PooledContainer track(final PooledContainer c)
    {
        book.add(c);
        c.lastUsedNs = System.nanoTime();
        metrics.onStateChange(null, c.state);
        return c;
    }

    private void assignKey(final PooledContainer c, final Job job)
    {
        c.key = job.key();
        c.concurrency = Math.max(1, job.limits().concurrency());
        book.assign(c);
    }

    private void setState(final PooledContainer c, final PooledContainer.State state)
    {
        if (c.state != state)
        {
            final PooledContainer.State from = c.state;
            c.moveTo(state);
            metrics.onStateChange(from, state);
        }
    }

    private void addMemory(final int deltaMb)
    {
        memoryUsedMb += deltaMb;
        metrics.memoryInUseMb.set(memoryUsedMb);
    }

    private void adopt(final PooledContainer c, final RuntimeConnection connection)
    {
        c.openConnections++;
        connection.onClose(() -> onOwner(() -> onConnectionClosed(c, connection)));
    }

    /**
     * Runs a callback's command on the owner thread: at once when called there outside the pool's own code (a
     * container's answer read by the owner loop), else queued for the next duty cycle.
     */
    private void onOwner(final Runnable command)
    {
        final io.netty.channel.EventLoop loop = ownerLoop;
        if (depth == 0 && loop != null && loop.inEventLoop())
        {
            depth++;
            try
            {
                command.run();
                if (capacityChanged)
                {
                    capacityChanged = false;
                    if (!waiting.isEmpty())
                    {
                        drainWaiting();
                    }
                }
            }
            finally
            {
                depth--;
            }
        }
        else
        {
            commands.offer(command);
        }
    }

    /** Runs a start on its lane; {@code ifRejected} runs here when the lane is full or the pool is shutting down. */
    private void execute(final Runnable task, final Runnable ifRejected)
    {
        startLane.execute(task, ifRejected);
    }

    /** The pool's lanes of blocking work, for metrics. */
    public List<Lane> lanes()
    {
        return List.of(startLane, removeLane, freezeLane, logLane);
    }

    /**
     * Owner thread: completes every job still open with a whisk internal error (keeping a result already reported),
     * removes every container of this invoker and stops the pool's threads. Idempotent.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final Job job : ledger.openJobs())
        {
            ledger.fail(job, ActivationStatus.WHISK_ERROR, Messages.PLATFORM_RESTARTED);
        }
        waiting.clear();
        metrics.waitingJobs.set(0);
        queues.clear();
        metrics.queuedJobs.set(0);
        // Queued starts and removals are dropped: their jobs have failed above, and removeAll below takes every
        // container of this invoker, in parallel, in one go.
        for (final Lane lane : lanes())
        {
            lane.stop();
        }
        try
        {
            // Docker calls under way finish first (they are short): a removal racing removeAll's own would leave the
            // container half removed. Then every container in parallel.
            awaitLanes(STOP_LANES_MS);
            int removed = driver.removeAll(config.invokerLabel(), STOP_REMOVAL_MS);
            // A start still under way when the lanes were awaited may have created its container after the listing.
            removed += driver.removeAll(config.invokerLabel(), STOP_REMOVAL_MS / 4);
            LOG.info("event=pool-closed invoker={} containersRemoved={}", config.invokerLabel(), removed);
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("event=pool-cleanup-failed invoker={}", config.invokerLabel(), ex);
        }
        client.close();
        driver.close();
    }

    private void awaitLanes(final long timeoutMs)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try
        {
            for (final Lane lane : lanes())
            {
                final long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
                if (!lane.awaitTermination(Math.max(0, leftMs)))
                {
                    LOG.warn("event=lane-calls-still-running invoker={} lane={}", config.invokerLabel(), lane.name());
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** The stem cells of one (kind, memory): ready ones and how many are starting. Owner thread. */
    static final class StemSlot
    {
        final StemCell cell;
        final String image;
        final ArrayDeque<PooledContainer> ready = new ArrayDeque<>();
        int starting;
        long retryAtNs;
        boolean enabled = true;

        StemSlot(final StemCell cell, final String image)
        {
            this.cell = cell;
            this.image = image;
        }
    }

    private record PauseDue(PooledContainer container, long idleSinceNs, long dueNs)
    {
    }
}
