package dev.whisk.pool;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The pool's book of its containers, in memory only: every live one in start order, and those that belong to an
 * action by its key. Placement and eviction decide on it: which warm container takes a job (a busy one with room
 * first, so {@code concurrency > 1} containers fill up; then the most recently used idle one; then a paused one),
 * and which container goes when memory is needed (paused before idle before stem cells, the least recently used
 * first). No Docker and no I/O: what a job costs the pool before its container is called.
 *
 * <p>Owner thread only, like the pool.
 */
final class PoolBook
{
    private final Map<ContainerKey, List<PooledContainer>> byKey = new HashMap<>();
    private final Set<PooledContainer> live = new LinkedHashSet<>();
    private final Predicate<PooledContainer> reachable;

    /**
     * @param reachable whether a container that is not busy can be called now (it has an open keep-alive
     *                  connection); one that cannot is being dropped as lost and is never chosen.
     */
    PoolBook(final Predicate<PooledContainer> reachable)
    {
        this.reachable = reachable;
    }

    /** A container the pool started (or adopted): live from now on. */
    void add(final PooledContainer c)
    {
        live.add(c);
    }

    /** Files {@code c} under its action's key (set on it), once it serves that action. */
    void assign(final PooledContainer c)
    {
        byKey.computeIfAbsent(c.key, k -> new ArrayList<>(2)).add(c);
    }

    /** Takes a container out of the book, live and by key. */
    void remove(final PooledContainer c)
    {
        live.remove(c);
        if (c.key != null)
        {
            final List<PooledContainer> list = byKey.get(c.key);
            if (list != null && list.remove(c) && list.isEmpty())
            {
                byKey.remove(c.key);
            }
        }
    }

    /** Every live container, in start order; not to be changed while iterated. */
    Collection<PooledContainer> live()
    {
        return Collections.unmodifiableSet(live);
    }

    /** The warm container that should take a job of {@code key}, or null when none can. */
    PooledContainer findWarm(final ContainerKey key)
    {
        final List<PooledContainer> list = byKey.get(key);
        if (list == null)
        {
            return null;
        }
        PooledContainer best = null;
        int bestRank = Integer.MAX_VALUE;
        for (int i = 0; i < list.size(); i++)
        {
            final PooledContainer c = list.get(i);
            final int rank = switch (c.state)
            {
                case BUSY -> 0;
                case IDLE -> 1;
                case PAUSED -> 2;
                default -> Integer.MAX_VALUE;
            };
            if (rank == Integer.MAX_VALUE || !c.hasRoom() || (rank > 0 && !reachable.test(c)))
            {
                continue;
            }
            if (rank < bestRank || (rank == bestRank && c.lastUsedNs > best.lastUsedNs))
            {
                best = c;
                bestRank = rank;
            }
        }
        return best;
    }

    /** A container of {@code key} still starting that may take one more job when ready (concurrency above 1). */
    PooledContainer findStarting(final ContainerKey key)
    {
        final List<PooledContainer> list = byKey.get(key);
        if (list == null)
        {
            return null;
        }
        for (int i = 0; i < list.size(); i++)
        {
            final PooledContainer c = list.get(i);
            if (c.state == PooledContainer.State.STARTING && 1 + c.startQueue.size() < c.concurrency)
            {
                return c;
            }
        }
        return null;
    }

    /** Whether the action has any container that is or will be able to run its jobs (not being removed). */
    boolean hasContainers(final ContainerKey key)
    {
        return containerCount(key) > 0;
    }

