package dev.whisk.scheduler;

import com.lmax.disruptor.EventHandler;
import dev.whisk.core.activation.Activation;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.wire.ActivationRef;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.core.wire.MessageHeader;
import dev.whisk.core.wire.MessageParts;
import org.agrona.concurrent.UnsafeBuffer;
import dev.whisk.storage.ActivationStore;
import io.aeron.Publication;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * Second ring stage: picks the action's invoker and offers the encoded request on its Aeron publication (or, for
 * invokers in this process, hands it to them by a call on their own thread, see {@link LocalDispatch}). Back
 * pressure is waited out while the invoker is alive (at most its silence window), so the ring fills and the front
 * door refuses new work up front instead of accepted work failing; an invoker that stays unreachable turns the
 * request into a {@code whisk internal error} record, so every accepted request still ends in a record. Owns the
 * invoker table.
 */
final class DispatchHandler implements EventHandler<InvokeEvent>
{
    private static final Logger LOG = LoggerFactory.getLogger(DispatchHandler.class);
    /** Back-pressured offers between two looks at the clock and the invoker's liveness. */
    private static final int CLOCK_CHECK_ATTEMPTS = 64;

    private final InvokerTable invokers;
    private final ActivationStore activations;
    private final Waiters waiters;
    /** Spins, yields, then parks up to 1 ms: a wait of seconds must not hold a core on a small machine. */
    private final IdleStrategy retryIdle = new BackoffIdleStrategy(64, 64, 1_000, 1_000_000);
    private final InvokeRequest failed = new InvokeRequest();

    private final InFlight inFlight;

    /**
     * @param inFlight where activations sent to invokers in other processes are tracked until they complete;
     *                 {@code null} when every invoker is in this process.
     */
    private final Journal journal;
    private final java.util.function.Consumer<Activation> onUndeliverable;
    /** The invokers in this process reached by a call instead of a publication, or {@code null}. */
    private final LocalDispatch local;
    private final UnsafeBuffer refBuffer = new UnsafeBuffer(new byte[ActivationRef.LENGTH]);
    static final String NOT_JOURNALED =
        "The platform ran out of disk space before the action could be started; it did not run.";
    private volatile DiskGuard disk;

    DispatchHandler(final InvokerTable invokers, final ActivationStore activations, final Waiters waiters,
        final InFlight inFlight, final Journal journal, final java.util.function.Consumer<Activation> onUndeliverable,
        final LocalDispatch local)
    {
        this.local = local;
        this.onUndeliverable = onUndeliverable;
        this.journal = journal;
        this.inFlight = inFlight;
        this.invokers = invokers;
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
        final String activationId = event.activationId;
        if (inFlight != null)
        {
            // Before the offer: the completion may come back before the offer call returns.
            inFlight.add(home, activationId, failed.decode(event.buffer, 0, event.length));
        }
        // Journaled before the offer: a request that may have reached an invoker is never dispatched again after a
        // restart (at most once); if the offer then fails it is recorded as undeliverable right here.
        ActivationRef.encode(refBuffer, 0, MessageHeader.DISPATCHED, event.idHi, event.idLo, home);
        if (!journalDispatch(event, home))
        {
            event.clear();
            return;
        }
        if (local != null)
        {
            local.dispatch(home, event.buffer, 0, event.length);
            event.clear();
            return;
        }
        final Publication publication = invokers.publication(home);
        final long result;
        if (event.length > publication.maxMessageLength())
        {
            // Params and defaults near their limits can pass one Aeron message: sent in parts, put together by the
            // invoker, rather than refused by offer.
            result = offerParts(publication, MessageParts.split(event.buffer, 0, event.length, event.idHi,
                event.idLo, publication.maxMessageLength()), home, nowNs);
        }
        else
        {
            result = offer(publication, event.buffer, event.length, home, nowNs);
        }
        if (result >= 0)
        {
            invokers.wake(home);
        }
        else
        {
            LOG.warn("event=dispatch-failed activationId={} invoker={} code={}", event.activationId, home, result);
            if (inFlight == null)
            {
                invokers.release(home, event.memoryMb);
                recordUndeliverable(event);
            }
            else if (inFlight.complete(activationId))
            {
                // Taking it out of flight gave its memory back.
                recordUndeliverable(event);
            }
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
            if (inFlight == null)
            {
                invokers.release(home, event.memoryMb);
                recordUndeliverable(event, NOT_JOURNALED);
            }
            else if (inFlight.complete(event.activationId))
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

    /**
     * Offers the request, waiting out back pressure while the invoker is alive, for at most its silence window: an
     * invoker that drains more slowly than requests come (big payloads in a burst) is waited for, so work already
     * accepted (a non-blocking caller heard 202 when it was journaled) is not failed with "No invoker is available".
     * Meanwhile the ring fills and the front door refuses new work with 503, before accepting it. An invoker that is
     * not connected, or closed, is not waited for: it is not coming back within the wait.
     *
     * @return the publication's result: a position, or the negative code it ended with.
     */
    private long offer(final Publication publication, final DirectBuffer buffer, final int length, final int home,
        final long startNs)
    {
        final long giveUpNs = startNs + invokers.silenceNs();
        long result;
        for (int attempt = 1; ; attempt++)
        {
            result = publication.offer(buffer, 0, length);
            if (result != Publication.BACK_PRESSURED && result != Publication.ADMIN_ACTION)
            {
                break;
            }
            if (attempt % CLOCK_CHECK_ATTEMPTS == 0)
            {
                final long now = System.nanoTime();
                if (now - giveUpNs >= 0 || !invokers.isAlive(home, now))
                {
                    break;
                }
            }
            retryIdle.idle();
        }
        retryIdle.reset();
        return result;
    }

    /** Offers the parts in order; stops at the first that cannot go (the invoker drops what it got of them). */
    private long offerParts(final Publication publication, final byte[][] parts, final int home, final long startNs)
    {
        long result = Publication.NOT_CONNECTED;
        for (final byte[] part : parts)
        {
            result = offer(publication, new UnsafeBuffer(part), part.length, home, startNs);
            if (result < 0)
            {
                return result;
            }
        }
        return result;
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
