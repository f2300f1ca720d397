package dev.whisk.launcher.node;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Runs an agent's duty cycles as tasks on a Netty event loop instead of on a thread of its own. Standalone runs the
 * in-process invoker this way on the loop that speaks to the action containers and serves the front door: a
 * container's answer is read and handled by the pool on the same thread, with no hand-off, and a request to a
 * container is written from the thread that owns the connection.
 *
 * <p>A duty cycle runs when {@link #wake} is called (any thread: a command handed to the pool from a Docker thread),
 * at the agent's next deadline (its timers: a pause due, a stem cell to retry), and at the latest after {@code
 * tickNs}; a cycle that did work runs again at once. An idle platform therefore sleeps: one timer, re-armed only
 * when a deadline comes earlier than the one it is set for. The agent must never block: it shares the loop with the
 * connections.
 */
final class EventLoopAgentRunner implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(EventLoopAgentRunner.class);

    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable cycle = this::cycle;
    private final Runnable timerFired = this::onTimer;
    private volatile EventLoop loop;
    private volatile Agent agent;
    private volatile boolean closed;
    private long tickNs;
    private LongSupplier nextDeadlineNs;
    /** Loop thread: the one timer and when it fires ({@link Long#MAX_VALUE} when none is set). */
    private ScheduledFuture<?> timer;
    private long timerAtNs = Long.MAX_VALUE;

    /**
     * Starts running {@code agent} on {@code loop}: its {@code onStart} there, then cycles when woken, at
     * {@code nextDeadlineNs} (read on the loop after each cycle), and at least every {@code tickNs}.
     */
    void start(final EventLoop loop, final Agent agent, final long tickNs, final LongSupplier nextDeadlineNs)
    {
        this.agent = agent;
        this.loop = loop;
        this.tickNs = tickNs;
        this.nextDeadlineNs = nextDeadlineNs;
        loop.submit(agent::onStart).syncUninterruptibly();
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
        else
        {
            arm();
        }
    }

    /** Loop thread: sets the timer for the agent's next deadline if that is earlier than the one set. */
    private void arm()
    {
        final long nowNs = System.nanoTime();
        final long deadlineNs = Math.min(nextDeadlineNs.getAsLong(), nowNs + tickNs);
        if (deadlineNs >= timerAtNs)
        {
            return;
        }
        if (timer != null)
        {
            timer.cancel(false);
        }
        timerAtNs = deadlineNs;
        timer = loop.schedule(timerFired, Math.max(0, deadlineNs - nowNs), TimeUnit.NANOSECONDS);
    }

    private void onTimer()
    {
        timer = null;
        timerAtNs = Long.MAX_VALUE;
        cycle();
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
        if (!l.isShuttingDown())
        {
            l.submit(() -> { }).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
        agent.onClose();
    }
}
