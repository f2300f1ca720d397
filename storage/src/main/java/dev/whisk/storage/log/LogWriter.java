package dev.whisk.storage.log;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import dev.whisk.core.concurrent.LingeringIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The one thread that writes an {@link AppendLog}. Other threads {@link #offer} commands; the writer drains them in
 * batches, hands each to the {@link Handler} (which appends to the log and remembers what to complete), and commits:
 * it forces the log and tells the handler, at most once per {@code commitIntervalNs} (0: after every batch).
 * <p>
 * Threads: {@link #offer} from any thread; the handler's {@code on...} methods run on the writer thread, except
 * {@link Handler#onRejected}, which runs on whichever thread finds commands left after the writer stopped.
 * {@link #close} drains what was offered, commits it, stops the thread and rejects stragglers; it does not close the
 * log, which its owner closes afterwards.
 *
 * @param <T> the command type.
 */
public final class LogWriter<T> implements AutoCloseable
{
    /** What a store does with its commands. */
    public interface Handler<T>
    {
        /** Writer thread: carries out one command, usually by appending a record. */
        void onCommand(T command);

        /** Writer thread: the commands of one drained batch have all been handed to {@link #onCommand}. */
        default void onBatchEnd()
        {
        }

        /** Writer thread: every record appended by the commands since the last commit is durable. */
        void onCommitted();

        /** Writer thread: forcing failed, so the commands since the last commit are not known to be durable. */
        void onCommitFailed(RuntimeException cause);

        /** A command offered while the writer stopped; it will never be carried out. */
        void onRejected(T command);
    }

    /** Commands the writer drains per duty cycle before it commits. */
    public static final int BATCH_LIMIT = 1024;

    /** The largest command queue a writer accepts. */
    public static final int MAX_QUEUE_CAPACITY = 1 << 24;

    private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);
    private static final int CLOSE_RETRY_MS = 5_000;
    private static final long CATCH_UP_POLL_NS = 20_000;

    private final String roleName;
    private final Durable log;
    private final long commitIntervalNs;
    private final NanoClock clock;
    private final Handler<T> handler;
    private final ManyToOneConcurrentArrayQueue<T> queue;
    private final Consumer<T> onRejected;
    private final AgentRunner runner;
    /** Wakes the writer if it sleeps with no timer; {@code null} when its idle strategy cannot be woken. */
    private final Runnable wake;
    /** Wakes the writer at once, lingering or asleep; {@code null} when its idle strategy cannot be woken. */
    private final Runnable wakeNow;
    private final WriterAgent agent = new WriterAgent();
    private final LingeringIdleStrategy lingering;
    /** Commands the writer has handed to the handler, batch ends included; for readers catching up. */
    private volatile long handledCount;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private volatile boolean isClosed;
    private volatile boolean isStopped;

    /** Creates the writer and starts its thread, named {@code roleName}. */
    public LogWriter(
        final String roleName,
        final Durable log,
        final int queueCapacity,
        final long commitIntervalNs,
        final IdleStrategy idleStrategy,
        final NanoClock clock,
        final Handler<T> handler)
    {
        this.roleName = Objects.requireNonNull(roleName, "roleName");
        this.log = Objects.requireNonNull(log, "log");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.handler = Objects.requireNonNull(handler, "handler");
        if (commitIntervalNs < 0)
        {
            throw new IllegalArgumentException("commit interval " + commitIntervalNs + " ns must not be negative");
        }
        if (queueCapacity < 2 || queueCapacity > MAX_QUEUE_CAPACITY)
        {
            throw new IllegalArgumentException(
                "queue capacity " + queueCapacity + " is outside 2.." + MAX_QUEUE_CAPACITY);
        }
        this.commitIntervalNs = commitIntervalNs;
        this.queue = new ManyToOneConcurrentArrayQueue<>(queueCapacity);
        this.onRejected = handler::onRejected;
        this.lingering = idleStrategy instanceof LingeringIdleStrategy l ? l : null;
        if (lingering != null)
        {
            lingering.watch(() -> !queue.isEmpty() || agent.hasUncommitted);
            this.wake = lingering::wake;
            this.wakeNow = lingering::wakeNow;
        }
        else
        {
            this.wake = null;
            this.wakeNow = null;
        }
        this.runner = new AgentRunner(idleStrategy, this::onError, null, agent);
        AgentRunner.startOnThread(runner);
    }

    /**
     * Group commit without a wake-up per command: while commands keep coming the writer parks 2 ms at a time between
     * batches and finds them itself; after 10 quiet parks it sleeps until a command arrives, so an idle store costs
     * nothing. (Waking the writer for every command cost the calling thread an unpark and the writer a wake-up, each
     * tens of µs of kernel time on a small VM, per activation; a 1 ms timed park cost 1,000 wake-ups a second idle.)
     */
    public static IdleStrategy defaultIdleStrategy()
    {
        return new LingeringIdleStrategy(TimeUnit.MILLISECONDS.toNanos(2), 10);
    }

    /**
     * Hands a command to the writer; never blocks. The writer takes it within its linger (2 ms by default), or at
     * once when it was asleep; use {@link #offerNow} when someone waits for this command.
     *
     * @return false when the queue is full or the writer is closed ({@link #isClosed} tells which).
     */
    public boolean offer(final T command)
    {
        return offer(command, wake);
    }

    /** As {@link #offer}, but wakes the writer at once: a caller waits for this command to be carried out. */
    public boolean offerNow(final T command)
    {
        return offer(command, wakeNow);
    }

    /**
     * Waits, up to {@code timeoutNs}, until the writer has handled every command offered before this call, waking it
     * first: a reader that must see what was just offered (an activation read right after its invoke answered) pays
     * the wake-up, not the producers. Returns whether it caught up. Any thread but the writer's.
     */
    public boolean catchUp(final long timeoutNs)
    {
        final long target = queue.addedCount();
        if (handledCount >= target)
        {
            return true;
        }
        if (wakeNow != null)
        {
            wakeNow.run();
        }
        final long deadlineNs = System.nanoTime() + timeoutNs;
        while (handledCount < target)
        {
            if (System.nanoTime() > deadlineNs || isStopped)
            {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(CATCH_UP_POLL_NS);
        }
        return true;
    }

    private boolean offer(final T command, final Runnable wakeUp)
    {
        if (isClosed || !queue.offer(command))
        {
            return false;
        }
        if (wakeUp != null)
        {
            wakeUp.run();
        }
        // Pairs with close(): either the writer or close() drains the command, or we see isStopped and drain it.
        VarHandle.fullFence();
        if (isStopped)
        {
            rejectLeftovers();
        }
        return true;
    }

    public boolean isClosed()
    {
        return isClosed;
    }

    /** Failures on the writer thread (appends, forces, handler errors) since start. */
    public long errorCount()
    {
        return errors.get();
    }

    /** Commits (forces) since start. */
    public long commitCount()
    {
        return commits.get();
    }

    /** Drains and commits what was offered, stops the thread, rejects stragglers. Idempotent. */
    @Override
    public synchronized void close()
    {
        if (isClosed)
        {
            return;
        }
        isClosed = true;
        if (lingering != null)
        {
            lingering.stop();
        }
        // Never interrupt the writer: an interrupt during a FileChannel write closes the channel.
        runner.close(CLOSE_RETRY_MS, thread -> LOG.warn("waiting for writer to stop role={}", roleName));
        isStopped = true;
        rejectLeftovers();
    }

    private synchronized void rejectLeftovers()
    {
        queue.drain(onRejected);
    }

    private void onError(final Throwable throwable)
    {
        errors.incrementAndGet();
        LOG.error("writer error role={}", roleName, throwable);
    }

    private final class WriterAgent implements Agent
    {
        private final Consumer<T> onCommand = this::onCommand;
        private long lastCommitNs;
        private volatile boolean hasUncommitted;

        @Override
        public void onStart()
        {
            lastCommitNs = clock.nanoTime() - commitIntervalNs;
        }

        @Override
        public int doWork()
        {
            int workCount = queue.drain(onCommand, BATCH_LIMIT);
            if (workCount > 0)
            {
                handler.onBatchEnd();
                handledCount += workCount;
            }
            if (hasUncommitted)
            {
                final long nowNs = clock.nanoTime();
                if (nowNs - lastCommitNs >= commitIntervalNs)
                {
                    commit(nowNs);
                    workCount++;
                }
            }
            return workCount;
        }

        @Override
        public void onClose()
        {
            while (queue.drain(onCommand) > 0)
            {
                // Producers that have not yet seen isClosed may still be offering: drain until it is quiet.
                handler.onBatchEnd();
            }
            if (hasUncommitted)
            {
                commit(clock.nanoTime());
            }
        }

        @Override
        public String roleName()
        {
            return roleName;
        }

        private void onCommand(final T command)
        {
            hasUncommitted = true;
            handler.onCommand(command);
        }

        private void commit(final long nowNs)
        {
            hasUncommitted = false;
            lastCommitNs = nowNs;
            try
            {
                log.force();
            }
            catch (final RuntimeException ex)
            {
                onError(ex);
                handler.onCommitFailed(ex);
                return;
            }
            commits.incrementAndGet();
            handler.onCommitted();
        }
    }
}
