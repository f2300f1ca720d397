package dev.whisk.frontdoor.api;

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
import dev.whisk.frontdoor.ApiError;
import dev.whisk.frontdoor.Exchange;
import dev.whisk.frontdoor.invoke.ActionLookup;
import dev.whisk.frontdoor.invoke.Arguments;
import dev.whisk.frontdoor.invoke.Invocations;
import dev.whisk.frontdoor.invoke.Refusal;
import dev.whisk.storage.EntityStore;
import dev.whisk.storage.WriteResult;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * A trigger's feed lifecycle run by the platform instead of the client. OpenWhisk leaves it to the client (wsk PUTs
 * the trigger with a {@code feed} annotation, then invokes the feed itself with {@code lifecycleEvent} CREATE, and
 * DELETE before deleting the trigger); this does the same on the server for a PUT that carries
 * {@code feedParameters}, a field wsk never sends, so wsk-style clients keep their own lifecycle calls exactly.
 *
 * <p>The feed action runs blocking as the trigger's owner with {@code {lifecycleEvent, triggerName: "/ns/T",
 * authKey: "uuid:key", ...feedParameters}}, the arguments wsk passes (the invoker adds {@code authKey}), so feed
 * actions written for OpenWhisk work unchanged. CREATE runs after the trigger is stored (an OpenWhisk feed may
 * call back and read the trigger) and a failed CREATE deletes it again; UPDATE runs before the new trigger is
 * stored, so a failed UPDATE changes nothing; DELETE runs before the trigger is deleted, and a failed DELETE is
 * reported in the answer but does not keep the trigger. A failed CREATE or UPDATE answers with the status a
 * blocking invoke of the feed would have (502 for an application or developer error, 500 for a whisk error), the
 * feed activation's id and its result.
 *
 * <p>Called on event loops; store completions and feed results come back on other threads and are handed to the
 * exchange's event loop before the next step.
 */
final class FeedLifecycle
{
    /** The PUT body field that asks the platform to run the feed lifecycle: the feed action's parameters. */
    static final String FEED_PARAMETERS = "feedParameters";
    private static final String FEED_ANNOTATION = "feed";
    private static final String AUTH_KEY = "authKey";

    enum Event
    {
        CREATE, UPDATE, DELETE
    }

    private final EntityStore store;
    private final Invocations invoke;

    FeedLifecycle(final EntityStore store, final Invocations invoke)
    {
        this.store = store;
        this.invoke = invoke;
    }

    /** The feed action named by {@code t}'s {@code feed} annotation, or 400 when it has none. */
    ActionLookup.Resolved feedOf(final Identity identity, final WhiskTrigger t)
    {
        final JsonNode feed = Param.find(t.annotations(), FEED_ANNOTATION);
        if (feed == null || !feed.isTextual() || feed.asText().isEmpty())
        {
            throw ApiError.badRequest("'" + FEED_PARAMETERS + "' needs a 'feed' annotation naming the feed action");
        }
        final FullyQualifiedName n = FullyQualifiedName.parse(feed.asText(), identity.namespace());
        try
        {
            return invoke.lookup().action(identity, n.namespace(), n.pkg(), n.name());
        }
        catch (final Refusal unknown)
        {
            if (unknown.kind() != Refusal.Kind.NOT_FOUND)
            {
                throw unknown;
            }
            throw new ApiError(HttpResponseStatus.NOT_FOUND, "feed action '" + feed.asText() + "' does not exist");
        }
    }

    /** Stores the new trigger {@code t}, then runs CREATE; a failed CREATE deletes the trigger again. */
    void create(final Exchange ex, final Identity identity, final WhiskTrigger t, final List<Param> feedParameters)
    {
        final ActionLookup.Resolved feed = feedOf(identity, t);
        final byte[] args = args(Event.CREATE, identity, t, feedParameters);
        if (!feed.action().exec().isSequence())
        {
            // refuses, before anything is stored, arguments the feed's final parameters do not allow
            Arguments.forCaller(feed.action(), feed.inherited(), args);
        }
        store.put(t, null).whenComplete((result, failure) -> ex.executor().execute(() ->
        {
            if (failure != null || result != WriteResult.OK)
            {
                Writes.answer(ex, result, failure, Messages.ENTITY_EXISTS, null);
                return;
            }
            run(ex, identity, feed, args, a ->
            {
                if (a.status() == ActivationStatus.SUCCESS)
                {
                    ex.sendJson(HttpResponseStatus.OK, withFeedOutcome(t, a, null));
                    return;
                }
                store.delete(t.docId(), t).whenComplete((deleted, ignored) ->
                    answerFailed(ex, Event.CREATE, feed, a));
            }, () -> store.delete(t.docId(), t).whenComplete((deleted, ignored) ->
                ex.sendError(HttpResponseStatus.SERVICE_UNAVAILABLE, Messages.SERVICE_UNAVAILABLE)));
        }));
    }

