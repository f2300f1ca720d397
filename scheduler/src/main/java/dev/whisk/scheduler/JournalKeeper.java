package dev.whisk.scheduler;

import dev.whisk.core.activation.ActivationCodec;
import dev.whisk.core.wire.CompletionMessage;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.core.wire.MessageHeader;
import dev.whisk.storage.ActivationStore;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The journal's housekeeping, off the request path on one low-rate daemon thread ({@code journal-keeper}): it
 * refreshes the {@link DiskGuard}'s free-space flag every {@code diskCheckMs}, and every {@code trimMs} trims the
 * journal's oldest cycles once every request in them has a durable record in the activation store. Other messages
 * (a request's dispatch) need nothing: a cycle is kept while a request in it is pending, and cycles go oldest first,
 * so the later dispatch of a kept request is kept as well.
 */
public final class JournalKeeper implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(JournalKeeper.class);

    private final ScheduledExecutorService timer;
    private final Journal journal;
    private final ActivationStore store;
    private final DiskGuard guard;
    private long trimmed;

    public JournalKeeper(final Journal journal, final ActivationStore store, final DiskGuard guard,
        final long diskCheckMs, final long trimMs)
    {
        this.journal = journal;
        this.store = store;
        this.guard = guard;
        this.timer = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread t = new Thread(r, "journal-keeper");
            t.setDaemon(true);
            return t;
        });
        guard.check();
        timer.scheduleWithFixedDelay(this::checkDisk, diskCheckMs, diskCheckMs, TimeUnit.MILLISECONDS);
        if (trimMs > 0)
        {
            timer.scheduleWithFixedDelay(this::trim, trimMs, trimMs, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Whether a journal message is finished with: an invoke, a composition's start, or a journaled result or record
     * once the activation's record is durable in the store (recovery needs each until then); anything else at once.
     */
    public static boolean isDone(final DirectBuffer message, final ActivationStore store)
    {
        final int length = message.capacity();
        final short template = MessageHeader.templateId(message, 0, length);
        if (template == MessageHeader.INVOKE)
        {
            return store.isDurable(InvokeRequest.namespace(message, 0), InvokeRequest.idHi(message, 0),
                InvokeRequest.idLo(message, 0));
        }
        if (template == MessageHeader.COMPOSITION || template == MessageHeader.COMPLETION ||
            template == MessageHeader.RESULT)
        {
            // Only the key: a journaled record may carry megabytes of logs that this check has no use for.
            final ActivationCodec.Key key = new ActivationCodec.Key();
            ActivationCodec.decodeKey(message, CompletionMessage.RECORD_OFFSET,
                length - CompletionMessage.RECORD_OFFSET, key);
            return store.isDurable(key.namespace, key.idHi, key.idLo);
        }
        return true;
    }

    /** Cycle files deleted since start. */
    public synchronized long trimmed()
    {
        return trimmed;
    }

    private void checkDisk()
    {
        try
        {
            guard.check();
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("event=disk-check-failed", ex);
        }
    }

    private void trim()
    {
        try
        {
            final int n = journal.trim(m -> isDone(m, store));
            synchronized (this)
            {
                trimmed += n;
            }
        }
        catch (final RuntimeException | InternalError ex)
        {
            LOG.warn("event=journal-trim-failed", ex);
        }
    }

    @Override
    public void close()
    {
        timer.shutdownNow();
        try
        {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
