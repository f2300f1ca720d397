package dev.whisk.frontdoor.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationId;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.KeySeal;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.entity.Param;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.frontdoor.invoke.Admission;
import dev.whisk.scheduler.ActivationWaiter;
import dev.whisk.scheduler.Waiters;
import io.netty.util.concurrent.FastThreadLocal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The invocation service: every run the platform starts goes through here, whoever asks for it. It resolves the
 * action with the caller's rights, merges the parameters ({@link Arguments}), admits the run against the namespace's
 * limits, and hands the request to the scheduler through a {@link DispatchPort}; a blocking caller is registered to
 * hear the record and starts its wait, a non-blocking one hears the id once the request is journaled. It takes no
 * HTTP exchange: callers are {@link ActivationWaiter}s, and refusals are {@link Refusal}s that the REST layer maps to
 * a status.
 *
 * <p>Callers: the REST invoke and web actions ({@link #invoke}, {@link #submit}), compositions for their steps
 * ({@link #publishComponent}), trigger fires for their rules ({@link #startForRule}) and the feed lifecycle
 * ({@link #runForPlatform}).
 *
 * <p>Threads: called on the event loop that read the request (or, for a composition's next step, on the thread that
 * delivered the previous record); nothing here hands work to another thread. The request published is the calling
 * thread's own, reused: a warm blocking invoke allocates what the REST invoke did before this service was split
 * out of it (the caller's waiter, the id, the wait timer and its task), nothing more.
 */
public final class Invocations
{
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

    private final ActionLookup lookup;
    private final DispatchPort dispatch;
    private final Waiters waiters;
    private final Admission admission;
    private final KeySeal seal;
    private final int maxBodyBytes;
    private final int maxWaitMs;
    private final PlatformFeeds feeds;
    private final Compositions compositions;

    /**
     * @param feeds        the feeds the platform runs itself, or {@code null} for none.
     * @param compositions makes the composition runner over this service (it publishes its steps through it).
     */
    public Invocations(final ActionLookup lookup, final DispatchPort dispatch, final Admission admission,
        final KeySeal seal, final int maxBodyBytes, final int maxWaitMs, final PlatformFeeds feeds,
        final Function<Invocations, Compositions> compositions)
    {
        this.lookup = lookup;
        this.dispatch = dispatch;
        this.waiters = dispatch.waiters();
        this.admission = admission;
        this.seal = seal;
        this.maxBodyBytes = maxBodyBytes;
        this.maxWaitMs = maxWaitMs;
        this.feeds = feeds;
        this.compositions = compositions.apply(this);
    }

    /**
     * A caller's invoke of {@code namespace/[pkg/]name} as {@code identity}: its own action, or one in a package
     * shared with it (directly or through a binding); the arguments merge package &lt; binding &lt; action &lt;
     * {@code body}. A blocking caller waits up to {@code timeout} ms (text as the caller sent it; {@code null}: the
     * longest wait) and hears the record or {@link ExpiringWaiter#onWaitExpired}; a non-blocking one hears the id
     * once the request is journaled.
     *
     * @throws Refusal when the action cannot be run by this caller, the request is malformed or too large, or the
     *                 namespace or the platform cannot take it now.
     */
    public void invoke(final Identity identity, final String namespace, final String pkg, final String name,
        final byte[] body, final boolean blocking, final String timeout, final ExpiringWaiter caller)
    {
        final WhiskAction action;
        final List<Param> inherited;
        if (pkg == null && namespace.equals(identity.namespace()))
        {
            action = ActionLookup.find(lookup.store(), namespace, null, name);
            inherited = List.of();
        }
        else
        {
            final ActionLookup.Resolved resolved = lookup.action(identity, namespace, pkg, name);
            action = resolved.action();
            inherited = resolved.inherited();
        }
        if (body.length > maxBodyBytes)
        {
            throw new Refusal(Refusal.Kind.TOO_LARGE, Messages.requestTooLarge(body.length, maxBodyBytes));
        }
        final int waitMs = blockingWait(timeout);
        final byte[] params = action.exec().isSequence() ? Bodies.requireObject(body) :
            Arguments.forCaller(action, inherited, body);
        if (feeds != null && feeds.handles(action))
        {
            feeds.run(identity, action, params, a ->
            {
                if (blocking)
                {
                    caller.onActivation(a);
                }
                else
                {
                    caller.onJournaled(a.activationId());
                }
            });
            return;
        }
        final byte[] withoutKey = compositions.isComposite(action) ? null : withoutOwnAuthKey(identity, params);
        submit(identity, action, inherited, withoutKey != null ? withoutKey : params, blocking, waitMs, caller,
            withoutKey != null ? InvokeRequest.FLAG_AUTH_KEY_PARAM : 0);
    }

    /**
     * Admits, then publishes one run of {@code action} with the merged {@code params} as {@code identity}, or starts
     * the run of a sequence or conductor composition; a blocking {@code caller} is registered for the record and
     * starts its wait of {@code waitMs}.
     *
     * @param inherited the parameters {@code action} inherits from its package (a conductor merges them again under
     *                  each of its later inputs).
     * @throws Refusal UNAVAILABLE (no disk space, no invoker, a full ring, payloads over budget) or THROTTLED.
     */
    public void submit(final Identity identity, final WhiskAction action, final List<Param> inherited,
        final byte[] params, final boolean blocking, final int waitMs, final ExpiringWaiter caller)
    {
        submit(identity, action, inherited, params, blocking, waitMs, caller, 0);
    }

    private void submit(final Identity identity, final WhiskAction action, final List<Param> inherited,
        final byte[] params, final boolean blocking, final int waitMs, final ExpiringWaiter caller,
        final int extraFlags)
    {
        refuseWhileShortOfSpace();
        if (!action.exec().isSequence() && !dispatch.canPlace(action.exec().kind()))
        {
            // Nothing is accepted, as OpenWhisk's balancer answers when no invoker is healthy.
            throw new Refusal(Refusal.Kind.UNAVAILABLE, Messages.NO_INVOKER);
        }
        final Admission.Decision decision = admission.tryAdmit(identity.namespace(), identity.limits(),
            System.currentTimeMillis());
        if (decision != Admission.Decision.ADMITTED)
        {
            throw admission.refusal(decision, identity.namespace(), identity.limits());
        }
        if (compositions.isComposite(action))
        {
            final String activationId = ActivationId.random();
            if (blocking)
            {
                waiters.register(activationId, caller);
            }
            // Journals the run's start (and its first step): only then may a non-blocking caller hear its id.
            compositions.start(identity, action, inherited, activationId, params);
            if (!blocking)
            {
                caller.onJournaled(activationId);
            }
            else
            {
                caller.startWait(activationId, waitMs);
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
            waiters.register(activationId, caller);
        }
        // Before publishing: in standalone the run may complete before tryPublish returns.
        admission.trackPayload(activationId, params.length);
        if (!dispatch.tryPublish(r, caller))
        {
            waiters.cancel(activationId, caller);
            admission.release(identity.namespace());
            admission.forgetPayload(activationId, params.length);
            final String why = dispatch.refusal();
            throw new Refusal(Refusal.Kind.UNAVAILABLE, why != null ? why : Messages.SERVICE_UNAVAILABLE);
        }
        if (blocking)
        {
            caller.startWait(activationId, waitMs);
        }
    }

    /**
     * Refuses, before anything is accepted, while the stores are short of disk space (one volatile read): a request
     * is never taken that the journal might not be able to write.
     *
     * @throws Refusal UNAVAILABLE with the reason.
     */
    public void refuseWhileShortOfSpace()
    {
        final String why = dispatch.refusal();
        if (why != null)
        {
            throw new Refusal(Refusal.Kind.UNAVAILABLE, why);
        }
    }

    /** Why new invokes and fires are refused now (disk space), or {@code null}. */
    public String refusal()
    {
        return dispatch.refusal();
    }

    /**
     * Publishes one step of a sequence or composition, caused by {@code cause}, not throttle-checked but counted in
     * flight; {@code waiter} hears its record.
     *
     * @return false when the ring is full (nothing published, nothing counted).
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
        waiters.register(activationId, waiter);
        admission.countIn(identity.namespace());
        if (!dispatch.tryPublish(r, waiter))
        {
            waiters.cancel(activationId, waiter);
            admission.release(identity.namespace());
            return false;
        }
        return true;
    }

    /**
     * Starts a non-blocking run of {@code action} for a rule of a fired trigger, as {@code identity}: its own
     * parameters (after {@code inherited}) below {@code args}; not throttle-checked (the fire was), counted in flight.
     * {@code waiter} hears {@code onJournaled} once the run is accepted for good: for a plain action when its request
     * is in the scheduler's journal; for a sequence or conductor composition once its start is.
     *
     * @return the activation id, or {@code null} when the ring is full (and {@code waiter} is never called).
     * @throws Refusal BAD_REQUEST when the arguments may not override the action's final parameters.
     */
    public String startForRule(final Identity identity, final WhiskAction action, final List<Param> inherited,
        final byte[] args, final ActivationWaiter waiter)
    {
        if (compositions.isComposite(action))
        {
            final String activationId = ActivationId.random();
            admission.countIn(identity.namespace());
            compositions.start(identity, action, inherited, activationId,
                action.exec().isSequence() ? args : Arguments.forCaller(action, inherited, args));
            waiter.onJournaled(activationId);
            return activationId;
        }
        final InvokeRequest r = fill(identity, action, Arguments.forCaller(action, inherited, args), false, null,
            0);
        admission.countIn(identity.namespace());
        if (!dispatch.tryPublish(r, waiter))
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
     * @throws Refusal BAD_REQUEST when the arguments may not override the action's final parameters.
     */
    public boolean runForPlatform(final Identity identity, final WhiskAction action, final List<Param> inherited,
        final byte[] args, final Consumer<Activation> onDone)
    {
        final byte[] params = action.exec().isSequence() ? Bodies.requireObject(args) :
            Arguments.forCaller(action, inherited, args);
        if (feeds != null && feeds.handles(action))
        {
            feeds.run(identity, action, params, onDone);
            return true;
        }
        final ActivationWaiter waiter = new ActivationWaiter()
        {
            @Override
            public void onJournaled(final String activationId)
            {
            }

            @Override
            public void onActivation(final Activation activation)
            {
                onDone.accept(activation);
            }
        };
        if (compositions.isComposite(action))
        {
            final String activationId = ActivationId.random();
            waiters.register(activationId, waiter);
            admission.countIn(identity.namespace());
            compositions.start(identity, action, inherited, activationId, params);
            return true;
        }
        // The invoker adds the caller's key as authKey: the journaled params never hold it.
        return publishComponent(identity, action, params, null, waiter, InvokeRequest.FLAG_AUTH_KEY_PARAM);
    }

    /** Each invoker's state for operators ({@code invoker0 -> up}); empty without a scheduler. */
    public Map<String, String> invokerStates()
    {
        return dispatch.invokerStates();
    }

    /** The seal of the keys this service journals. */
    public KeySeal seal()
    {
        return seal;
    }

    public ActionLookup lookup()
    {
        return lookup;
    }

    public Admission admission()
    {
        return admission;
    }

    public DispatchPort dispatch()
    {
        return dispatch;
    }

    public Waiters waiters()
    {
        return waiters;
    }

    /** The largest invoke or fire body, in bytes. */
    public int maxBodyBytes()
    {
        return maxBodyBytes;
    }

    /** The longest a blocking caller waits, in ms. */
    public int maxWaitMs()
    {
        return maxWaitMs;
    }

    /**
     * The wait a blocking caller asked for ({@code null}: the longest), 1 to 60000 ms, capped at the platform's.
     *
     * @throws Refusal BAD_REQUEST when it is not a number in that range.
     */
    public int blockingWait(final String timeout)
    {
        if (timeout == null)
        {
            return maxWaitMs;
        }
        try
        {
            final int ms = Integer.parseInt(timeout);
            if (ms >= 1 && ms <= 60_000)
            {
                return Math.min(ms, maxWaitMs);
            }
        }
        catch (final NumberFormatException ex)
        {
            // falls through to the refusal below
        }
        throw Refusal.badRequest(Messages.BLOCKING_TIMEOUT_RANGE);
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
        final ObjectNode args = Bodies.object(params);
        final JsonNode key = args.get(AUTH_KEY);
        if (key == null || !key.isTextual() || !key.asText().equals(identity.apiKey()))
        {
            return null;
        }
        args.remove(AUTH_KEY);
        return args.toString().getBytes(StandardCharsets.UTF_8);
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
}
