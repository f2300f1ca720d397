package dev.whisk.scheduler;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.wire.CompletionMessage;
import dev.whisk.core.wire.MessageHeader;
import org.agrona.ExpandableArrayBuffer;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Puts outcomes in the journal beside the requests, so that {@link Recovery} finds what the activation store had
 * not made durable when the process died: {@link MessageHeader#COMPLETION}s of runs that ended in this process (the
 * store takes a record in its writer's own time, and a kill -9 loses what still waits in its queue) and of
 * compositions, and {@link MessageHeader#COMPOSITION} for each composition accepted, so that one whose caller holds
 * its id ends in a record even when the platform stops mid-run.
 * <p>
 * An append copies the record into the journal's mapped file: it survives the death of the process once the call
 * returns, with no system call and no wake-up. Threads: any; each appending thread passes its own scratch buffer
 * (the completion agent keeps one) or uses this class's per-thread one.
 */
public final class RecordJournal
{
    /**
     * The most a journaled record carries; past it the logs are left out (one line says so), since a record that
     * large would take a good share of a journal cycle and recovery needs its result far more than its logs.
     */
    static final int MAX_JOURNALED_BYTES = 1 << 20;
    static final String LOGS_LEFT_OUT = "[whisk] the platform stopped before this record was stored; its logs were " +
        "too large to keep in the journal and are lost.";

    private final Journal journal;
    private final ThreadLocal<ExpandableArrayBuffer> scratch =
        ThreadLocal.withInitial(() -> new ExpandableArrayBuffer(1024));
    private final AtomicLong logsLeftOut = new AtomicLong();
    private final AtomicLong notJournaled = new AtomicLong();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RecordJournal.class);

    /** Over {@code journal}; the scheduler makes one ({@link Scheduler#records()}). */
    public RecordJournal(final Journal journal)
    {
        this.journal = journal;
    }

    /** Journals the final record of a run or a composition; any thread. */
    public void appendCompletion(final Activation record)
    {
        tryAppend(MessageHeader.COMPLETION, record, scratch.get());
    }

    /**
     * As {@link #append}, for a record that goes on to the activation store whatever happens here: when the journal
     * cannot write (its disk is full), the record is not lost, only its early durability (the store's own group
     * commit still makes it durable), so the failure is counted and logged, not thrown into the completion path.
     */
    public boolean tryAppend(final short template, final Activation record, final ExpandableArrayBuffer buffer)
    {
        try
        {
            append(template, record, buffer);
            return true;
        }
        catch (final JournalUnavailableException ex)
        {
            if (notJournaled.getAndIncrement() % 1_000 == 0)
            {
                LOG.warn("event=record-not-journaled activationId={} notJournaled={} error=\"{}\"",
                    record.activationId(), notJournaled.get(), ex.getMessage());
            }
            return false;
        }
    }

    /**
     * Journals that a composition was accepted: {@code stopped} is the record it ends in should the platform stop
     * before it finishes (recovery adds the steps it started to its logs). Call before its caller hears its id.
     */
    public void appendCompositionStart(final Activation stopped)
    {
        append(MessageHeader.COMPOSITION, stopped, scratch.get());
    }

    /** Journals {@code record} under {@code template}, encoded in {@code buffer}, the calling thread's own. */
    public void append(final short template, final Activation record, final ExpandableArrayBuffer buffer)
    {
        final Activation kept;
        if (bodyBytes(record) > MAX_JOURNALED_BYTES)
        {
            logsLeftOut.incrementAndGet();
            kept = record.withLogs(List.of(LOGS_LEFT_OUT));
        }
        else
        {
            kept = record;
        }
        final int length = CompletionMessage.encode(buffer, 0, template, -1, kept.limits().memory(), kept);
        journal.append(buffer, 0, length);
    }

    /** How many journaled records were too large to keep their logs. */
    public long logsLeftOut()
    {
        return logsLeftOut.get();
    }

    /** The result's bytes plus two bytes per log character: an upper bound of the logs' UTF-8 size for most text. */
    private static long bodyBytes(final Activation record)
    {
        long bytes = record.result() == null ? 0 : record.result().length;
        final List<String> logs = record.logs();
        for (int i = 0, n = logs.size(); i < n; i++)
        {
            bytes += 2L * logs.get(i).length();
        }
        return bytes;
    }
}
