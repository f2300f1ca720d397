package dev.whisk.pool;

import dev.whisk.pool.docker.StartedContainer;
import dev.whisk.pool.runtime.RuntimeConnection;

/** One container of the pool and what the pool knows of it. Owned by the pool's owner thread. */
final class PooledContainer
{
    enum State
    {
        /** Being created and started, then connected and initialized for its first job. */
        STARTING,
        /** Initialized, nothing running: may take a job of its key. */
        IDLE,
        /** Running a job, or collecting the job's logs. */
        BUSY,
        /** Being removed; its memory is already given back. */
        REMOVING
    }

    final long seq;
    final ContainerKey key;
    State state = State.STARTING;
    StartedContainer docker;
    RuntimeConnection connection;
    /** Where the next activation's lines start in the engine's log file. */
    long logOffset;
    long lastUsedNs;
    boolean sentinels = true;
    /** Runs whose logs wait to be read, in run order; read one at a time from {@link #logOffset}. */
    final java.util.ArrayDeque<PendingLogs> pendingLogs = new java.util.ArrayDeque<>();
    boolean collecting;
    /** Destroyed while logs were still being read: the engine removes it once they are. */
    boolean removeAfterLogs;

    record PendingLogs(Job job, RunOutcome outcome)
    {
    }

    PooledContainer(final long seq, final ContainerKey key)
    {
        this.seq = seq;
        this.key = key;
    }

    String id()
    {
        return docker == null ? "(starting #" + seq + ")" : docker.id();
    }
}