    /** Whether a container of the action is starting (created, or a stem cell being initialized for it). */
    boolean hasStarting(final ContainerKey key)
    {
        final List<PooledContainer> list = byKey.get(key);
        for (int i = 0; list != null && i < list.size(); i++)
        {
            if (list.get(i).state == PooledContainer.State.STARTING)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Containers being created and booted (cold starts and stem cells not yet up): the CPU-heavy part of a start. A
     * stem cell taken for an action and being initialized is not counted (its init is a code fetch and an /init).
     */
    int booting()
    {
        int n = 0;
        for (final PooledContainer c : live)
        {
            if (c.state == PooledContainer.State.STARTING && (c.stem == null || c.key == null))
            {
                n++;
            }
        }
        return n;
    }

    /** How many containers of the action are not being removed. */
    int containerCount(final ContainerKey key)
    {
        final List<PooledContainer> list = byKey.get(key);
        int count = 0;
        for (int i = 0; list != null && i < list.size(); i++)
        {
            if (list.get(i).state != PooledContainer.State.REMOVING)
            {
                count++;
            }
        }
        return count;
    }

    /**
     * What the action's containers offer a queued job: their slots (concurrency of each container but those being
     * removed) and the mean run time, or while no run has ended how long the oldest busy spell has gone (a floor for
     * a run's length).
     */
    Supply supply(final ContainerKey key, final long nowNs)
    {
        final List<PooledContainer> list = byKey.get(key);
        int slots = 0;
        long runNsSum = 0;
        int runNsCount = 0;
        long oldestRunNs = 0;
        if (list != null)
        {
            for (int i = 0; i < list.size(); i++)
            {
                final PooledContainer c = list.get(i);
                if (c.state == PooledContainer.State.REMOVING)
                {
                    continue;
                }
                slots += c.concurrency;
                if (c.meanRunNs >= 0)
                {
                    runNsSum += c.meanRunNs;
                    runNsCount++;
                }
                if (c.state == PooledContainer.State.BUSY)
                {
                    oldestRunNs = Math.max(oldestRunNs, nowNs - c.busySinceNs);
                }
            }
        }
        return new Supply(slots, runNsCount == 0 ? oldestRunNs : runNsSum / runNsCount);
    }

    /**
     * When an action's queue would be drained by the containers it has, ns from now: ready containers serve from when
     * their current run should end, starting ones from when they are expected to be ready (a late one: as long again
     * as it is late); every slot serves runs of {@code meanRunNs} until {@code workNs} of runs is done (the slots fill
     * like water poured into steps). {@link Long#MAX_VALUE} when the action has no container.
     *
     * @param scratch at least as long as the action's containers; reused, to allocate nothing.
     */
    long drainNs(final ContainerKey key, final long nowNs, final long meanRunNs, final long workNs, long[] scratch)
    {
        final List<PooledContainer> list = byKey.get(key);
        if (list == null)
        {
            return Long.MAX_VALUE;
        }
        int n = 0;
        for (int i = 0; i < list.size(); i++)
        {
            final PooledContainer c = list.get(i);
            final long availableNs;
            switch (c.state)
            {
                case REMOVING:
                    continue;
                case STARTING:
                    // A start past its expected time is taken to need as long again as it is late: it is slow or
                    // stuck, and a queue behind it should not count on it from one moment to the next.
                    availableNs = c.expectedReadyNs == 0 ? 0 : Math.abs(c.expectedReadyNs - nowNs);
                    break;
                case BUSY:
                    availableNs = Math.max(0, meanRunNs - (nowNs - c.busySinceNs));
                    break;
                default:
                    availableNs = 0;
            }
            for (int k = 0; k < c.concurrency && n < scratch.length; k++)
            {
                // insertion sort: an action has few slots
                int j = n++;
                while (j > 0 && scratch[j - 1] > availableNs)
                {
                    scratch[j] = scratch[j - 1];
                    j--;
                }
                scratch[j] = availableNs;
            }
        }
        if (n == 0)
        {
            return Long.MAX_VALUE;
        }
        long sumAvailable = 0;
        for (int i = 0; i < n; i++)
        {
            sumAvailable += scratch[i];
            final long drain = (workNs + sumAvailable) / (i + 1);
            if (i == n - 1 || drain <= scratch[i + 1])
            {
                return drain;
            }
        }
        return Long.MAX_VALUE; // not reached
    }

    /**
     * @param meanRunNs the mean run time of the action's containers, or while none has ended a run the longest a run
     *                  is known to take (how long the oldest busy spell has gone).
     */
    record Supply(int slots, long meanRunNs)
    {
    }

    /** Memory that evicting every evictable container would free, MB. */
    int evictableMb()
    {
        int evictable = 0;
        for (final PooledContainer c : live)
        {
            if (evictionRank(c) >= 0)
            {
                evictable += c.memoryMb;
            }
        }
        return evictable;
    }

    /** The container to evict first, or null when none may go. */
    PooledContainer evictionVictim()
    {
        PooledContainer victim = null;
        int victimRank = Integer.MAX_VALUE;
        for (final PooledContainer c : live)
        {
            final int rank = evictionRank(c);
            if (rank >= 0 && (rank < victimRank || (rank == victimRank && c.lastUsedNs < victim.lastUsedNs)))
            {
                victim = c;
                victimRank = rank;
            }
        }
        return victim;
    }

    /** -1 when the container cannot be evicted; else lower ranks go first: paused, idle, stem cells. */
    static int evictionRank(final PooledContainer c)
    {
        if (c.active > 0 || !c.startQueue.isEmpty())
        {
            return -1;
        }
        return switch (c.state)
        {
            case PAUSED -> 0;
            case IDLE -> 1;
            case PREWARMED -> 2;
            default -> -1;
        };
    }
}
