package dev.whisk.scheduler;

import com.lmax.disruptor.EventHandler;
import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationResults;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.storage.ActivationStore;
import io.aeron.Publication;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Second ring stage: picks the action's invoker and offers the encoded request on its Aeron publication. Back
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

    DispatchHandler(final InvokerTable invokers, final ActivationStore activations, final Waiters waiters)
    {
        this.invokers = invokers;
        this.activations = activations;
        this.waiters = waiters;
    }

    @Override
    public void onEvent(final InvokeEvent event, final long sequence, final boolean endOfBatch)
    {
        final int home = invokers.homeOf(event.actionHash);
        final Publication publication = invokers.publication(home);
        long result = Publication.NOT_CONNECTED;
        for (int attempt = 0; attempt < MAX_OFFER_ATTEMPTS; attempt++)
        {
            result = publication.offer(event.buffer, 0, event.length);
            if (result >= 0 || result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
            {
                break;
            }
            retryIdle.idle();
        }
        retryIdle.reset();
        if (result < 0)
        {
            LOG.warn("event=dispatch-failed activationId={} invoker={} code={}", event.activationId, home, result);
            recordUndeliverable(event);
        }
        event.clear();
    }

    private void recordUndeliverable(final InvokeEvent event)
    {
        final InvokeRequest r = failed.decode(event.buffer, 0, event.length);
        final long now = System.currentTimeMillis();
        final String path = r.actionPath;
        final Activation a = new Activation(event.activationId, r.namespace, r.subject,
            path.substring(path.lastIndexOf('/') + 1), r.actionVersion, path, r.kind, now, now, r.cause,
            ActivationStatus.WHISK_ERROR,
            ActivationResults.error(Messages.NO_INVOKER), List.of(),
            new ActionLimits(r.timeoutMs, r.memoryMb, r.logsMb, r.concurrency), false,
            (int)(now - r.acceptedMs), -1);
        activations.append(a);
        final ActivationWaiter waiter = waiters.take(event.activationId);
        if (waiter != null)
        {
            waiter.onActivation(a);
        }
    }
}
