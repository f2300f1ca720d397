package dev.whisk.scheduler;

import com.lmax.disruptor.EventHandler;
import dev.whisk.core.activation.Activation;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.wire.ActivationRef;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.core.wire.MessageHeader;
import org.agrona.concurrent.UnsafeBuffer;
import dev.whisk.storage.ActivationStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * Second stage: picks the action's invoker, journals where the request goes, and has the {@link Fleet} send it (over
 * Aeron for invokers in other processes, by a call on their thread for invokers in this process). A request that
 * cannot be sent, or whose dispatch cannot be journaled, ends in a {@code whisk internal error} record, so every
 * accepted request still ends in a record.
 *
 * <p>Thread: the dispatch thread (the ring's, or the local loop), one at a time. It appends to the journal (the
 * {@link MessageHeader#DISPATCHED} entry) beside the journal stage. It does not own the {@link InvokerTable}: it
 * promises memory there ({@link InvokerTable#select}, an atomic add) and reads health and heartbeats with acquire
 * loads, while the completion thread writes those and gives memory back (see the table).
 */
final class DispatchHandler implements EventHandler<InvokeEvent>
{
    private static final Logger LOG = LoggerFactory.getLogger(DispatchHandler.class);

    private final Fleet fleet;
    private final InvokerTable invokers;
    private final ActivationStore activations;
    private final Waiters waiters;
    private final InvokeRequest failed = new InvokeRequest();
    private final Journal journal;
    private final Consumer<Activation> onUndeliverable;
    private final UnsafeBuffer refBuffer = new UnsafeBuffer(new byte[ActivationRef.LENGTH]);
    static final String NOT_JOURNALED =
        "The platform ran out of disk space before the action could be started; it did not run.";
    private volatile DiskGuard disk;

    DispatchHandler(final Fleet fleet, final ActivationStore activations, final Waiters waiters,
        final Journal journal, final Consumer<Activation> onUndeliverable)
    {
        this.fleet = fleet;
        this.invokers = fleet.invokers();
        this.onUndeliverable = onUndeliverable;
        this.journal = journal;
        this.activations = activations;
        this.waiters = waiters;
    }

    @Override
    public void onEvent(final InvokeEvent event, final long sequence, final boolean endOfBatch)
    {
        if (event.notJournaled)
        {
            event.clear();
            return;
        }
        final long nowNs = System.nanoTime();
        final int home = event.pinned >= 0 ? pinned(event.pinned, event.memoryMb, nowNs) :
            invokers.select(event.actionHash, event.memoryMb, event.blackbox, nowNs);
        if (home < 0)
        {
            recordUndeliverable(event);
            event.clear();
            return;
        }
        fleet.track(home, event);
        // Journaled before it is sent: a request that may have reached an invoker is never dispatched again after a
        // restart (at most once); if sending then fails it is recorded as undeliverable right here.
        ActivationRef.encode(refBuffer, 0, MessageHeader.DISPATCHED, event.idHi, event.idLo, home);
        if (journalDispatch(event, home) && !fleet.send(home, event, nowNs) && fleet.abandon(home, event))
        {
            recordUndeliverable(event);
        }
        event.clear();
    }

    /**
     * Journals that the request goes to {@code home}. When the journal cannot write it (its disk is full) the request,
     * already acknowledged, is not sent (it might run again after a restart): it ends at once in a {@code whisk
     * internal error} record saying so, and its promised memory is given back.
     */
    private boolean journalDispatch(final InvokeEvent event, final int home)
    {
        try
        {
            journal.append(refBuffer, 0, ActivationRef.LENGTH);
            return true;
        }
        catch (final JournalUnavailableException ex)
        {
            final DiskGuard guard = disk;
            if (guard != null)
            {
                guard.onWriteFault("journal", ex.getMessage());
            }
            LOG.warn("event=dispatch-not-journaled activationId={} error=\"{}\"", event.activationId,
                ex.getMessage());
            if (fleet.abandon(home, event))
            {
                recordUndeliverable(event, NOT_JOURNALED);
            }
            return false;
        }
    }

    void watchDisk(final DiskGuard guard)
    {
        this.disk = guard;
    }

    /** A health ping's invoker, if it is alive (up or not: the ping is what tells); its memory promised. */
    private int pinned(final int invoker, final int memoryMb, final long nowNs)
    {
        if (invoker >= invokers.size() || !invokers.isAlive(invoker, nowNs))
        {
            return -1;
        }
        invokers.acquire(invoker, memoryMb);
        return invoker;
    }

    private void recordUndeliverable(final InvokeEvent event)
    {
        recordUndeliverable(event, Messages.NO_INVOKER);
    }

    private void recordUndeliverable(final InvokeEvent event, final String message)
    {
        final InvokeRequest r = failed.decode(event.buffer, 0, event.length);
        final long now = System.currentTimeMillis();
        final Activation a = WhiskErrors.of(event.activationId, r, message, now, now,
            (int)(now - r.acceptedMs));
        activations.append(a);
        onUndeliverable.accept(a);
        final ActivationWaiter waiter = waiters.take(event.activationId);
        if (waiter != null)
        {
            waiter.onUndeliverable(a);
        }
    }
}
