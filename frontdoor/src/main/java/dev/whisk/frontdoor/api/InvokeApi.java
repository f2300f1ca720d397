package dev.whisk.frontdoor.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.activation.ActivationId;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.entity.Param;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.frontdoor.ApiError;
import dev.whisk.frontdoor.Exchange;
import dev.whisk.frontdoor.FrontDoorConfig;
import dev.whisk.scheduler.Scheduler;
import dev.whisk.storage.EntityStore;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.FastThreadLocal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST .../actions/[pkg/]name}: resolves the action, merges its parameters under the request's, and
 * publishes the request into the scheduler's ring. A non-blocking caller hears 202 once the request is journaled; a
 * blocking one waits for the result up to its timeout, then hears 202 with the activation id.
 */
public final class InvokeApi
{
    private static final FastThreadLocal<InvokeRequest> REQUEST = new FastThreadLocal<>()
    {
        @Override
        protected InvokeRequest initialValue()
        {
            return new InvokeRequest();
        }
    };

    private final EntityStore store;
    private final Scheduler scheduler;
    private final FrontDoorConfig config;

    public InvokeApi(final EntityStore store, final Scheduler scheduler, final FrontDoorConfig config)
    {
        this.store = store;
        this.scheduler = scheduler;
        this.config = config;
    }

    public void invoke(final Exchange ex, final Identity identity, final String namespace, final String pkg,
        final String name)
    {
        final WhiskAction action = ActionsApi.find(store, namespace, pkg, name);
        final byte[] body = ex.body();
        if (body.length > config.maxInvokeBodyBytes())
        {
            throw new ApiError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                Messages.requestTooLarge(body.length, config.maxInvokeBodyBytes()));
        }
        final boolean blocking = ex.queryFlag("blocking");
        final boolean resultOnly = ex.queryFlag("result");
        final int waitMs = blockingWait(ex.query("timeout"));
        final byte[] params = mergeParams(action, body);

        final InvokeRequest r = REQUEST.get();
        r.idHi = ActivationId.randomHalf();
        r.idLo = ActivationId.randomHalf();
        r.acceptedMs = System.currentTimeMillis();
        r.revision = action.updated();
        r.timeoutMs = action.limits().timeout();
        r.memoryMb = action.limits().memory();
        r.logsMb = action.limits().logs();
        r.concurrency = action.limits().concurrency();
        final boolean provideKey = Param.isTrue(action.annotations(), "provide-api-key");
        r.flags = (blocking ? InvokeRequest.FLAG_BLOCKING : 0) | (provideKey ? InvokeRequest.FLAG_PROVIDE_API_KEY : 0);
        r.namespace = identity.namespace();
        r.subject = identity.subject();
        r.actionPath = action.docId();
        r.actionVersion = action.version();
        r.kind = action.exec().kind();
        r.cause = null;
        r.apiKey = provideKey ? identity.apiKey() : null;
        r.params = params;

        final String activationId = ActivationId.toString(r.idHi, r.idLo);
        final InvokeWaiter waiter = new InvokeWaiter(ex, scheduler.waiters(), blocking, resultOnly);
        if (blocking)
        {
            scheduler.waiters().register(activationId, waiter);
        }
        if (!scheduler.tryPublish(r, waiter))
        {
            scheduler.waiters().cancel(activationId, waiter);
            ex.sendError(HttpResponseStatus.SERVICE_UNAVAILABLE, Messages.SERVICE_UNAVAILABLE);
            return;
        }
        if (blocking)
        {
            ex.executor().schedule(() -> waiter.onWaitExpired(activationId), waitMs, TimeUnit.MILLISECONDS);
        }
    }

    private int blockingWait(final String timeout)
    {
        if (timeout == null)
        {
            return config.maxBlockingWaitMs();
        }
        try
        {
            final int ms = Integer.parseInt(timeout);
            if (ms >= 1 && ms <= 60_000)
            {
                return Math.min(ms, config.maxBlockingWaitMs());
            }
        }
        catch (final NumberFormatException ex)
        {
            // falls through to the 400 below
        }
        throw ApiError.badRequest(Messages.BLOCKING_TIMEOUT_RANGE);
    }

    /**
     * The arguments: the action's own (non-init) parameters under the request body. With no action parameters the
     * body goes through untouched after a streaming check that it is one JSON object.
     */
    static byte[] mergeParams(final WhiskAction action, final byte[] body)
    {
        final List<Param> defaults = action.parameters();
        boolean anyArgs = false;
        for (final Param p : defaults)
        {
            anyArgs |= !p.init();
        }
        if (!anyArgs)
        {
            return Bodies.requireObject(body);
        }
        final ObjectNode request = Bodies.object(body);
        final boolean isFinal = Param.isTrue(action.annotations(), "final");
        final ObjectNode merged = dev.whisk.core.json.Json.MAPPER.createObjectNode();
        for (final Param p : defaults)
        {
            if (p.init())
            {
                continue;
            }
            if (isFinal && request.has(p.key()) && p.value() != null && !p.value().isNull())
            {
                throw ApiError.badRequest(Messages.PARAMS_NOT_ALLOWED);
            }
            merged.set(p.key(), p.value());
        }
        final java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it = request.fields();
        while (it.hasNext())
        {
            final java.util.Map.Entry<String, JsonNode> e = it.next();
            merged.set(e.getKey(), e.getValue());
        }
        return merged.toString().getBytes(StandardCharsets.UTF_8);
    }
}
