package dev.whisk.events;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.IdleStrategy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * The one consumer thread of an engine's feeds (Kafka, PostgreSQL or Redis): owns their {@link Subscription}s and
 * advances each in turn; nothing blocks for long, so one thread serves every trigger of its engine. Other threads
 * change the set through commands ({@link #call}), drained at the top of each duty cycle, as Aeron's conductor
 * does.
 *
 * <p>Idle: with subscriptions it looks again within {@link #POLL_PARK_NS} (the engines' reads do not block, so
 * that bounds the added latency); with none it sleeps until a command wakes it, so an engine nobody uses costs
 * nothing.
 *
 * <p>Threads: {@link #doWork}, {@link #onClose} and the idle strategy on the poller's own thread; {@link #call}
 * from any.
 */
final class SourcePoller implements Agent
{
    static final long POLL_PARK_NS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long EMPTY_PARK_NS = TimeUnit.SECONDS.toNanos(1);
    private static final int SPINS = 20;

    private final String roleName;
    private volatile Thread thread;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final Map<String, Subscription> byTrigger = new HashMap<>();
    private final List<Subscription> subscriptions = new ArrayList<>();

    SourcePoller(final String roleName)
    {
        this.roleName = roleName;
    }

    /** Runs {@code command} on the poller thread with its subscriptions (by trigger); the future hears its result. */
    <T> CompletableFuture<T> call(final Function<Map<String, Subscription>, T> command)
    {
        final CompletableFuture<T> result = new CompletableFuture<>();
        commands.add(() ->
        {
            try
            {
                result.complete(command.apply(byTrigger));
            }
            catch (final RuntimeException ex)
            {
                result.completeExceptionally(ex);
            }
            subscriptions.clear();
            subscriptions.addAll(byTrigger.values());
        });
        final Thread t = thread;
        if (t != null)
        {
            LockSupport.unpark(t);
        }
        return result;
    }

    /** The idle strategy to run this poller with (see the class comment). */
    IdleStrategy idleStrategy()
    {
        return new IdleStrategy()
        {
            private int spins;

            @Override
            public void idle(final int workCount)
            {
                if (workCount > 0)
                {
                    spins = 0;
                    return;
                }
                idle();
            }

            @Override
            public void idle()
            {
                if (spins < SPINS)
                {
                    spins++;
                    Thread.onSpinWait();
                    return;
                }
                LockSupport.parkNanos(this, subscriptions.isEmpty() ? EMPTY_PARK_NS : POLL_PARK_NS);
            }

            @Override
            public void reset()
            {
                spins = 0;
            }
        };
    }

    @Override
    public void onStart()
    {
        thread = Thread.currentThread();
    }

    @Override
    public int doWork()
    {
        int work = 0;
        Runnable command;
        while ((command = commands.poll()) != null)
        {
            command.run();
            work++;
        }
        final long nowMs = System.currentTimeMillis();
        for (int i = 0; i < subscriptions.size(); i++)
        {
            work += subscriptions.get(i).doWork(nowMs);
        }
        return work;
    }

    @Override
    public void onClose()
    {
        for (final Subscription s : subscriptions)
        {
            s.close();
        }
        subscriptions.clear();
        byTrigger.clear();
    }

    @Override
    public String roleName()
    {
        return roleName;
    }
}
