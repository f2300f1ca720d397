package dev.whisk.launcher;

import dev.whisk.core.activation.ActivationId;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.scheduler.ActivationWaiter;
import dev.whisk.scheduler.InvokerHealth;
import dev.whisk.scheduler.Scheduler;
import dev.whisk.storage.EntityStore;

import java.nio.charset.StandardCharsets;

/**
 * Sends the system's health action to one invoker, as namespace {@value SystemCatalog#NAMESPACE}: a real activation
 * through the ring, the journal and Aeron, pinned to that invoker, whose record is kept like any other (so an
 * operator can read why a ping failed). Runs on the thread that reads invoker messages; its request is its own.
 */
final class HealthPinger implements InvokerHealth.Pinger
{
    private final EntityStore entities;
    private final Scheduler scheduler;
    private final InvokeRequest request = new InvokeRequest();

    HealthPinger(final EntityStore entities, final Scheduler scheduler)
    {
        this.entities = entities;
        this.scheduler = scheduler;
    }

    @Override
    public boolean ping(final int invoker, final ActivationWaiter waiter)
    {
        if (!(entities.get(SystemCatalog.HEALTH_ACTION_ID) instanceof WhiskAction action))
        {
            return false;
        }
        final InvokeRequest r = request.newRunOf(action);
        r.flags = InvokeRequest.FLAG_BLOCKING;
        r.namespace = SystemCatalog.NAMESPACE;
        r.subject = SystemCatalog.NAMESPACE;
        r.cause = null;
        r.apiKey = null;
        r.params = ("{\"invoker\":" + invoker + "}").getBytes(StandardCharsets.US_ASCII);
        final String activationId = ActivationId.toString(r.idHi, r.idLo);
        scheduler.waiters().register(activationId, waiter);
        if (!scheduler.tryPublishTo(invoker, r, waiter))
        {
            scheduler.waiters().cancel(activationId, waiter);
            return false;
        }
        return true;
    }
}
