package dev.whisk.pool;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters and gauges of one container pool, for metrics and tests. Written only by the pool's owner thread; read
 * from any thread.
 */
public final class PoolMetrics
{
    final AtomicLong coldStarts = new AtomicLong();
    final AtomicLong prewarmStarts = new AtomicLong();
    final AtomicLong warmStarts = new AtomicLong();
    final AtomicLong resumes = new AtomicLong();
    final AtomicLong pauses = new AtomicLong();
    final AtomicLong evictions = new AtomicLong();
    final AtomicInteger memoryInUseMb = new AtomicInteger();
    final AtomicInteger waitingJobs = new AtomicInteger();
    final AtomicInteger queuedJobs = new AtomicInteger();
    final AtomicLong connectionsReopened = new AtomicLong();
    final AtomicLong containersLost = new AtomicLong();
    private final AtomicIntegerArray containersByState =
        new AtomicIntegerArray(PooledContainer.State.values().length);
    private final int memoryBudgetMb;

    PoolMetrics(final int memoryBudgetMb)
    {
        this.memoryBudgetMb = memoryBudgetMb;
    }

    /** Cold starts: a container created for a job. */
    public long coldStarts()
    {
        return coldStarts.get();
    }

    /** Starts on a pre-warmed stem cell. */
    public long prewarmStarts()
    {
        return prewarmStarts.get();
    }

    /** Starts on a warm container of the job's key, paused or not. */
    public long warmStarts()
    {
        return warmStarts.get();
    }

    /** Warm starts that resumed a paused container first. */
    public long resumes()
    {
        return resumes.get();
    }

    public long pauses()
    {
        return pauses.get();
    }

    /** Idle containers removed to make room for another. */
    public long evictions()
    {
        return evictions.get();
    }

    public int startingContainers()
    {
        return containersByState.get(PooledContainer.State.STARTING.ordinal());
    }

    public int prewarmedContainers()
    {
        return containersByState.get(PooledContainer.State.PREWARMED.ordinal());
    }

    public int idleContainers()
    {
        return containersByState.get(PooledContainer.State.IDLE.ordinal());
    }

    public int pausedContainers()
    {
        return containersByState.get(PooledContainer.State.PAUSED.ordinal());
    }

    public int busyContainers()
    {
        return containersByState.get(PooledContainer.State.BUSY.ordinal());
    }

    /** Containers alive: starting, pre-warmed, idle, paused or busy. */
    public int liveContainers()
    {
        return startingContainers() + prewarmedContainers() + idleContainers() + pausedContainers() +
            busyContainers();
    }

    /** Memory of every container not being removed, stem cells included. */
    public int memoryInUseMb()
    {
        return memoryInUseMb.get();
    }

    /** What the scheduler may still place on this invoker without an eviction. */
    public int freeMemoryMb()
    {
        return memoryBudgetMb - memoryInUseMb.get();
    }

    public int waitingJobs()
    {
        return waitingJobs.get();
    }

    /** Jobs waiting for one of their action's busy or starting containers. */
    /** Keep-alive connections to an idle container opened again after the runtime closed the last one. */
    public long connectionsReopened()
    {
        return connectionsReopened.get();
    }

    /** Idle containers dropped (and replaced on demand) because no connection to them could be opened. */
    public long containersLost()
    {
        return containersLost.get();
    }

    public int queuedJobs()
    {
        return queuedJobs.get();
    }

    /** Owner thread: a container moved from one state to another; REMOVING is not counted. */
    void onStateChange(final PooledContainer.State from, final PooledContainer.State to)
    {
        if (from != null && from != PooledContainer.State.REMOVING)
        {
            containersByState.decrementAndGet(from.ordinal());
        }
        if (to != PooledContainer.State.REMOVING)
        {
            containersByState.incrementAndGet(to.ordinal());
        }
    }
}
