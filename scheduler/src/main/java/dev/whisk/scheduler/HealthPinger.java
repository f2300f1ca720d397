package dev.whisk.scheduler;

import dev.whisk.core.activation.ActivationId;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.storage.EntityStore;

import java.nio.charset.StandardCharsets;

/**
 * Sends the system's health action to one invoker, as namespace {@value #SYSTEM_NAMESPACE}: a real activation
 * through the ring, the journal and Aeron, pinned to that invoker, whose record is kept like any other (so an
 * operator can read why a ping failed). Runs on the thread that reads invoker messages; its request is its own.
 */
public final class HealthPinger implements InvokerHealth.Pinger
{
    /** The namespace of the system catalog, which holds the health action and in whose name pings run. */
    public static final String SYSTEM_NAMESPACE = "whisk.system";
    /**
     * The action the controller pings unhealthy invokers with (OpenWhisk's {@code invokerHealthTestAction}), which
     * the launcher's system catalog installs: it answers which invoker ran it; its success is what proves an invoker
     * can run containers.
     */
    public static final String ACTION = "invokerHealthTest";
    public static final String ACTION_ID = SYSTEM_NAMESPACE + "/" + ACTION;

    private final EntityStore entities;
    private final Scheduler scheduler;
    private final InvokeRequest request = new InvokeRequest();

    public HealthPinger(final EntityStore entities, final Scheduler scheduler)
    {
        this.entities = entities;
        this.scheduler = scheduler;
    }

    @Override
    public boolean ping(final int invoker, final ActivationWaiter waiter)
    {
        if (!(entities.get(ACTION_ID) instanceof WhiskAction action))
        {
            return false;
        }
        final InvokeRequest r = request.newRunOf(action);
        r.flags = InvokeRequest.FLAG_BLOCKING;
        r.namespace = SYSTEM_NAMESPACE;
        r.subject = SYSTEM_NAMESPACE;
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
