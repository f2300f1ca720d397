package dev.whisk.events;

import org.agrona.concurrent.Agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * The one consumer thread of an engine's feeds (Kafka, PostgreSQL or Redis): owns their {@link Subscription}s and
 * advances each in turn; nothing blocks for long, so one thread serves every trigger of its engine. Other threads
 * change the set through commands ({@link #call}), drained at the top of each duty cycle, as Aeron's conductor
 * does.
 *
 * <p>Threads: {@link #doWork} and {@link #onClose} on the poller's own thread; {@link #call} from any.
 */
final class SourcePoller implements Agent
{
    private final String roleName;
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
        return result;
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
