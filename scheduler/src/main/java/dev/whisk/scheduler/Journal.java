package dev.whisk.scheduler;

import org.agrona.DirectBuffer;

import java.util.function.Consumer;

/**
 * The durable, append-only record of every accepted request, and of what became of it. An append that cannot be
 * written (no space left) throws {@link JournalUnavailableException}: the message is not in the journal, and its
 * request must not be accepted.
 *
 * <p>Appends come from several threads, so an implementation must take them from any thread ({@link
 * ChronicleJournal} gives each thread its own appender):
 * <ul>
 *   <li>the journal stage ({@link JournalHandler}): each accepted request;</li>
 *   <li>the dispatch stage ({@link DispatchHandler}): where each request was sent ({@code DISPATCHED}); the same
 *   thread as the journal stage with one stage thread or a local fleet, another with two stage threads;</li>
 *   <li>{@link RecordJournal}: outcomes from the completion agent's thread (invokers in this process) and
 *   composition starts and outcomes from the front door's loops and the completion thread.</li>
 * </ul>
 * {@link #replay} runs at start-up, before any append; {@link #trim} on the journal keeper's thread.
 */
public interface Journal extends AutoCloseable
{
    /** Appends one encoded message; once this returns, the request survives a crash of the process. */
    void append(DirectBuffer buffer, int offset, int length);

    /**
     * Reads every message from the start, in order, on the caller's thread. The buffer handed over is valid only
     * during the call (it is reused): copy what must be kept.
     */
    void replay(Consumer<DirectBuffer> onMessage);

    /**
     * Retention: forgets the oldest messages, in whole units of the journal's own choosing (files), while {@code
     * done} says every message in a unit is finished with. One thread at a time.
     *
     * @return how many units were deleted; 0 for a journal that keeps everything.
     */
    default int trim(final java.util.function.Predicate<DirectBuffer> done)
    {
        return 0;
    }

    @Override
    void close();
}
