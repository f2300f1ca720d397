package dev.whisk.scheduler;

import io.aeron.Publication;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The invokers the dispatcher can send to and whether each is alive. Each action has a home invoker chosen by a
 * hash of its path, so that repeated calls find their warm containers; when the home is unhealthy the next healthy
 * invoker in order takes the action (step-wise probing, as OpenWhisk's sharding balancer does).
 *
 * <p>A remote invoker is healthy while it heartbeats within the silence threshold and its request channel is
 * connected (its subscription answers).
 *
 * <p>Example with three invokers where invoker 1 fell silent: an action hashing to 1 goes to 2, one hashing to 2
 * goes to 2, one hashing to 0 stays on 0. When invoker 1 heartbeats again its actions go home.
 *
 * <p>Threads: {@link #select} and {@link #wake} run on the dispatch thread; {@link #onHeartbeat} on the thread that
 * reads invoker messages. An in-process invoker (standalone) is always healthy and never needs to heartbeat.
 */
public final class InvokerTable
{
    /** An invoker silent for longer than this is routed around. */
    public static final long DEFAULT_SILENCE_NS = TimeUnit.SECONDS.toNanos(2);
    private static final Runnable NO_WAKE = () -> { };
    private static final java.lang.invoke.VarHandle LAST_HEARTBEAT =
        java.lang.invoke.MethodHandles.arrayElementVarHandle(long[].class);

    private static final java.lang.invoke.VarHandle PUBLICATION =
        java.lang.invoke.MethodHandles.arrayElementVarHandle(Publication[].class);

    private final Publication[] publications;
    private final Runnable[] wakers;
    private final boolean[] inProcess;
    private final long[] lastHeartbeatNs;
    private final long silenceNs;
    /** Slots in use: invokers 0..count-1 (some may not have registered yet). */
    private volatile int count;

    /** Invokers in this process: always healthy. */
    public InvokerTable(final List<Publication> publications)
    {
        this(publications, List.of());
    }

    /**
     * Invokers in this process, each with what to call after a dispatch so it starts at once instead of when it
     * next polls.
     */
    public InvokerTable(final List<Publication> publications, final List<Runnable> wakers)
    {
        this(publications, wakers, true, DEFAULT_SILENCE_NS);
    }

    /**
     * @param inProcess true when the invokers run in this process and need no heartbeats; false when each must
     *                  heartbeat at least every {@code silenceNs} to receive work.
     */
    public InvokerTable(final List<Publication> publications, final List<Runnable> wakers, final boolean inProcess,
        final long silenceNs)
    {
        if (!wakers.isEmpty() && wakers.size() != publications.size())
        {
            throw new IllegalArgumentException(wakers.size() + " wakers for " + publications.size() + " invokers");
        }
        this.publications = publications.toArray(new Publication[0]);
        this.wakers = new Runnable[this.publications.length];
        this.inProcess = new boolean[this.publications.length];
        this.lastHeartbeatNs = new long[this.publications.length];
        this.silenceNs = silenceNs;
        for (int i = 0; i < this.wakers.length; i++)
        {
            this.wakers[i] = wakers.isEmpty() ? NO_WAKE : wakers.get(i);
            this.inProcess[i] = inProcess;
            this.lastHeartbeatNs[i] = Long.MIN_VALUE;
        }
        this.count = this.publications.length;
    }

    /**
     * A table for invokers in other processes that join by heartbeat: {@code capacity} slots, invoker ids
     * 0..capacity-1, each filled by {@link #register} when its first heartbeat arrives.
     */
    public static InvokerTable remote(final int capacity, final long silenceNs)
    {
        final InvokerTable table = new InvokerTable(java.util.Collections.nCopies(capacity, null), List.of(), false,
            silenceNs);
        table.count = 0;
        return table;
    }

    /**
     * Gives invoker {@code index} its publication (on the thread that reads heartbeats).
     *
     * @throws IllegalArgumentException when the id is outside the table.
     */
    public void register(final int index, final Publication publication)
    {
        if (index < 0 || index >= publications.length)
        {
            throw new IllegalArgumentException("invoker id " + index + " is not in 0.." + (publications.length - 1));
        }
        PUBLICATION.setRelease(publications, index, publication);
        if (index >= count)
        {
            count = index + 1;
        }
    }

    /** Whether invoker {@code index} has a publication. */
    public boolean isRegistered(final int index)
    {
        return index >= 0 && index < publications.length && PUBLICATION.getAcquire(publications, index) != null;
    }

    /** How long an invoker may be silent before it is routed around. */
    public long silenceNs()
    {
        return silenceNs;
    }

    /** How many invokers the table can hold (invoker ids 0..capacity-1). */
    public int capacity()
    {
        return publications.length;
    }

    /** Invoker slots in use. */
    public int size()
    {
        return count;
    }

    /** The home invoker of an action: a stable hash of its path over the slots in use. */
    public int homeOf(final int actionHash)
    {
        return Math.floorMod(actionHash, Math.max(1, count));
    }

    /**
     * The invoker to send an action to: its home if healthy, else the next healthy one after it.
     *
     * @return the invoker's index, or -1 when no invoker is healthy.
     */
    public int select(final int actionHash, final long nowNs)
    {
        final int n = count;
        final int home = homeOf(actionHash);
        for (int step = 0; step < n; step++)
        {
            final int candidate = (home + step) % n;
            if (isHealthy(candidate, nowNs))
            {
                return candidate;
            }
        }
        return -1;
    }

    public boolean isHealthy(final int index, final long nowNs)
    {
        if (inProcess[index])
        {
            return true;
        }
        final Publication publication = (Publication)PUBLICATION.getAcquire(publications, index);
        if (publication == null || !publication.isConnected())
        {
            return false;
        }
        final long last = (long)LAST_HEARTBEAT.getAcquire(lastHeartbeatNs, index);
        return last != Long.MIN_VALUE && nowNs - last <= silenceNs;
    }

    /** Records a heartbeat of invoker {@code index} received at {@code nowNs}. */
    public void onHeartbeat(final int index, final long nowNs)
    {
        if (index >= 0 && index < lastHeartbeatNs.length)
        {
            // Written by the reader thread, read by the dispatch thread: a release store, no lock.
            LAST_HEARTBEAT.setRelease(lastHeartbeatNs, index, nowNs);
        }
    }

    public Publication publication(final int index)
    {
        return (Publication)PUBLICATION.getAcquire(publications, index);
    }

    /** Tells invoker {@code index} that a message is waiting for it. */
    public void wake(final int index)
    {
        wakers[index].run();
    }
}
