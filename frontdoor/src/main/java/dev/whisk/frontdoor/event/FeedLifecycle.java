package dev.whisk.frontdoor.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.FullyQualifiedName;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.entity.Param;
import dev.whisk.core.entity.WhiskTrigger;
import dev.whisk.core.json.Json;
import dev.whisk.frontdoor.invoke.ActionLookup;
import dev.whisk.frontdoor.invoke.Arguments;
import dev.whisk.frontdoor.invoke.Invocations;
import dev.whisk.frontdoor.invoke.Refusal;
import dev.whisk.storage.EntityStore;
import dev.whisk.storage.WriteResult;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * A trigger's feed lifecycle run by the platform instead of the client. OpenWhisk leaves it to the client (wsk PUTs
 * the trigger with a {@code feed} annotation, then invokes the feed itself with {@code lifecycleEvent} CREATE, and
 * DELETE before deleting the trigger); this does the same on the server for a PUT that carries
 * {@code feedParameters}, a field wsk never sends, so wsk-style clients keep their own lifecycle calls exactly.
 *
 * <p>The feed action runs blocking (through the invocation service) as the trigger's owner with
 * {@code {lifecycleEvent, triggerName: "/ns/T", authKey: "uuid:key", ...feedParameters}}, the arguments wsk passes
 * (the invoker adds {@code authKey}), so feed actions written for OpenWhisk work unchanged. CREATE runs after the
 * trigger is stored (an OpenWhisk feed may call back and read the trigger) and a failed CREATE deletes it again;
 * UPDATE runs before the new trigger is stored, so a failed UPDATE changes nothing; DELETE runs before the trigger
 * is deleted, and a failed DELETE is reported in the outcome but does not keep the trigger. What became of it is
 * told to an {@link Outcome}, which the REST layer answers.
 *
 * <p>Called on an event loop; store completions and feed results come back on other threads and are handed to the
 * caller's {@code loop} before the next step, so every {@link Outcome} call runs there (but for a store that failed
 * before the feed ran, which reports on the store's thread, and the delete after a failed CREATE).
 */
public final class FeedLifecycle
{
    /** The PUT body field that asks the platform to run the feed lifecycle: the feed action's parameters. */
    public static final String FEED_PARAMETERS = "feedParameters";
    private static final String FEED_ANNOTATION = "feed";
    private static final String AUTH_KEY = "authKey";

    /** The lifecycle events the platform runs. */
    public enum Event
    {
        CREATE, UPDATE, DELETE
    }

    /** What became of one lifecycle step; exactly one method is called, once. */
    public interface Outcome
    {
        /**
         * The trigger's write ended (stored, or deleted) with {@code result} or {@code failure}; on success the
         * answer is the trigger {@code t} with the feed's run ({@code null} when it did not run) and the feed's
         * error ({@code null} when none).
         *
         * @param conflictMessage what a {@link WriteResult#CONFLICT} means for this write.
         */
        void written(WriteResult result, Throwable failure, String conflictMessage, WhiskTrigger t,
            Activation feedRun, String feedError);

        /** The feed's CREATE or UPDATE failed with {@code run}: nothing is kept. */
        void feedFailed(Event event, String feedDocId, Activation run);

        /** The feed could not be started (the ring was full): nothing changed but what {@code written} says. */
        void unavailable();

        /** The feed's arguments were refused (its final parameters). */
        void refused(Refusal refusal);
    }

    private final EntityStore store;
    private final Invocations invocations;

    public FeedLifecycle(final EntityStore store, final Invocations invocations)
    {
        this.store = store;
        this.invocations = invocations;
    }

    /**
     * The feed action named by {@code t}'s {@code feed} annotation.
     *
     * @throws Refusal BAD_REQUEST when it has none; NOT_FOUND when it does not exist; FORBIDDEN when not the caller's.
     */
    public ActionLookup.Resolved feedOf(final Identity identity, final WhiskTrigger t)
    {
        final JsonNode feed = Param.find(t.annotations(), FEED_ANNOTATION);
        if (feed == null || !feed.isTextual() || feed.asText().isEmpty())
        {
            throw Refusal.badRequest("'" + FEED_PARAMETERS + "' needs a 'feed' annotation naming the feed action");
        }
        final FullyQualifiedName n = FullyQualifiedName.parse(feed.asText(), identity.namespace());
        try
        {
            return invocations.lookup().action(identity, n.namespace(), n.pkg(), n.name());
        }
        catch (final Refusal unknown)
        {
            if (unknown.kind() != Refusal.Kind.NOT_FOUND)
            {
                throw unknown;
            }
            throw new Refusal(Refusal.Kind.NOT_FOUND, "feed action '" + feed.asText() + "' does not exist");
        }
    }

    /** Stores the new trigger {@code t}, then runs CREATE; a failed CREATE deletes the trigger again. */
    public void create(final Executor loop, final Identity identity, final WhiskTrigger t,
        final List<Param> feedParameters, final Outcome outcome)
    {
        final ActionLookup.Resolved feed = feedOf(identity, t);
        final byte[] args = args(Event.CREATE, t, feedParameters);
        if (!feed.action().exec().isSequence())
        {
            // refuses, before anything is stored, arguments the feed's final parameters do not allow
            Arguments.forCaller(feed.action(), feed.inherited(), args);
        }
        store.put(t, null).whenComplete((result, failure) -> loop.execute(() ->
        {
            if (failure != null || result != WriteResult.OK)
            {
                outcome.written(result, failure, Messages.ENTITY_EXISTS, t, null, null);
                return;
            }
            run(loop, identity, feed, args, a ->
            {
                if (a.status() == ActivationStatus.SUCCESS)
                {
                    outcome.written(WriteResult.OK, null, Messages.ENTITY_EXISTS, t, a, null);
                    return;
                }
                store.delete(t.docId(), t).whenComplete((deleted, ignored) ->
                    outcome.feedFailed(Event.CREATE, feed.action().docId(), a));
            }, () -> store.delete(t.docId(), t).whenComplete((deleted, ignored) -> outcome.unavailable()),
                outcome);
        }));
    }

