package dev.whisk.pool;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A lane of blocking work the pool hands off its owner thread: Docker starts, removals, Docker-API pauses and
 * resumes, Docker log reads. Each kind has a lane of its own, so that a slow kind (a storm of removals, a log that
 * never ends) never delays another kind, and none delays a run's answer or record, which never wait on a lane.
 * Bounded: a lane holds at most {@code capacity} waiting tasks, and refuses more (the caller's fallback runs); its
 * waiting and refused counts are in {@code /metrics}.
 */
public final class Lane
{
    private final String name;
    private final ThreadPoolExecutor executor;
    private final AtomicLong refused = new AtomicLong();

    Lane(final String name, final int threads, final int capacity)
    {
        this.name = name;
        this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(capacity), r ->
            {
                final Thread t = new Thread(r, "pool-" + name);
                t.setDaemon(true);
                return t;
            });
        // Threads come when work does and leave after 30 s without: an idle lane holds no thread.
        executor.allowCoreThreadTimeOut(true);
    }

    public String name()
    {
        return name;
    }

    /** The lane's threads: how many of its tasks run at once. */
    public int threads()
    {
        return executor.getMaximumPoolSize();
    }

    /** Tasks waiting for a thread of the lane. */
    public int queued()
    {
        return executor.getQueue().size();
    }

    /** Tasks running now. */
    public int running()
    {
        return executor.getActiveCount();
    }

    /** Tasks refused since the start: the lane was full, or shut down. */
    public long refused()
    {
        return refused.get();
    }

    /** Runs {@code task} on the lane; runs {@code ifRefused} here, at once, when the lane is full or shut down. */
    void execute(final Runnable task, final Runnable ifRefused)
    {
        try
        {
            executor.execute(task);
        }
        catch (final RejectedExecutionException ex)
        {
            refused.incrementAndGet();
            ifRefused.run();
        }
    }

    /** The lane as an {@link java.util.concurrent.Executor}: a refused task is counted and throws. */
    java.util.concurrent.Executor executor()
    {
        return task -> execute(task, () ->
        {
            throw new RejectedExecutionException("lane " + name + " is full or shut down");
        });
    }

    /**
     * Drops the waiting tasks and takes no more; the running ones finish undisturbed (an interrupted Docker call can
     * leave its container half removed, or created after the pool last listed them).
     */
    void stop()
    {
        executor.getQueue().clear();
        executor.shutdown();
    }

    boolean awaitTermination(final long timeoutMs) throws InterruptedException
    {
        return executor.awaitTermination(timeoutMs, TimeUnit.MILLISECONDS);
    }
}
