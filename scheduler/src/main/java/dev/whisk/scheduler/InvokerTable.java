package dev.whisk.scheduler;

import io.aeron.Publication;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The invokers the dispatcher can send to, whether each can take work, and how much of its memory is promised to
 * activations in flight. It places an action the way OpenWhisk's sharding balancer does, with one change for
 * overload:
 * <ul>
 *   <li>each action has a <em>home</em> invoker, a hash of its path over the invokers of its kind, so that repeated
 *   calls find their warm containers;</li>
 *   <li>when the home is unhealthy or has no free memory for the action, invokers are probed step-wise from the
 *   home, with a step coprime to their number (so every invoker is probed once and actions with the same home
 *   spread differently), and the first healthy one with room takes it; its memory is promised until the
 *   activation completes ({@link #release});</li>
 *   <li>when no healthy invoker has room, the least over-committed healthy one takes it and queues it (OpenWhisk
 *   picks one at random; the least loaded one is the one whose queue drains first, which is what keeps the tail
 *   short under skewed load);</li>
 *   <li>blackbox actions (user images) go to the last {@code blackboxFraction} of the invokers, other actions to
 *   the rest; with few invokers the two sets overlap, as in OpenWhisk.</li>
 * </ul>
 *
 * <p>Health has two parts. A remote invoker is <em>alive</em> while it heartbeats within the silence threshold and
 * its request channel is connected. It is <em>up</em> once it has proven it can run containers: a new invoker, and
 * one whose activations keep failing with whisk errors, is {@code unhealthy} and gets only health pings
 * ({@link InvokerHealth}) until one succeeds. Only invokers both alive and up receive user work.
 *
 * <p>Threads: no one owns the table; three threads write it, each its own cells, and nothing takes a lock.
 * <ul>
 *   <li>The dispatch thread (the ring's, or standalone's loop) promises memory ({@link #select}, {@link #acquire}:
 *   atomic {@code getAndAdd} on {@code usedMb}) and calls {@link #wake}; start-up recovery acquires before it
 *   runs.</li>
 *   <li>The completion agent's thread (the one reading invoker messages) registers invokers
 *   ({@link #register}: release stores of the publication and health, then the volatile count), records heartbeats
 *   and capacity ({@link #onHeartbeat}, {@link #setCapacity}: release stores), sets health ({@link #setHealth}:
 *   release store) and gives memory back ({@link #release}: atomic add) when an activation ends.</li>
 *   <li>The dispatch thread gives memory back too, for a request it could not send; with invokers in other
 *   processes so does any thread that ends an in-flight activation ({@link InFlight}).</li>
 * </ul>
 * Readers use acquire loads ({@link #isAlive}, {@link #isHealthy}, {@link #freeMb}), so a dispatch sees a heartbeat
 * or a health change at most one read late, and a promise made by one thread is never lost by another's add.
 */
public final class InvokerTable
{
    /** An invoker silent for longer than this is routed around. */
    public static final long DEFAULT_SILENCE_NS = TimeUnit.SECONDS.toNanos(2);
    /** OpenWhisk's default share of invokers reserved for blackbox actions. */
    public static final double DEFAULT_BLACKBOX_FRACTION = 0.10;

    /** Has proven it can run containers. */
    public static final int UP = 0;
    /** Alive, but its containers fail (or it has not yet proven they run): health pings only. */
    public static final int UNHEALTHY = 1;

    private static final Runnable NO_WAKE = () -> { };
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle PUBLICATION = MethodHandles.arrayElementVarHandle(Publication[].class);

    private final Publication[] publications;
    private final Runnable[] wakers;
    private final boolean[] inProcess;
    private final long[] lastHeartbeatNs;
    /** Memory the invoker offers, MB; 0 while unknown (then it is never full). */
    private final long[] capacityMb;
    /** Memory promised to activations dispatched to the invoker and not yet ended, MB. */
    private final long[] usedMb;
    private final int[] health;
    /** For each number of invokers n, the step sizes coprime to n (and to each other) that probing may use. */
    private final int[][] stepSizes;
    private final long silenceNs;
    private final double blackboxFraction;
    /** Slots in use: invokers 0..count-1 (some may not have registered yet). */
    private volatile int count;

    public InvokerTable(final Context context)
    {
        context.conclude();
        final boolean inProcess = context.publications != null;
        final List<Publication> publications = inProcess ? context.publications :
            java.util.Collections.nCopies(context.remoteCapacity, null);
        final int n = publications.size();
        this.publications = publications.toArray(new Publication[0]);
        this.wakers = new Runnable[n];
        this.inProcess = new boolean[n];
        this.lastHeartbeatNs = new long[n];
        this.capacityMb = new long[n];
        this.usedMb = new long[n];
        this.health = new int[n];
        this.stepSizes = new int[n + 1][];
        this.silenceNs = context.silenceNs;
        this.blackboxFraction = context.blackboxFraction;
        for (int i = 0; i < n; i++)
        {
            this.wakers[i] = context.wakers.isEmpty() ? NO_WAKE : context.wakers.get(i);
            this.inProcess[i] = inProcess;
            this.lastHeartbeatNs[i] = Long.MIN_VALUE;
            this.health[i] = inProcess ? UP : UNHEALTHY;
        }
        for (int size = 1; size <= n; size++)
        {
            stepSizes[size] = coprimeSteps(size);
        }
        // Invokers in other processes fill their slots as they join (register).
        this.count = inProcess ? n : 0;
    }

    /**
     * What an invoker table is made of: either {@link #inProcess} invokers or room for {@link #remote} ones; the
     * rest has defaults.
     */
    public static final class Context
    {
        private List<Publication> publications;
        private int remoteCapacity = -1;
        private List<Runnable> wakers = List.of();
        private long silenceNs = DEFAULT_SILENCE_NS;
        private double blackboxFraction = DEFAULT_BLACKBOX_FRACTION;

        /**
         * Invokers in this process, one publication each ({@code null} where requests reach it by a call): always
         * alive, up from the start, no heartbeats.
         */
        public Context inProcess(final List<Publication> publications)
        {
            this.publications = publications;
            return this;
        }

        /**
         * Invokers in other processes that join by heartbeat: {@code capacity} slots, invoker ids 0..capacity-1, each
         * filled by {@link #register} when its first heartbeat arrives; each must heartbeat at least every
         * {@link #silenceNs} and pass a health ping before it receives work.
         */
        public Context remote(final int capacity)
        {
            this.remoteCapacity = capacity;
            return this;
        }

        /**
         * For in-process invokers: what to call after a dispatch to each, so it starts at once instead of when it
         * next polls. Default: nothing.
         */
        public Context wakers(final List<Runnable> wakers)
        {
            this.wakers = wakers;
            return this;
        }

        /** How long an invoker may be silent before it is routed around; default 2 s. */
        public Context silenceNs(final long silenceNs)
        {
            this.silenceNs = silenceNs;
            return this;
        }

        /** The share of invokers (the last ones) that run blackbox actions, in [0, 1]; default OpenWhisk's 10%. */
        public Context blackboxFraction(final double blackboxFraction)
        {
            this.blackboxFraction = blackboxFraction;
            return this;
        }

        /** Checks the settings. */
        Context conclude()
        {
            if ((publications == null) == (remoteCapacity < 0))
            {
                throw new IllegalArgumentException("an invoker table is either in process or remote");
            }
            final int n = publications != null ? publications.size() : remoteCapacity;
            if (!wakers.isEmpty() && wakers.size() != n)
            {
                throw new IllegalArgumentException(wakers.size() + " wakers for " + n + " invokers");
            }
            if (!(blackboxFraction >= 0 && blackboxFraction <= 1))
            {
                throw new IllegalArgumentException("blackbox fraction " + blackboxFraction + " is not in [0, 1]");
            }
            return this;
        }
    }

    /**
     * Gives invoker {@code index} its publication (on the thread that reads heartbeats). A remote invoker that
     * (re)joins is unhealthy until a health ping succeeds, and nothing is promised of its memory: whatever was in
     * flight on its previous life has been ended with it.
     *
     * @throws IllegalArgumentException when the id is outside the table.
     */
    public void register(final int index, final Publication publication)
    {
        if (index < 0 || index >= publications.length)
        {
            throw new IllegalArgumentException("invoker id " + index + " is not in 0.." + (publications.length - 1));
        }
        if (!inProcess[index])
        {
            INTS.setRelease(health, index, UNHEALTHY);
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

    /** The home invoker of a (non-blackbox) action: a stable hash of its path over the invokers that run it. */
    public int homeOf(final int actionHash)
    {
        final int n = count;
        return Math.floorMod(actionHash, managedCount(n));
    }

    /** {@link #select(int, int, boolean, long)} of a managed action that asks for no memory. */
    public int select(final int actionHash, final long nowNs)
    {
        return select(actionHash, 0, false, nowNs);
    }

    /**
     * Places an action and promises {@code memoryMb} of the chosen invoker to it; the caller must
     * {@link #release} it when the activation ends (or when the request could not be sent).
     *
     * @return the invoker's index, or -1 when no invoker that may run the action is healthy.
     */
    public int select(final int actionHash, final int memoryMb, final boolean blackbox, final long nowNs)
    {
        final int n = count;
        if (n == 0)
        {
            return -1;
        }
        final int size = blackbox ? blackboxCount(n) : managedCount(n);
        final int offset = blackbox ? n - size : 0;
        final int home = Math.floorMod(actionHash, size);
        final int[] steps = stepSizes[size];
        final int step = steps[Math.floorMod(actionHash, steps.length)];
        int leastLoaded = -1;
        long leastLoadedFree = Long.MIN_VALUE;
        for (int probe = 0, at = home; probe < size; probe++, at = (at + step) % size)
        {
            final int candidate = offset + at;
            if (!isHealthy(candidate, nowNs))
            {
                continue;
            }
            final long free = freeMb(candidate);
            if (free >= memoryMb)
            {
                acquire(candidate, memoryMb);
                return candidate;
            }
            if (free > leastLoadedFree)
            {
                leastLoaded = candidate;
                leastLoadedFree = free;
            }
        }
        if (leastLoaded >= 0)
        {
            acquire(leastLoaded, memoryMb);
        }
        return leastLoaded;
    }

    /** Whether some healthy invoker may run a (blackbox or managed) action now; else a caller is answered 503. */
    public boolean canPlace(final boolean blackbox, final long nowNs)
    {
        final int n = count;
        if (n == 0)
        {
            return false;
        }
        final int size = blackbox ? blackboxCount(n) : managedCount(n);
        final int offset = blackbox ? n - size : 0;
        for (int i = offset; i < offset + size; i++)
        {
            if (isHealthy(i, nowNs))
            {
                return true;
            }
        }
        return false;
    }

    /** How many of {@code n} invokers run managed (non-blackbox) actions: the first ones. */
    int managedCount(final int n)
    {
        return Math.max(1, Math.min(n, (int)Math.ceil(n * (1 - blackboxFraction))));
    }

    /** How many of {@code n} invokers run blackbox actions: the last ones. */
    int blackboxCount(final int n)
    {
        return Math.max(1, Math.min(n, (int)Math.floor(n * blackboxFraction)));
    }

    /** Whether invoker {@code index} may receive user work: alive and up. */
    public boolean isHealthy(final int index, final long nowNs)
    {
        return isAlive(index, nowNs) && (int)INTS.getAcquire(health, index) == UP;
    }

    /** Whether invoker {@code index} answers: in this process, or heartbeating on a connected channel. */
    public boolean isAlive(final int index, final long nowNs)
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
        final long last = (long)LONGS.getAcquire(lastHeartbeatNs, index);
        return last != Long.MIN_VALUE && nowNs - last <= silenceNs;
    }

    /** {@link #UP} or {@link #UNHEALTHY}, as last set; see {@link #state} for what callers are shown. */
    public int health(final int index)
    {
        return (int)INTS.getAcquire(health, index);
    }

    /** Sets invoker {@code index}'s health (the thread that judges outcomes and pings). */
    void setHealth(final int index, final int state)
    {
        INTS.setRelease(health, index, state);
    }

    /**
     * What an operator is shown for invoker {@code index}, with OpenWhisk's words: {@code up}, {@code unhealthy}
     * (alive, cannot run containers), {@code unresponsive} (joined, then fell silent), {@code offline} (never
     * joined).
     */
    public String state(final int index, final long nowNs)
    {
        if (!inProcess[index] && PUBLICATION.getAcquire(publications, index) == null)
        {
            return "offline";
        }
        if (!isAlive(index, nowNs))
        {
            return "unresponsive";
        }
        return health(index) == UP ? "up" : "unhealthy";
    }

    /** Records a heartbeat of invoker {@code index} received at {@code nowNs}. */
    public void onHeartbeat(final int index, final long nowNs)
    {
        if (index >= 0 && index < lastHeartbeatNs.length)
        {
            // Written by the reader thread, read by the dispatch thread: a release store, no lock.
            LONGS.setRelease(lastHeartbeatNs, index, nowNs);
        }
    }

    /** The memory invoker {@code index} offers to activations, as it announces it (0: unknown, never full). */
    public void setCapacity(final int index, final long memoryMb)
    {
        LONGS.setRelease(capacityMb, index, Math.max(0, memoryMb));
    }

    public long capacityMb(final int index)
    {
        return (long)LONGS.getAcquire(capacityMb, index);
    }

    /** Memory promised to activations in flight on invoker {@code index}, MB. */
    public long usedMb(final int index)
    {
        return (long)LONGS.getAcquire(usedMb, index);
    }

    /** Memory invoker {@code index} has not promised, MB; negative when over-committed. */
    public long freeMb(final int index)
    {
        final long capacity = capacityMb(index);
        return capacity == 0 ? Long.MAX_VALUE : capacity - usedMb(index);
    }

    /** Promises {@code memoryMb} of invoker {@code index}, room or not (e.g. for work recovered after a restart). */
    public void acquire(final int index, final int memoryMb)
    {
        LONGS.getAndAdd(usedMb, index, (long)memoryMb);
    }

    /** Gives back the memory of an activation that ended (any thread). */
    public void release(final int index, final int memoryMb)
    {
        if (index >= 0 && index < usedMb.length)
        {
            LONGS.getAndAdd(usedMb, index, -(long)memoryMb);
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

    /**
     * Step sizes for probing {@code size} invokers: numbers in 1..size coprime to {@code size} and to each other
     * (as OpenWhisk's balancer uses), so that a probe visits every invoker exactly once.
     */
    static int[] coprimeSteps(final int size)
    {
        final List<Integer> steps = new ArrayList<>();
        for (int candidate = 1; candidate <= size; candidate++)
        {
            if (gcd(candidate, size) != 1)
            {
                continue;
            }
            boolean coprimeToAll = true;
            for (final int s : steps)
            {
                coprimeToAll &= gcd(s, candidate) == 1;
            }
            if (coprimeToAll)
            {
                steps.add(candidate);
            }
        }
        return steps.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int gcd(final int a, final int b)
    {
        return b == 0 ? a : gcd(b, a % b);
    }
}
