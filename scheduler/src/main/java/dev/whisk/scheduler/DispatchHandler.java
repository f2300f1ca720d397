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
import org.agrona.concurrent.YieldingIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * Second ring stage: picks the action's invoker and offers the encoded request on its Aeron publication (or, for
 * invokers in this process, hands it to them by a call on their own thread, see {@link LocalDispatch}). Back
 * pressure is retried briefly; an invoker that stays unreachable turns the request into a {@code whisk internal
 * error} record, so every accepted request still ends in a record. Owns the invoker table.
 */
final class DispatchHandler implements EventHandler<InvokeEvent>
{
    private static final Logger LOG = LoggerFactory.getLogger(DispatchHandler.class);
    private static final int MAX_OFFER_ATTEMPTS = 10_000;

    private final InvokerTable invokers;
    private final ActivationStore activations;
    private final Waiters waiters;
    private final IdleStrategy retryIdle = new YieldingIdleStrategy();
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
        journal.append(refBuffer, 0, ActivationRef.LENGTH);
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
                event.idLo, publication.maxMessageLength()));
        }
        else
        {
            result = offer(publication, event.buffer, event.length);
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

    /** Offers one message, retrying only while back pressured; the last offer's result. */
    private long offer(final Publication publication, final DirectBuffer buffer, final int length)
    {
        long result = Publication.NOT_CONNECTED;
        for (int attempt = 0; attempt < MAX_OFFER_ATTEMPTS; attempt++)
        {
            result = publication.offer(buffer, 0, length);
            // Only back pressure is worth a short wait; an invoker that is not connected (or closed) is not coming
            // back within it, and waiting would stall every other invoker's requests behind this one.
            if (result != Publication.BACK_PRESSURED && result != Publication.ADMIN_ACTION)
            {
                break;
            }
            retryIdle.idle();
        }
        retryIdle.reset();
        return result;
    }

    /** Offers the parts in order; stops at the first that cannot go (the invoker drops what it got of them). */
    private long offerParts(final Publication publication, final byte[][] parts)
    {
        long result = Publication.NOT_CONNECTED;
        for (final byte[] part : parts)
        {
            result = offer(publication, new UnsafeBuffer(part), part.length);
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
        final InvokeRequest r = failed.decode(event.buffer, 0, event.length);
        final long now = System.currentTimeMillis();
        final Activation a = WhiskErrors.of(event.activationId, r, Messages.NO_INVOKER, now, now,
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