    /** Runs UPDATE with the new parameters, then stores {@code t} over {@code existing}; a failure stores nothing. */
    void update(final Exchange ex, final Identity identity, final WhiskTrigger t, final WhiskTrigger existing,
        final List<Param> feedParameters)
    {
        final JsonNode before = Param.find(existing.annotations(), FEED_ANNOTATION);
        final JsonNode after = Param.find(t.annotations(), FEED_ANNOTATION);
        if (before != null && !before.equals(after))
        {
            throw ApiError.badRequest(
                "the feed of a trigger cannot be changed; delete the trigger and create it again");
        }
        final ActionLookup.Resolved feed = feedOf(identity, t);
        run(ex, identity, feed, args(Event.UPDATE, identity, t, feedParameters), a ->
        {
            if (a.status() != ActivationStatus.SUCCESS)
            {
                answerFailed(ex, Event.UPDATE, feed, a);
                return;
            }
            store.put(t, existing).whenComplete((result, failure) ->
                Writes.answer(ex, result, failure, Messages.CONCURRENT_MODIFICATION, withFeedOutcome(t, a, null)));
        }, () -> ex.sendError(HttpResponseStatus.SERVICE_UNAVAILABLE, Messages.SERVICE_UNAVAILABLE));
    }

    /**
     * Runs DELETE, then deletes {@code t} whatever the feed answered; a failure of the feed (or a feed action that
     * no longer exists) is reported in the answer's {@code feedError}. A full ring answers 503 and keeps the trigger,
     * since the feed never heard of the delete.
     */
    void delete(final Exchange ex, final Identity identity, final WhiskTrigger t)
    {
        final ActionLookup.Resolved feed;
        try
        {
            feed = feedOf(identity, t);
        }
        catch (final ApiError | Refusal | IllegalArgumentException gone)
        {
            deleteTrigger(ex, t, null, "feed action not run: " + gone.getMessage());
            return;
        }
        run(ex, identity, feed, args(Event.DELETE, identity, t, List.of()),
            a -> deleteTrigger(ex, t, a, a.status() == ActivationStatus.SUCCESS ? null : errorOf(a)),
            () -> ex.sendError(HttpResponseStatus.SERVICE_UNAVAILABLE, Messages.SERVICE_UNAVAILABLE));
    }

    /**
     * Runs the feed; {@code onDone} hears its record on the exchange's event loop, {@code onRingFull} runs when it
     * could not start. Arguments the feed's final parameters refuse end as a failed run would.
     */
    private void run(final Exchange ex, final Identity identity, final ActionLookup.Resolved feed, final byte[] args,
        final Consumer<Activation> onDone, final Runnable onRingFull)
    {
        final boolean started;
        try
        {
            started = invoke.runForPlatform(identity, feed.action(), feed.inherited(), args,
                a -> ex.executor().execute(() -> onDone.accept(a)));
        }
        catch (final Refusal refused)
        {
            ex.sendError(ApiError.statusOf(refused.kind()), refused.getMessage());
            return;
        }
        if (!started)
        {
            onRingFull.run();
        }
    }

    private void deleteTrigger(final Exchange ex, final WhiskTrigger t, final Activation feedRun,
        final String feedError)
    {
        store.delete(t.docId(), t).whenComplete((result, failure) ->
            Writes.answer(ex, result, failure, Messages.CONCURRENT_MODIFICATION, withFeedOutcome(t, feedRun, feedError)));
    }

    /**
     * {@code {lifecycleEvent, triggerName}} over the feed's parameters. The {@code authKey} wsk also passes is added
     * by the invoker from the request's sealed key ({@code FLAG_AUTH_KEY_PARAM}), so the journal never holds it.
     */
    private static byte[] args(final Event event, final Identity identity, final WhiskTrigger t,
        final List<Param> feedParameters)
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
        return TriggersApi.bytes(args);
    }

    private static byte[] withFeedOutcome(final WhiskTrigger t, final Activation feedRun, final String feedError)
    {
        final ObjectNode doc = TriggersApi.document(t);
        if (feedRun != null)
        {
            doc.put("feedActivationId", feedRun.activationId());
        }
        if (feedError != null)
        {
            doc.put("feedError", feedError);
        }
        return TriggersApi.bytes(doc);
    }

    /** The error a blocking invoke of the feed would have answered, with the feed's activation id and result. */
    private static void answerFailed(final Exchange ex, final Event event, final ActionLookup.Resolved feed,
        final Activation a)
    {
        final HttpResponseStatus status = a.status() == ActivationStatus.WHISK_ERROR ?
            HttpResponseStatus.INTERNAL_SERVER_ERROR : HttpResponseStatus.BAD_GATEWAY;
        final ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("error", "feed action '/" + feed.action().docId() + "' failed on " + event + ": " + errorOf(a));
        body.put("code", ex.transactionId());
        body.put("activationId", a.activationId());
        body.set("result", resultOf(a));
        ex.send(status, TriggersApi.bytes(body), a.activationId());
    }

    private static JsonNode resultOf(final Activation a)
    {
        try
        {
            return a.result() == null ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(a.result());
        }
        catch (final IOException notJson)
        {
            return Json.MAPPER.getNodeFactory().textNode(new String(a.result(), StandardCharsets.UTF_8));
        }
    }

    /**
     * The feed's error text: a Node.js feed that rejects with {@code {error: "why"}}, as OpenWhisk's do, has the
     * result {@code {"error": {"error": "why"}}}, so nested {@code error} fields are unwrapped down to the text.
     */
    private static String errorOf(final Activation a)
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
