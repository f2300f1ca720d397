package dev.whisk.core.concurrent;

import org.agrona.concurrent.IdleStrategy;

import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * An idle strategy for a group-commit thread (a store's writer, its syncer) whose producers must not pay a thread
 * wake-up per item. While work keeps coming the owner parks {@code lingerNs} at a time between duty cycles, so under
 * load it wakes on its own timer (at most 1 / {@code lingerNs} times a second, whatever the rate of items) and
 * producers never wake it. After {@code lingers} idle parks in a row it goes to sleep with no timer at all, and the
 * first producer that then hands it work wakes it once ({@link #wake} costs a producer one volatile read otherwise).
 *
 * <p>No wake-up is lost: the owner announces that it sleeps, then looks at {@code hasWork} once more before parking;
 * a producer makes its item visible, then (after a full fence) looks at the announcement.
 *
 * <p>{@link #idle} is called only by the owning thread; {@link #wake} by any thread.
 */
public final class LingeringIdleStrategy implements IdleStrategy
{
    private final long lingerNs;
    private final int lingers;
    private volatile BooleanSupplier hasWork;
    private volatile Thread owner;
    private volatile boolean sleeping;
    private volatile boolean stopped;
    private int idleParks;

    /**
     * @param lingerNs how long one park lasts while the owner lingers after work.
     * @param lingers  how many idle parks in a row before it sleeps until woken.
     */
    public LingeringIdleStrategy(final long lingerNs, final int lingers)
    {
        this(lingerNs, lingers, () -> false);
    }

    /**
     * @param hasWork whether work is waiting that the owner must not sleep through (asked on the owner thread).
     */
    public LingeringIdleStrategy(final long lingerNs, final int lingers, final BooleanSupplier hasWork)
    {
        if (lingerNs < 1 || lingers < 0)
        {
            throw new IllegalArgumentException("linger " + lingerNs + " ns must be > 0 and lingers " + lingers +
                " >= 0");
        }
        this.lingerNs = lingerNs;
        this.lingers = lingers;
        this.hasWork = hasWork;
    }

    /** What the owner must not sleep through; set by the owner before its thread starts. */
    public void watch(final BooleanSupplier work)
    {
        this.hasWork = work;
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            idleParks = 0;
        }
        else
        {
            idle();
        }
    }

    @Override
    public void idle()
    {
        if (owner == null)
        {
            owner = Thread.currentThread();
        }
        if (idleParks < lingers || stopped)
        {
            idleParks++;
            LockSupport.parkNanos(this, lingerNs);
            return;
        }
        sleeping = true;
        VarHandle.fullFence();
        if (!hasWork.getAsBoolean() && !stopped)
        {
            LockSupport.park(this);
        }
        sleeping = false;
        idleParks = 0;
    }

    @Override
    public void reset()
    {
        idleParks = 0;
    }

    /**
     * After a producer made its work visible: wakes the owner if it sleeps with no timer; otherwise does nothing, as
     * the owner finds the work on its next linger. Any thread.
     */
    public void wake()
    {
        VarHandle.fullFence();
        if (sleeping)
        {
            final Thread t = owner;
            if (t != null)
            {
                LockSupport.unpark(t);
            }
        }
    }

    /** Wakes the owner whatever it is doing (someone waits for this very item). Any thread. */
    public void wakeNow()
    {
        final Thread t = owner;
        if (t != null)
        {
            LockSupport.unpark(t);
        }
    }

    /**
     * The owner is being stopped: it never sleeps without a timer again, and is woken now, so that whoever stops it
     * waits at most one linger for it to notice. Any thread.
     */
    public void stop()
    {
        stopped = true;
        wakeNow();
    }

    @Override
    public String alias()
    {
        return "lingering";
    }
}