    /** Runs UPDATE with the new parameters, then stores {@code t} over {@code existing}; a failure stores nothing. */
    public void update(final Executor loop, final Identity identity, final WhiskTrigger t,
        final WhiskTrigger existing, final List<Param> feedParameters, final Outcome outcome)
    {
        final JsonNode before = Param.find(existing.annotations(), FEED_ANNOTATION);
        final JsonNode after = Param.find(t.annotations(), FEED_ANNOTATION);
        if (before != null && !before.equals(after))
        {
            throw Refusal.badRequest(
                "the feed of a trigger cannot be changed; delete the trigger and create it again");
        }
        final ActionLookup.Resolved feed = feedOf(identity, t);
        run(loop, identity, feed, args(Event.UPDATE, t, feedParameters), a ->
        {
            if (a.status() != ActivationStatus.SUCCESS)
            {
                outcome.feedFailed(Event.UPDATE, feed.action().docId(), a);
                return;
            }
            store.put(t, existing).whenComplete((result, failure) ->
                outcome.written(result, failure, Messages.CONCURRENT_MODIFICATION, t, a, null));
        }, outcome::unavailable, outcome);
    }

    /**
     * Runs DELETE, then deletes {@code t} whatever the feed answered; a failure of the feed (or a feed action that
     * no longer exists) is reported as the feed's error. A full ring is {@link Outcome#unavailable} and keeps the
     * trigger, since the feed never heard of the delete.
     */
    public void delete(final Executor loop, final Identity identity, final WhiskTrigger t, final Outcome outcome)
    {
        final ActionLookup.Resolved feed;
        try
        {
            feed = feedOf(identity, t);
        }
        catch (final Refusal | IllegalArgumentException gone)
        {
            deleteTrigger(t, null, "feed action not run: " + gone.getMessage(), outcome);
            return;
        }
        run(loop, identity, feed, args(Event.DELETE, t, List.of()),
            a -> deleteTrigger(t, a, a.status() == ActivationStatus.SUCCESS ? null : errorOf(a), outcome),
            outcome::unavailable, outcome);
    }

    /**
     * Runs the feed; {@code onDone} hears its record on {@code loop}, {@code onRingFull} runs when it could not
     * start. Arguments the feed's final parameters refuse are {@link Outcome#refused}.
     */
    private void run(final Executor loop, final Identity identity, final ActionLookup.Resolved feed,
        final byte[] args, final Consumer<Activation> onDone, final Runnable onRingFull, final Outcome outcome)
    {
        final boolean started;
        try
        {
            started = invocations.runForPlatform(identity, feed.action(), feed.inherited(), args,
                a -> loop.execute(() -> onDone.accept(a)));
        }
        catch (final Refusal refused)
        {
            outcome.refused(refused);
            return;
        }
        if (!started)
        {
            onRingFull.run();
        }
    }

    private void deleteTrigger(final WhiskTrigger t, final Activation feedRun, final String feedError,
        final Outcome outcome)
    {
        store.delete(t.docId(), t).whenComplete((result, failure) ->
            outcome.written(result, failure, Messages.CONCURRENT_MODIFICATION, t, feedRun, feedError));
    }

    /**
     * {@code {lifecycleEvent, triggerName}} over the feed's parameters. The {@code authKey} wsk also passes is added
     * by the invoker from the request's sealed key ({@code FLAG_AUTH_KEY_PARAM}), so the journal never holds it.
     */
    private static byte[] args(final Event event, final WhiskTrigger t, final List<Param> feedParameters)
    {
        final ObjectNode args = Json.MAPPER.createObjectNode();
        for (final Param p : feedParameters)
        {
            // An authKey among the parameters is never journaled: the invoker sets the owner's own key in its place.
            if (!AUTH_KEY.equals(p.key()))
            {
                args.set(p.key(), p.value());
            }
        }
        args.put("lifecycleEvent", event.name());
        args.put("triggerName", "/" + t.namespace() + "/" + t.name());
        return args.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The result of {@code a} as JSON: an object, or its text when it is not JSON. */
    public static JsonNode resultOf(final Activation a)
    {
        try
        {
            return a.result() == null ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(a.result());
        }
        catch (final java.io.IOException notJson)
        {
            return Json.MAPPER.getNodeFactory().textNode(new String(a.result(), StandardCharsets.UTF_8));
        }
    }

    /**
     * The feed's error text: a Node.js feed that rejects with {@code {error: "why"}}, as OpenWhisk's do, has the
     * result {@code {"error": {"error": "why"}}}, so nested {@code error} fields are unwrapped down to the text.
     */
    public static String errorOf(final Activation a)
    {
        JsonNode error = resultOf(a).get("error");
        if (error == null)
        {
            return a.status().toString();
        }
        while (error.isObject() && error.size() == 1 && error.has("error"))
        {
            error = error.get("error");
        }
        return error.isTextual() ? error.asText() : error.toString();
    }
}
