package dev.whisk.pool;

import dev.whisk.pool.runtime.RuntimeConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The pool's memory budget and the end of its containers: admits a new container's memory, evicting idle ones least
 * recently used first (paused, then idle, then stem cells, as {@link PoolBook#evictionVictim} orders them) when that
 * frees enough; removes containers idle past the idle timeout; destroys a container (its memory given back at once)
 * and removes it from the engine on the remove lane, after its logs are read.
 *
 * <p>Owner thread only, but for the remove lane's own thread, which runs nothing but the engine's remove.
 */
final class Eviction
{
    private static final Logger LOG = LoggerFactory.getLogger(Eviction.class);

    private final ContainerPool pool;
    /** Docker rm, and the out-of-memory check of a container that died: never ahead of a start. */
    final Lane lane = new Lane("remove", 2, ContainerPool.LANE_CAPACITY);
    private int memoryUsedMb;

    Eviction(final ContainerPool pool)
    {
        this.pool = pool;
    }

    /** Memory taken by the pool's containers, starting or not. */
    int memoryUsedMb()
    {
        return memoryUsedMb;
    }

    /** Whether {@code memoryMb} more fits the budget without evicting anything. */
    boolean fits(final int memoryMb)
    {
        return memoryUsedMb + memoryMb <= pool.config.memoryBudgetMb();
    }

    /** Takes memory for a new container, evicting idle ones when that frees enough; false when it cannot. */
    boolean admit(final int memoryMb)
    {
        if (!fits(memoryMb))
        {
            if (memoryUsedMb - pool.book.evictableMb() + memoryMb > pool.config.memoryBudgetMb())
            {
                return false;
            }
            while (!fits(memoryMb))
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

    /** Takes memory without asking (a stem cell, which is started only when it fits). */
    void addMemory(final int deltaMb)
    {
        memoryUsedMb += deltaMb;
        pool.metrics.memoryInUseMb.set(memoryUsedMb);
    }

    private boolean evictOne()
    {
        final PooledContainer victim = pool.book.evictionVictim();
        if (victim != null)
        {
            LOG.debug("event=container-evicted container={} state={}", victim.id(), victim.state);
            pool.metrics.evictions.incrementAndGet();
            destroy(victim);
            return true;
        }
        return false;
    }

    /** Destroys the idle and paused containers last used before the idle timeout; returns how many. */
    int reapIdle(final long nowNs)
    {
        final long cutoff = nowNs - TimeUnit.MILLISECONDS.toNanos(pool.config.idleTimeoutMs());
        List<PooledContainer> stale = null;
        for (final PooledContainer c : pool.book.live())
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

    /** An idle container whose connection closed for good: it died or was stopped. */
    void lose(final PooledContainer c)
    {
        LOG.info("event=idle-container-lost container={} state={}", c.id(), c.state);
        pool.metrics.containersLost.incrementAndGet();
        destroy(c);
    }

    /**
     * Takes {@code c} out of the pool: its memory is free at once, its connections closed, and the engine removes it
     * once its pending logs are read. Idempotent.
     */
    void destroy(final PooledContainer c)
    {
        if (c.state == PooledContainer.State.REMOVING)
        {
            return;
        }
        pool.setState(c, PooledContainer.State.REMOVING);
        pool.book.remove(c);
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
        pool.capacityChanged = true;
    }

    /** Asks the engine, on the remove lane, to remove a destroyed container (one that got as far as the engine). */
    void removeFromEngine(final PooledContainer c)
    {
        if (c.docker == null)
        {
            return;
        }
        final String id = c.docker.id();
        final ContainerEngine engine = pool.engine;
        lane.execute(() ->
        {
            try
            {
                engine.remove(id);
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("event=container-remove-failed container={}", id, ex);
            }
        }, () -> { });
    }
}
