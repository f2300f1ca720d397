package dev.whisk.launcher;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs an agent's duty cycles as tasks on a Netty event loop instead of on a thread of its own. Standalone runs the
 * in-process invoker this way on the loop that speaks to the action containers: a container's answer is read and
 * handled by the pool on the same thread, with no hand-off, and a request to a container is written from the thread
 * that owns the connection. Two thread wake-ups fewer per invocation than an agent thread beside the loop.
 *
 * <p>A duty cycle runs when {@link #wake} is called (any thread: a dispatch, a command handed to the pool) and on a
 * fixed tick, for the agent's timers; a cycle that did work runs again at once. The agent must never block: it
 * shares the loop with the containers' connections.
 */
final class EventLoopAgentRunner implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(EventLoopAgentRunner.class);

    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable cycle = this::cycle;
    private volatile EventLoop loop;
    private volatile Agent agent;
    private volatile boolean closed;
    private ScheduledFuture<?> tick;

    /**
     * Starts running {@code agent} on {@code loop}: its {@code onStart} there, then a cycle at least every
     * {@code tickNs}.
     */
    void start(final EventLoop loop, final Agent agent, final long tickNs)
    {
        this.agent = agent;
        this.loop = loop;
        loop.submit(agent::onStart).syncUninterruptibly();
        tick = loop.scheduleAtFixedRate(this::wake, tickNs, tickNs, TimeUnit.NANOSECONDS);
        wake();
    }

    /** Asks for a duty cycle soon; at most one is queued at a time. Any thread. */
    void wake()
    {
        final EventLoop l = loop;
        if (l != null && !closed && scheduled.compareAndSet(false, true))
        {
            l.execute(cycle);
        }
    }

    private void cycle()
    {
        scheduled.set(false);
        if (closed)
        {
            return;
        }
        int work = 0;
        try
        {
            work = agent.doWork();
        }
        catch (final Throwable error)
        {
            LOG.error("event=agent-error agent={}", agent.roleName(), error);
        }
        if (work > 0)
        {
            wake();
        }
    }

    /**
     * Stops the cycles, waits for one under way to end, then closes the agent on the calling thread (closing may
     * shut the loop itself down, which cannot be awaited from the loop). Idempotent.
     */
    @Override
    public void close()
    {
        final EventLoop l = loop;
        if (closed || l == null)
        {
            closed = true;
            return;
        }
        closed = true;
        if (tick != null)
        {
            tick.cancel(false);
        }
        if (!l.isShuttingDown())
        {
            l.submit(() -> { }).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
        agent.onClose();
    }
}
