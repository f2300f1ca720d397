package dev.whisk.pool;

import dev.whisk.pool.docker.CgroupFreezer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * Freezes idle containers and thaws them for their next job. A container that goes idle is due to be paused after
 * its pause delay ({@link PooledContainer#pauseDelayNs}: the configured grace, longer for a container in steady use,
 * so it is not paused and resumed between its calls). A pause writes the container's cgroup freezer file where the
 * invoker can (microseconds), else asks the engine on the freeze lane, chained per container so the engine sees
 * pauses and resumes in order.
 *
 * <p>Owner thread only, but for the freeze lane's thread, which runs nothing but the engine's pause and unpause.
 */
final class Pauses
{
    private static final Logger LOG = LoggerFactory.getLogger(Pauses.class);

    private final ContainerPool pool;
    private final PoolMetrics metrics;
    /** Docker-API pauses and resumes, where the cgroup freezer cannot be reached. */
    final Lane lane = new Lane("freeze", 1, ContainerPool.LANE_CAPACITY);
    /** Idle containers by when they are due to be paused, soonest first. */
    private final PriorityQueue<PauseDue> due = new PriorityQueue<>(Comparator.comparingLong(PauseDue::dueNs));
    /** The configured grace, ns; -1 when containers are never paused. */
    private final long graceNs;

    Pauses(final ContainerPool pool)
    {
        this.pool = pool;
        this.metrics = pool.metrics;
        final long graceMs = pool.config.pauseGraceMs();
        this.graceNs = graceMs < 0 ? -1 : TimeUnit.MILLISECONDS.toNanos(graceMs);
    }

    /** {@code c} just went idle at {@code nowNs}: it is due to be paused after its delay, if it is still idle then. */
    void onIdle(final PooledContainer c, final long nowNs)
    {
        if (graceNs < 0)
        {
            return;
        }
        final PauseDue next = new PauseDue(c, nowNs, nowNs + c.pauseDelayNs(graceNs));
        final PauseDue first = due.peek();
        if (first == null || next.dueNs - first.dueNs < 0)
        {
            // An owner sleeping until the pool's next deadline must now wake for this pause.
            pool.wakeOwner();
        }
        due.add(next);
    }

    /** When the next pause is due, as {@link System#nanoTime()}; {@link Long#MAX_VALUE} when none is. */
    long nextDeadlineNs()
    {
        final PauseDue first = due.peek();
        return first == null ? Long.MAX_VALUE : first.dueNs;
    }

    /** Pauses the containers due by {@code nowNs} that stayed idle since; returns how many. */
    int pauseDue(final long nowNs)
    {
        int paused = 0;
        PauseDue next;
        while ((next = due.peek()) != null && nowNs - next.dueNs >= 0)
        {
            due.poll();
            final PooledContainer c = next.container;
            if (c.state == PooledContainer.State.IDLE && c.idleSinceNs == next.idleSinceNs)
            {
                pause(c);
                paused++;
            }
        }
        return paused;
    }

    /** Freezes the container through its cgroup (microseconds), else asks the engine. */
    private void pause(final PooledContainer c)
    {
        pool.setState(c, PooledContainer.State.PAUSED);
        metrics.pauses.incrementAndGet();
        if (tryFreezer(c, true))
        {
            return;
        }
        final String id = c.docker.id();
        final ContainerEngine engine = pool.engine;
        c.dockerOps = c.dockerOps.thenRunAsync(() -> engine.pause(id), lane.executor()).exceptionally(ex ->
        {
            LOG.warn("event=pause-failed container={}", id, ex);
            return null;
        });
    }

    /** Thaws the container, then runs {@code then} on the owner thread. */
    void resume(final PooledContainer c, final Runnable then)
    {
        if (tryFreezer(c, false))
        {
            then.run();
            return;
        }
        final String id = c.docker.id();
        final ContainerEngine engine = pool.engine;
        c.dockerOps = c.dockerOps.thenRunAsync(() -> engine.unpause(id), lane.executor()).handle((v, ex) ->
        {
            if (ex != null)
            {
                LOG.warn("event=resume-failed container={}", id, ex);
            }
            pool.onOwner(then);
            return null;
        });
    }

    /**
     * Freezes ({@code freeze}) or thaws the container through its cgroup freezer file; false when it has none or the
     * write failed, and from then on it goes through the engine.
     */
    private static boolean tryFreezer(final PooledContainer c, final boolean freeze)
    {
        if (c.freezeFile == null)
        {
            return false;
        }
        try
        {
            if (freeze)
            {
                CgroupFreezer.freeze(c.freezeFile);
            }
            else
            {
                CgroupFreezer.thaw(c.freezeFile);
            }
            return true;
        }
        catch (final IOException ex)
        {
            LOG.warn("event=freezer-failed container={} file={}; using the Docker API", c.id(), c.freezeFile, ex);
            c.freezeFile = null;
            return false;
        }
    }

    private record PauseDue(PooledContainer container, long idleSinceNs, long dueNs)
    {
    }
}
