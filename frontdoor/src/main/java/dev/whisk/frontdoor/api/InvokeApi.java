package dev.whisk.frontdoor.api;

import dev.whisk.frontdoor.invoke.Bodies;
import dev.whisk.frontdoor.invoke.ExpiringWaiter;
import dev.whisk.frontdoor.invoke.ActionLookup;
import dev.whisk.frontdoor.compose.CompositeRun;
import dev.whisk.frontdoor.event.AlarmFeed;
import dev.whisk.frontdoor.event.NativeFeeds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.activation.ActivationId;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.entity.Param;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.frontdoor.Admission;
import dev.whisk.frontdoor.ApiError;
import dev.whisk.frontdoor.Exchange;
import dev.whisk.frontdoor.FrontDoorConfig;
import dev.whisk.scheduler.ActivationWaiter;
import dev.whisk.scheduler.Scheduler;
import dev.whisk.storage.ActivationStore;
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
    private AlarmFeed alarmFeed;
    private NativeFeeds nativeFeeds;

    private static final String AUTH_KEY = "authKey";
    private static final byte[] AUTH_KEY_BYTES = "\"authKey\"".getBytes(StandardCharsets.UTF_8);
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
    private final Admission admission;
    private final ActionLookup lookup;
    private final ActivationStore activations;
    private final CompositeRun.Services composites;
    private final dev.whisk.core.entity.KeySeal seal;
    private final HttpResponseStatus expiredStatus = BlockingTimeout.platformStatus();

    public InvokeApi(final EntityStore store, final Scheduler scheduler, final FrontDoorConfig config,
        final Admission admission, final ActivationStore activations)
    {
        this(store, scheduler, config, admission, activations, dev.whisk.core.entity.KeySeal.ephemeral());
    }

    /** @param seal seals the keys runs are handed, before they reach the journal. */
    public InvokeApi(final EntityStore store, final Scheduler scheduler, final FrontDoorConfig config,
        final Admission admission, final ActivationStore activations, final dev.whisk.core.entity.KeySeal seal)
    {
        this.seal = seal;
        this.activations = activations;
        this.store = store;
        this.scheduler = scheduler;
        this.config = config;
        this.admission = admission;
        this.lookup = new ActionLookup(store);
        this.composites = new CompositeRun.Services(this, lookup, activations, scheduler, admission);
    }

    /**
     * Invokes the caller's own action, or one in a package shared with it (directly or through a binding); the
     * arguments merge package &lt; binding &lt; action &lt; body.
     */
    public void invoke(final Exchange ex, final Identity identity, final String namespace, final String pkg,
        final String name)
    {
        final WhiskAction action;
        final List<Param> inherited;
        if (pkg == null && namespace.equals(identity.namespace()))
        {
            action = ActionsApi.find(store, namespace, null, name);
            inherited = List.of();
        }
        else
        {
            final ActionLookup.Resolved resolved = lookup.action(identity, namespace, pkg, name);
            action = resolved.action();
            inherited = resolved.inherited();
        }
        final byte[] body = ex.body();
        if (body.length > config.maxInvokeBodyBytes())
        {
            throw new ApiError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                Messages.requestTooLarge(body.length, config.maxInvokeBodyBytes()));
        }
        final boolean blocking = ex.queryFlag("blocking");
        final boolean resultOnly = ex.queryFlag("result");
        final int waitMs = blockingWait(ex.query("timeout"));
        final byte[] params = action.exec().isSequence() ? Bodies.requireObject(body) :
            mergeParams(action, inherited, body);
        if (alarmFeed != null && alarmFeed.handles(action))
        {
            alarmFeed.invoke(ex, identity, action, params, blocking, resultOnly);
            return;
        }
        if (nativeFeeds != null && nativeFeeds.handles(action))
        {
            nativeFeeds.invoke(ex, identity, action, params, blocking, resultOnly);
            return;
        }
        final byte[] withoutKey = CompositeRun.isComposite(action) ? null : withoutOwnAuthKey(identity, params);
        submit(ex, identity, action, inherited, withoutKey != null ? withoutKey : params, blocking, waitMs,
            new InvokeWaiter(ex, scheduler.waiters(), blocking, resultOnly, expiredStatus),
            withoutKey != null ? InvokeRequest.FLAG_AUTH_KEY_PARAM : 0);
    }

    /**
     * {@code params} without the caller's own key when a client (wsk, running a feed's lifecycle itself) sent it as
     * {@code authKey}: the invoker puts the same key back from the request's sealed key, so the journal never holds
     * it in plain text. {@code null} when the params carry no such key (the common case costs one byte scan).
     */
    private static byte[] withoutOwnAuthKey(final Identity identity, final byte[] params)
    {
        if (!Bodies.mentions(params, AUTH_KEY_BYTES))
        {
            return null;
        }
        final com.fasterxml.jackson.databind.node.ObjectNode args = Bodies.object(params);
        final JsonNode key = args.get(AUTH_KEY);
        if (key == null || !key.isTextual() || !key.asText().equals(identity.apiKey()))
        {
            return null;
        }
        args.remove(AUTH_KEY);
        return args.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Admits, then publishes one invoke of {@code action} with the merged {@code params} as {@code identity}, or
     * starts the run of a sequence or conductor composition; a blocking {@code waiter} is registered for the result
     * and told when its {@code waitMs} ran out.
     *
     * @param inherited the parameters {@code action} inherits from its package (a conductor merges them again under
     *                  each of its later inputs).
     */
    public void submit(final Exchange ex, final Identity identity, final WhiskAction action, final List<Param> inherited,
        final byte[] params, final boolean blocking, final int waitMs, final ExpiringWaiter waiter)
    {
        submit(ex, identity, action, inherited, params, blocking, waitMs, waiter, 0);
    }

    private void submit(final Exchange ex, final Identity identity, final WhiskAction action,
        final List<Param> inherited, final byte[] params, final boolean blocking, final int waitMs,
        final ExpiringWaiter waiter, final int extraFlags)
    {
        refuseWhileShortOfSpace();
        if (!action.exec().isSequence() && !scheduler.canPlace(action.exec().kind()))
        {
            // Nothing is accepted, as OpenWhisk's balancer answers when no invoker is healthy.
            throw new ApiError(HttpResponseStatus.SERVICE_UNAVAILABLE, Messages.NO_INVOKER);
        }
        final Admission.Decision decision = admission.tryAdmit(identity.namespace(), identity.limits(),
            System.currentTimeMillis());
        if (decision != Admission.Decision.ADMITTED)
        {
            throw admission.refusal(decision, identity.namespace(), identity.limits());
        }
        if (CompositeRun.isComposite(action))
        {
            final String activationId = ActivationId.random();
            if (blocking)
            {
                scheduler.waiters().register(activationId, waiter);
            }
            // Journals the run's start (and its first step): only then may a non-blocking caller hear its id.
            CompositeRun.startTopmost(composites, identity, action, inherited, activationId, params);
            if (!blocking)
            {
                waiter.onJournaled(activationId);
            }
            else
            {
                waiter.expireWith(ex.executor().schedule(() -> waiter.onWaitExpired(activationId), waitMs,
                TimeUnit.MILLISECONDS));
            }
            return;
        }

        if (!admission.tryHoldPayload(params.length))
        {
            admission.release(identity.namespace());
            throw admission.payloadRefusal(params.length);
        }
        final InvokeRequest r = fill(identity, action, params, blocking, null, extraFlags);
        final String activationId = ActivationId.toString(r.idHi, r.idLo);
        if (blocking)
        {
            scheduler.waiters().register(activationId, waiter);
        }
        // Before publishing: in standalone the run may complete before tryPublish returns.
        admission.trackPayload(activationId, params.length);
        if (!scheduler.tryPublish(r, waiter))
        {
            scheduler.waiters().cancel(activationId, waiter);
            admission.release(identity.namespace());
            admission.forgetPayload(activationId, params.length);
            final String why = scheduler.refusal();
            ex.sendError(HttpResponseStatus.SERVICE_UNAVAILABLE, why != null ? why : Messages.SERVICE_UNAVAILABLE);
            return;
        }
        if (blocking)
        {
            waiter.expireWith(ex.executor().schedule(() -> waiter.onWaitExpired(activationId), waitMs,
                TimeUnit.MILLISECONDS));
        }
    }

    /**
     * Refuses with 503, before anything is accepted, while the stores are short of disk space (one volatile read):
     * a request is never taken that the journal might not be able to write.
     */
    public void refuseWhileShortOfSpace()
    {
        final String why = refusal();
        if (why != null)
        {
            throw new ApiError(HttpResponseStatus.SERVICE_UNAVAILABLE, why);
        }
    }

    /** Why new invokes and fires are refused now (disk space), or {@code null}; also with no scheduler (API tests). */
    public String refusal()
    {
        return scheduler == null ? null : scheduler.refusal();
    }

    /**
     * Publishes one component run of a sequence or composition, caused by {@code cause}, not throttle-checked but
     * counted in flight; {@code waiter} hears its result. False when the ring is full.
     */
    public boolean publishComponent(final Identity identity, final WhiskAction action, final byte[] params,
        final String cause, final ActivationWaiter waiter)
    {
        return publishComponent(identity, action, params, cause, waiter, 0);
    }

    private boolean publishComponent(final Identity identity, final WhiskAction action, final byte[] params,
        final String cause, final ActivationWaiter waiter, final int extraFlags)
    {
        final InvokeRequest r = fill(identity, action, params, true, cause, extraFlags);
        final String activationId = ActivationId.toString(r.idHi, r.idLo);
        scheduler.waiters().register(activationId, waiter);
        admission.countIn(identity.namespace());
        if (!scheduler.tryPublish(r, waiter))
        {
            scheduler.waiters().cancel(activationId, waiter);
            admission.release(identity.namespace());
            return false;
        }
        return true;
    }

    /**
     * Starts a non-blocking run of {@code action} for a rule of a fired trigger, as {@code identity}: its own
     * parameters (after {@code inherited}) below {@code args}; not throttle-checked (the fire was), counted in flight.
     * {@code waiter} hears {@code onJournaled} once the run is accepted for good: for a plain action when its request
     * is in the scheduler's journal; for a sequence or conductor composition once its start is (see
     * {@link CompositeRun}).
     *
     * @return the activation id, or {@code null} when the ring is full (and {@code waiter} is never called).
     * @throws ApiError when the arguments may not override the action's final parameters.
     */
    public String startForRule(final Identity identity, final WhiskAction action, final List<Param> inherited,
        final byte[] args, final ActivationWaiter waiter)
    {
        if (CompositeRun.isComposite(action))
        {
            final String activationId = ActivationId.random();
            admission.countIn(identity.namespace());
            CompositeRun.startTopmost(composites, identity, action, inherited, activationId,
                action.exec().isSequence() ? args : mergeParams(action, inherited, args));
            waiter.onJournaled(activationId);
            return activationId;
        }
        final InvokeRequest r = fill(identity, action, mergeParams(action, inherited, args), false, null);
        admission.countIn(identity.namespace());
        if (!scheduler.tryPublish(r, waiter))
        {
            admission.release(identity.namespace());
            return null;
        }
        return ActivationId.toString(r.idHi, r.idLo);
    }

    /**
     * Runs {@code action} for the platform's own purposes (a trigger's feed lifecycle) as {@code identity}, with its
     * own parameters (after {@code inherited}) below {@code args}, like a blocking invoke that is not throttle-checked
     * but counted in flight. {@code onDone} hears the run's record on a scheduler thread, or at once on this thread
     * for a feed the platform runs itself.
     *
     * @return false when the ring is full: nothing runs and {@code onDone} is never called.
     * @throws ApiError when the arguments may not override the action's final parameters.
     */
    public boolean runForPlatform(final Identity identity, final WhiskAction action, final List<Param> inherited,
        final byte[] args, final java.util.function.Consumer<dev.whisk.core.activation.Activation> onDone)
    {
        final byte[] params = action.exec().isSequence() ? Bodies.requireObject(args) :
            mergeParams(action, inherited, args);
        if (alarmFeed != null && alarmFeed.handles(action))
        {
            onDone.accept(alarmFeed.run(identity, action, params));
            return true;
        }
        if (nativeFeeds != null && nativeFeeds.handles(action))
        {
            nativeFeeds.run(identity, action, params, onDone);
            return true;
        }
        final ActivationWaiter waiter = new ActivationWaiter()
        {
            @Override
            public void onJournaled(final String activationId)
            {
            }

            @Override
            public void onActivation(final dev.whisk.core.activation.Activation activation)
            {
                onDone.accept(activation);
            }
        };
        if (CompositeRun.isComposite(action))
        {
            final String activationId = ActivationId.random();
            scheduler.waiters().register(activationId, waiter);
            admission.countIn(identity.namespace());
            CompositeRun.startTopmost(composites, identity, action, inherited, activationId, params);
            return true;
        }
        // The invoker adds the caller's key as authKey: the journaled params never hold it.
        return publishComponent(identity, action, params, null, waiter, InvokeRequest.FLAG_AUTH_KEY_PARAM);
    }

    /** Lets the platform run the {@code /whisk.system/alarms} feeds itself. */
    public void runAlarmFeedsWith(final AlarmFeed feed)
    {
        this.alarmFeed = feed;
    }

    /** Lets the platform run the event-source feeds ({@link NativeFeed}s) itself. */
    public void runNativeFeedsWith(final NativeFeeds feeds)
    {
        this.nativeFeeds = feeds;
    }

    /** Each invoker's state for operators ({@code invoker0 -> up}); empty without a scheduler. */
    public java.util.Map<String, String> invokerStates()
    {
        return scheduler == null ? java.util.Map.of() : scheduler.invokerStates();
    }

    /** The seal of the keys and secrets this API stores or journals. */
    public dev.whisk.core.entity.KeySeal seal()
    {
        return seal;
    }

    public ActionLookup lookup()
    {
        return lookup;
    }

    private InvokeRequest fill(final Identity identity, final WhiskAction action, final byte[] params,
        final boolean blocking, final String cause)
    {
        return fill(identity, action, params, blocking, cause, 0);
    }

    /** The calling thread's reusable request, filled for one run of {@code action}; the key it carries is sealed. */
    private InvokeRequest fill(final Identity identity, final WhiskAction action, final byte[] params,
        final boolean blocking, final String cause, final int extraFlags)
    {
        final InvokeRequest r = REQUEST.get().newRunOf(action);
        final boolean provideKey = Param.isTrue(action.annotations(), "provide-api-key");
        r.flags = (blocking ? InvokeRequest.FLAG_BLOCKING : 0) | (provideKey ? InvokeRequest.FLAG_PROVIDE_API_KEY : 0) |
            extraFlags;
        r.namespace = identity.namespace();
        r.subject = identity.subject();
        r.cause = cause;
        r.apiKey = provideKey || (extraFlags & InvokeRequest.FLAG_AUTH_KEY_PARAM) != 0 ?
            seal.seal(identity.apiKey()) : null;
        r.params = params;
        return r;
    }

    public int maxInvokeBodyBytes()
    {
        return config.maxInvokeBodyBytes();
    }

    public int maxBlockingWaitMs()
    {
        return config.maxBlockingWaitMs();
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
    public static byte[] mergeParams(final WhiskAction action, final List<Param> inherited, final byte[] body)
    {
        return merge(action, inherited, body, Param.isTrue(action.annotations(), "final"));
    }

    /**
     * The arguments of a run the platform starts itself inside a sequence or composition: the action's own
     * parameters under {@code input}, which may override them even when {@code final} (as OpenWhisk merges them).
     */
    public static byte[] mergeDefaults(final WhiskAction action, final List<Param> inherited, final byte[] input)
    {
        return merge(action, inherited, input, false);
    }

    private static byte[] merge(final WhiskAction action, final List<Param> inherited, final byte[] body,
        final boolean isFinal)
    {
        final List<Param> defaults = PutFields.merge(inherited, action.parameters());
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
