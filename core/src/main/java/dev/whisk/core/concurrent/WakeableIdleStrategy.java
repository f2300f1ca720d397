package dev.whisk.core.concurrent;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.locks.LockSupport;

/**
 * An idle strategy for an agent whose producers can tell it that work arrived: it spins briefly, then parks for up
 * to {@code maxParkNs}, and {@link #wake()} unparks it at once. Work that comes with a wake (a dispatch to an
 * in-process invoker, a container's answer handed to the pool) is picked up in microseconds instead of after a
 * timer; work that does not (a message from another host) is still found within {@code maxParkNs}.
 *
 * <p>On a small machine this matters twice: a parked thread leaves the cores to the action containers, and a
 * timed park can sleep tens of microseconds longer than asked (the kernel's timer slack).
 *
 * <p>{@link #idle} is called only by the owning agent thread; {@link #wake()} by any thread.
 */
public final class WakeableIdleStrategy implements IdleStrategy
{
    private final int maxSpins;
    private final long maxParkNs;
    private volatile Thread owner;
    private int spins;

    public WakeableIdleStrategy(final int maxSpins, final long maxParkNs)
    {
        if (maxSpins < 0 || maxParkNs < 1)
        {
            throw new IllegalArgumentException("spins " + maxSpins + " must be >= 0 and park " + maxParkNs +
                " ns > 0");
        }
        this.maxSpins = maxSpins;
        this.maxParkNs = maxParkNs;
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            spins = 0;
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
        if (spins < maxSpins)
        {
            spins++;
            Thread.onSpinWait();
            return;
        }
        LockSupport.parkNanos(this, maxParkNs);
    }

    @Override
    public void reset()
    {
        spins = 0;
    }

    /** Unparks the owner if it is parked; otherwise its next park returns at once. Any thread. */
    public void wake()
    {
        final Thread t = owner;
        if (t != null)
        {
            LockSupport.unpark(t);
        }
    }

    @Override
    public String alias()
    {
        return "wakeable";
    }
}
