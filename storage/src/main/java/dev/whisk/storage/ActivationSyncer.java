package dev.whisk.storage;

import dev.whisk.core.activation.Activation;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The activation store's group commit, on its own thread ({@code activation-sync}) so that the writer keeps writing
 * while a force runs: at most every commit interval it takes the position the writer has written up to, forces the
 * segment holding it, publishes that position as durable, and calls the listeners of every record that ends at or
 * before it, in append order.
 * <p>
 * Threads: {@link #onWritten} and {@link #awaitDurable} from the writer thread; {@link #doWork} on the sync thread;
 * {@link #durablePosition} from any thread.
 */
final class ActivationSyncer implements Agent
{
    private static final Logger LOG = LoggerFactory.getLogger(ActivationSyncer.class);

    /** A record whose appender wants to hear when it is durable; {@code endPosition} is set by the writer. */
    static final class Pending
    {
        final Activation activation;
        final Consumer<Activation> onDurable;
        long endPosition;

        Pending(final Activation activation, final Consumer<Activation> onDurable)
        {
            this.activation = activation;
            this.onDurable = onDurable;
        }
    }

    private final ActivationSegments segments;
    private final long commitIntervalNs;
    private final NanoClock clock;
    private final ConcurrentLinkedQueue<Pending> awaiting = new ConcurrentLinkedQueue<>();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong listenerFailures = new AtomicLong();
    private volatile long writtenPosition;
    private volatile long durablePosition;
    private long lastCommitNs;
    private Runnable wake = () -> { };

    ActivationSyncer(final ActivationSegments segments, final long commitIntervalNs, final NanoClock clock,
        final long startPosition)
    {
        this.segments = segments;
        this.commitIntervalNs = commitIntervalNs;
        this.clock = clock;
        this.writtenPosition = startPosition;
        this.durablePosition = startPosition;
        this.lastCommitNs = clock.nanoTime() - commitIntervalNs;
    }

    /** Writer thread: records up to {@code position} are written to their segment files. */
    void onWritten(final long position)
    {
        writtenPosition = position;
        wake.run();
    }

    /** How the writer wakes this thread when it sleeps (see {@code LingeringIdleStrategy}); before it starts. */
    void wakeWith(final Runnable wakeUp)
    {
        this.wake = wakeUp;
    }

    /** Sync thread: whether written records wait to be forced. */
    boolean hasWork()
    {
        return writtenPosition != durablePosition;
    }

    /** Writer thread: call {@code pending}'s listener once its record is durable. */
    void awaitDurable(final Pending pending)
    {
        awaiting.add(pending);
    }

    long durablePosition()
    {
        return durablePosition;
    }

    long commitCount()
    {
        return commits.get();
    }

    long failureCount()
    {
        return failures.get();
    }

    @Override
    public int doWork()
    {
        final long target = writtenPosition;
        if (target == durablePosition)
        {
            return 0;
        }
        final long nowNs = clock.nanoTime();
        if (nowNs - lastCommitNs < commitIntervalNs)
        {
            return 0;
        }
        lastCommitNs = nowNs;
        return commit(target);
    }

    /** Forces everything written so far and calls its listeners; on the sync thread, or at close after it stopped. */
    int commit(final long target)
    {
        try
        {
            segments.forceUpTo(target);
        }
        catch (final RuntimeException ex)
        {
            failures.incrementAndGet();
            LOG.error("activation force failed position={}", target, ex);
            return 1;
        }
        commits.incrementAndGet();
        durablePosition = target;
        int work = 1;
        Pending pending;
        while ((pending = awaiting.peek()) != null && pending.endPosition <= target)
        {
            awaiting.poll();
            try
            {
                pending.onDurable.accept(pending.activation);
            }
            catch (final RuntimeException ex)
            {
                listenerFailures.incrementAndGet();
                LOG.error("durable listener failed activationId={}", pending.activation.activationId(), ex);
            }
            work++;
        }
        return work;
    }

    /** After the writer stopped: the final commit. */
    @Override
    public void onClose()
    {
        final long target = writtenPosition;
        if (target != durablePosition || !awaiting.isEmpty())
        {
            commit(target);
        }
    }

    @Override
    public String roleName()
    {
        return "activation-sync";
    }

    long listenerFailures()
    {
        return listenerFailures.get();
    }
}
