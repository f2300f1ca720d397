package dev.whisk.scheduler;

import org.agrona.DirectBuffer;

import java.util.function.Consumer;

/**
 * The durable, append-only record of every accepted request. Appends come from one thread, the journal handler.
 */
public interface Journal extends AutoCloseable
{
    /** Appends one encoded message; once this returns, the request survives a crash of the process. */
    void append(DirectBuffer buffer, int offset, int length);

    /** Reads every message from the start, in order, on the caller's thread. */
    void replay(Consumer<DirectBuffer> onMessage);

    @Override
    void close();
}
