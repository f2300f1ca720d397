package dev.whisk.pool;

import dev.whisk.pool.docker.ContainerLogReader;
import dev.whisk.pool.docker.StartedContainer;
import dev.whisk.pool.runtime.RuntimeConnection;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/** One container of the pool and what the pool knows of it. Owned by the pool's owner thread. */
final class PooledContainer
{
    /** Lifecycle, as OpenWhisk's {@code ContainerProxy} names its states. */
    enum State
    {
        /** Being created and started (and, with a key, initialized for its first jobs). */
        STARTING,
        /** A stem cell: started and connected, not initialized; any action of its kind and memory may take it. */
        PREWARMED,
        /** Initialized, nothing running, not yet paused. */
        IDLE,
        /** Initialized, nothing running, frozen. */
        PAUSED,
        /** Running at least one job. */
        BUSY,
        /** Being removed; its memory is already given back. */
        REMOVING;

        /** Where a container in this state may go next: the pool moves none any other way. */
        boolean canBecome(final State next)
        {
            return switch (this)
            {
                case STARTING -> next == PREWARMED || next == IDLE || next == BUSY || next == REMOVING;
                case PREWARMED -> next == STARTING || next == REMOVING;
                case IDLE -> next == BUSY || next == PAUSED || next == REMOVING;
                case PAUSED -> next == BUSY || next == REMOVING;
                case BUSY -> next == IDLE || next == REMOVING;
                case REMOVING -> false;
            };
        }
    }

    /**
     * Moves it to {@code next}.
     *
     * @throws IllegalStateException when the move is not one {@link State#canBecome} allows: a bug in the pool.
     */
    void moveTo(final State next)
    {
        if (!state.canBecome(next))
        {
            throw new IllegalStateException("container " + id() + ": " + state + " -> " + next +
                " is not a legal transition");
        }
        state = next;
    }

    final long seq;
    final String kind;
    final int memoryMb;
    /** The stem cell slot it was started for, or {@code null} when started for a job. */
    final StemCells.StemSlot stem;
    /** Its secret: set in its environment at creation and carried by every request to it. */
    final io.netty.util.AsciiString token = ProxyToken.next();
    /** Which jobs it serves; {@code null} while it is a stem cell. */
    ContainerKey key;
    int concurrency = 1;
    State state = State.STARTING;
    StartedContainer docker;
    /** Its cgroup freezer file, or {@code null} when only the Docker API can pause it. */
    Path freezeFile;
    /** Docker-API pauses and resumes of this container, chained so they reach the engine in order. */
    CompletableFuture<Void> dockerOps = CompletableFuture.completedFuture(null);
    /** Open keep-alive connections with no request on them. */
    final ArrayDeque<RuntimeConnection> freeConnections = new ArrayDeque<>(1);
    int openConnections;
    /** A new connection is being opened after the last one closed while it was idle. */
    boolean reconnecting;
    /** Jobs running now. */
    int active;
    /** Jobs that wait for this container to finish starting (concurrency above 1). */
    final ArrayDeque<Job> startQueue = new ArrayDeque<>(0);
    long lastUsedNs;
    long idleSinceNs;
    /** When it was created (tracked by the pool): a cold start's cost is measured from here to its init's end. */
    final long createdNs = System.nanoTime();
    /** When its current busy spell began (its first job of the spell was dispatched). */
    long busySinceNs;
    /** Started for its action's queue: once ready it takes the first queued job, no job is its own. */
    boolean forQueue;
    /** While it starts: when it is expected to be ready, as {@link System#nanoTime()}; 0 when not estimated. */
    long expectedReadyNs;
    /** Moving mean of its runs' durations, ns; -1 until one ended. */
    long meanRunNs = -1;

    /** Moving mean of the idle gaps that ended in a new run within {@link #PAUSE_DELAY_CAP_NS}, ns; -1 until one. */
    long meanReuseGapNs = -1;
    /** How steadily it is reused: up by one for each gap within the cap, down by two for each longer one, 0 to 4. */
    int reuseScore;

    /** The longest a container in steady use waits before it is paused; OpenWhisk waits 10 s for every container. */
    static final long PAUSE_DELAY_CAP_NS = 10_000_000_000L;

    void onRunEnded(final long runNs)
    {
        meanRunNs = meanRunNs < 0 ? runNs : (runNs + 4 * meanRunNs) / 5;
    }

    /** A run starts after it sat idle (or paused) for {@code gapNs}. */
    void onReused(final long gapNs)
    {
        if (gapNs <= PAUSE_DELAY_CAP_NS)
        {
            meanReuseGapNs = meanReuseGapNs < 0 ? gapNs : (gapNs + 3 * meanReuseGapNs) / 4;
            reuseScore = Math.min(4, reuseScore + 1);
        }
        else
        {
            reuseScore = Math.max(0, reuseScore - 2);
        }
    }

    /**
     * How long it may sit idle before it is paused: {@code graceNs} for a container that is not reused steadily (its
     * next call is far off, so the pause saves CPU at no cost), else twice its usual gap, up to the cap, so that a
     * container in steady use is not paused and resumed between its calls.
     */
    long pauseDelayNs(final long graceNs)
    {
        if (reuseScore < 2 || meanReuseGapNs < 0)
        {
            return graceNs;
        }
        return Math.max(graceNs, Math.min(PAUSE_DELAY_CAP_NS, 2 * meanReuseGapNs));
    }
    ContainerLogReader logReader;
    /** Whether the image prints the log sentinels; when not, its Docker log is read as it stands, no wait. */
    boolean sentinels = true;
    /** Whether it runs our own proxy, which returns each activation's log lines with its answer. */
    boolean inlineLogs;
    /** Runs whose logs wait to be read, in the order they ended; read one at a time. */
    final ArrayDeque<PendingLogs> pendingLogs = new ArrayDeque<>();
    boolean collecting;
    /** Destroyed while logs were still being read: the engine removes it once they are. */
    boolean removeAfterLogs;

    record PendingLogs(Job job, RunOutcome outcome)
    {
    }

    PooledContainer(final long seq, final String kind, final int memoryMb, final StemCells.StemSlot stem)
    {
        this.seq = seq;
        this.kind = kind;
        this.memoryMb = memoryMb;
        this.stem = stem;
    }

    boolean hasRoom()
    {
        return active + startQueue.size() < concurrency;
    }

    String id()
    {
        return docker == null ? "(starting #" + seq + ")" : docker.id();
    }
}
