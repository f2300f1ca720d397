package dev.whisk.pool;

import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.Messages;
import dev.whisk.pool.docker.DockerDriver;
import dev.whisk.pool.runtime.RuntimeClient;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Keeps action containers per (namespace, action, version, memory) and runs jobs on them, as OpenWhisk's
 * {@code ContainerPool} and {@code ContainerProxy} do, shaped as one agent that decides and the parts it drives:
 * <ul>
 *     <li>a warm container of the job's key takes it at once, resumed first when it was paused (a container with
 *     {@code limits.concurrency} N takes up to N jobs at once): {@link RuntimeCalls};</li>
 *     <li>when every container of the action is busy, the job queues for the first with room, and another container
 *     is started only when the queue would outlast its start: {@link DemandStarts};</li>
 *     <li>else a pre-warmed stem cell of the job's kind and memory is initialized for it: {@link StemCells},
 *     {@link Starts};</li>
 *     <li>else a container is created (a cold start), its memory admitted against the budget, evicting idle
 *     containers least recently used first (paused, then idle, then stem cells): {@link Eviction}, {@link Starts};</li>
 *     <li>when no memory can be freed the job waits in one bounded, fair FIFO queue, here.</li>
 * </ul>
 * A warm container with nothing to do is paused after a delay ({@link Pauses}); its keep-alive connections stay open
 * ({@link Connections}). A run's logs come with its answer or are read from Docker's log ({@link LogCollection}).
 * Idle containers are removed after the idle timeout; containers that die are noticed and dropped
 * ({@link Eviction}). {@link #close} is {@link PoolStop}.
 *
 * <p>Single writer: every mutable field, here and in the parts, is owned by one thread, the owner, which calls
 * {@link #submit} and {@link #doWork}. Docker calls and log reads run on {@link Lane}s and the HTTP exchanges on the
 * runtime client's event loop; both hand their results back through {@link #onOwner}, as commands that
 * {@link #doWork} executes (or at once, when the owner is an event loop and reads the answer itself). Every job gets
 * exactly one {@link JobListener#onResult} and then one {@link JobListener#onCompleted}, on the owner thread,
 * whatever happens, including {@link #close}. The counters and gauges may be read from any thread.
 */
public final class ContainerPool implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ContainerPool.class);
    static final String BLACKBOX = "blackbox";
    private static final long REAP_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    /** Tasks one lane holds waiting; more are refused (the pool's fallback for each runs). */
    static final int LANE_CAPACITY = 4_096;

    final ContainerPoolConfig config;
    final ContainerEngine engine;
    final RuntimeClient client;
    final JobLedger ledger;
    final PoolMetrics metrics;
    final PoolBook book = new PoolBook(Connections::hasOpenConnection);

    final Eviction eviction;
    final Pauses pauses;
    final LogCollection logs;
    final Connections connections;
    final RuntimeCalls runs;
    final StemCells stems;
    final Starts starts;
    final DemandStarts demand;
    private final PoolStop stop;

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

    /** Jobs that found no container and no memory, in arrival order. Owner thread. */
    final ArrayDeque<Job> waiting = new ArrayDeque<>();
    /** Owner thread: memory was freed or a container became free, so waiting jobs are looked at again. */
    boolean capacityChanged;
    /** Owner thread: set once by {@link #close}. */
    boolean closed;
    private long nextSeq;
    private long nextReapNs;

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
        this.engine = engine;
        this.ledger = new JobLedger(listener);
        this.metrics = new PoolMetrics(config.memoryBudgetMb());
        this.client = runtimeLoops == null ? new RuntimeClient(config.clientThreads()) :
            new RuntimeClient(runtimeLoops);
        this.eviction = new Eviction(this);
        this.pauses = new Pauses(this);
        this.logs = new LogCollection(this);
        this.connections = new Connections(this);
        this.runs = new RuntimeCalls(this);
        this.stems = new StemCells(this);
        this.starts = new Starts(this, codeSource);
        this.demand = new DemandStarts(this);
        this.stop = new PoolStop(this);
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
        if (!engine.isReachable())
        {
            throw new IllegalStateException("no Docker engine answers at " + config.dockerHost());
        }
        engine.ensureNetwork();
        final int removed = engine.removeAll(config.invokerLabel());
        logs.learnImages();
        stems.checkImages();
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
        return engine.hasImage(image);
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

    /**
     * Owner thread: runs the commands handed back by other threads, pauses containers past their delay, serves
     * waiting jobs when capacity changed, removes long-idle containers, starts containers for queues and refills
     * stem cells.
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
        long deadline = pauses.nextDeadlineNs();
        if (!book.live().isEmpty())
        {
            deadline = Math.min(deadline, nextReapNs);
        }
        deadline = Math.min(deadline, demand.nextDeadlineNs());
        return Math.min(deadline, stems.nextDeadlineNs());
    }

    /** The pool's counters and gauges; readable from any thread. */
    public PoolMetrics metrics()
    {
        return metrics;
    }

    /** The pool's lanes of blocking work, for metrics. */
    public List<Lane> lanes()
    {
        return List.of(starts.lane, eviction.lane, pauses.lane, logs.lane);
    }

    /**
     * Owner thread: completes every job still open with a whisk internal error (keeping a result already reported),
     * removes every container of this invoker and stops the pool's threads. Idempotent. See {@link PoolStop}.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        stop.run();
    }

    /** What the last {@link #close} removed and what it could not; {@code null} before one. */
    PoolStop.Report stopReport()
    {
        return stop.report();
    }

    // ---------------------------------------------------------------------------------------------------------
    // the agent's own decisions

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
        work += pauses.pauseDue(now);
        if (capacityChanged)
        {
            capacityChanged = false;
            work += drainWaiting();
        }
        if (now >= nextReapNs)
        {
            nextReapNs = now + REAP_INTERVAL_NS;
            work += eviction.reapIdle(now);
        }
        work += demand.provisionQueued(now);
        work += stems.refill(now);
        return work;
    }

    /** Puts the job on a container, or says it must wait; {@code mayAdmit} false never takes new memory. */
    private boolean tryPlace(final Job job, final boolean mayAdmit)
    {
        final ContainerKey key = job.key();
        final PooledContainer warm = book.findWarm(key);
        if (warm != null)
        {
            runs.startWarm(warm, job);
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
            demand.enqueue(key, job);
            return true;
        }
        final PooledContainer stem = stems.take(job);
        if (stem != null)
        {
            starts.initStem(stem, job);
            demand.startedForJob(stem, System.nanoTime());
            return true;
        }
        if (mayAdmit && eviction.admit(job.limits().memory()))
        {
            demand.startedForJob(starts.coldStart(job), System.nanoTime());
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
    // for the parts (owner thread)

    /**
     * Runs a callback's command on the owner thread: at once when called there outside the pool's own code (a
     * container's answer read by the owner loop), else queued for the next duty cycle. Any thread.
     */
    void onOwner(final Runnable command)
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

    /** Wakes an owner that sleeps until {@link #nextDeadlineNs}, which just moved earlier. */
    void wakeOwner()
    {
        wakeOwner.run();
    }

    /** Owner thread: a new container the pool now tracks, starting; {@code stem} is its stem cell slot or null. */
    PooledContainer track(final String kind, final int memoryMb, final StemCells.StemSlot stem)
    {
        final PooledContainer c = new PooledContainer(nextSeq++, kind, memoryMb, stem);
        book.add(c);
        c.lastUsedNs = System.nanoTime();
        metrics.onStateChange(null, c.state);
        return c;
    }

    void assignKey(final PooledContainer c, final Job job)
    {
        c.key = job.key();
        c.concurrency = Math.max(1, job.limits().concurrency());
        book.assign(c);
    }

    /** Moves {@code c} to {@code state} (legal moves only, see {@link PooledContainer#moveTo}), counting it. */
    void setState(final PooledContainer c, final PooledContainer.State state)
    {
        if (c.state != state)
        {
            final PooledContainer.State from = c.state;
            c.moveTo(state);
            metrics.onStateChange(from, state);
        }
    }
}
