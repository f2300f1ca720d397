package dev.whisk.events;

import java.util.List;

/**
 * One trigger's connection to its engine: reads events in the engine's order and moves the engine's checkpoint
 * (Kafka's committed offset, PostgreSQL's flushed LSN, Redis's {@code XACK}). Whatever was read and not
 * checkpointed is read again after a reconnect or a restart.
 *
 * <p>Threads: owned by one {@link SourcePoller} thread after it is opened; never blocks for long.
 */
interface Source extends AutoCloseable
{
    /** Adds up to {@code max} events to {@code into}, in order, without waiting for more; returns how many. */
    int poll(List<SourceEvent> into, int max) throws Exception;

    /**
     * The events {@code done} (the oldest not yet done, in this source's order) are fired durably or dead-lettered:
     * moves the checkpoint past them.
     */
    void checkpoint(List<SourceEvent> done) throws Exception;

    /** Events (or WAL bytes, for PostgreSQL) at the source and not yet checkpointed, as last seen; -1 unknown. */
    long lag();

    /** The field of the fire's payload that holds the batch: {@code messages} or {@code changes}. */
    String field();

    /** Idempotent. */
    @Override
    void close();
}
