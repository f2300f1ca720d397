package dev.whisk.frontdoor.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.EntityName;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.entity.Param;
import dev.whisk.core.entity.WhiskEntity;
import dev.whisk.core.entity.WhiskTrigger;
import dev.whisk.core.json.Json;
import dev.whisk.frontdoor.ApiError;
import dev.whisk.frontdoor.Exchange;
import dev.whisk.frontdoor.event.FeedLifecycle;
import dev.whisk.frontdoor.event.TriggerFiring;
import dev.whisk.frontdoor.invoke.Bodies;
import dev.whisk.frontdoor.invoke.Invocations;
import dev.whisk.frontdoor.invoke.Refusal;
import dev.whisk.storage.EntityStore;
import dev.whisk.storage.WriteResult;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Triggers: create, update (keeping their rules), read, list, delete, and fire. A fire goes to the event service
 * ({@link TriggerFiring}): with no active rule it answers 204 and records nothing, as OpenWhisk does; otherwise the
 * trigger activation's id is answered with 202 once the fire is durable (every rule's invoke in the scheduler's
 * journal and the trigger's record on disk), so an accepted fire survives a crash.
 *
 * <p>A PUT with {@code feedParameters} has the platform run the feed lifecycle (see {@link FeedLifecycle}).
 */
public final class TriggersApi
{
    private final EntityStore store;
    private final TriggerFiring firing;
    private final FeedLifecycle feeds;

    /** @param firing fires the triggers; @param invocations runs the feed lifecycles the platform runs. */
    public TriggersApi(final EntityStore store, final TriggerFiring firing, final Invocations invocations)
    {
        this.store = store;
        this.firing = firing;
        this.feeds = new FeedLifecycle(store, invocations);
    }

    public void get(final Exchange ex, final String namespace, final String name)
    {
        ex.sendJson(HttpResponseStatus.OK, bytes(document(find(store, namespace, name))));
    }

    public void put(final Exchange ex, final Identity identity, final String namespace, final String name)
    {
        if (!EntityName.isValid(name))
        {
            throw ApiError.badRequest(Messages.ILLEGAL_NAME);
        }
        final ObjectNode body = Bodies.object(ex.body());
        final WhiskEntity current = store.get(namespace + "/" + name);
        if (current != null && !(current instanceof WhiskTrigger))
        {
            throw new ApiError(HttpResponseStatus.CONFLICT, Messages.WRONG_COLLECTION);
        }
        if (current != null && !ex.queryFlag("overwrite"))
        {
            throw new ApiError(HttpResponseStatus.CONFLICT, Messages.ENTITY_EXISTS);
        }
        final WhiskTrigger existing = (WhiskTrigger)current;
        if (body.has("limits") && !body.get("limits").isObject() && !body.get("limits").isNull())
        {
            throw ApiError.badRequest("'limits' must be an object");
        }
        final List<Param> parameters = PutFields.parameters(body, existing == null ? null : existing.parameters());
        final List<Param> annotations = PutFields.annotations(body, existing == null ? null :
            existing.annotations());
        PutFields.checkSize(parameters, annotations, ActionDocs.MAX_PARAMETER_BYTES);
        final JsonNode feedNode = body.get(FeedLifecycle.FEED_PARAMETERS);
        final List<Param> feedParameters = feedNode == null || feedNode.isNull() ? null :
            ActionDocs.params(feedNode, FeedLifecycle.FEED_PARAMETERS);
        if (feedParameters != null)
        {
            PutFields.checkSize(feedParameters, List.of(), ActionDocs.MAX_PARAMETER_BYTES);
        }
        final WhiskTrigger t = new WhiskTrigger(namespace, name,
            PutFields.version(body, existing == null ? null : existing.version()),
            PutFields.publish(body, existing != null && existing.publish()), annotations, parameters,
            existing == null ? null : existing.rules(), Writes.stamp(existing == null ? 0 : existing.updated()),
            feedParameters != null || (existing != null && existing.feedByPlatform()),
            existing == null ? null : existing.webhookSecret());
        if (feedParameters == null)
        {
            Writes.answer(ex, store.put(t, existing), bytes(document(t)), Writes.conflictMessage(existing));
        }
        else if (existing == null)
        {
            feeds.create(ex.executor(), identity, t, feedParameters, new FeedAnswer(ex));
        }
        else
        {
            feeds.update(ex.executor(), identity, t, existing, feedParameters, new FeedAnswer(ex));
        }
    }

    /** Deletes the trigger; for one whose feed the platform created, after running the feed's DELETE. */
    public void delete(final Exchange ex, final Identity identity, final String namespace, final String name)
    {
        final WhiskTrigger t = find(store, namespace, name);
        if (t.feedByPlatform())
        {
            feeds.delete(ex.executor(), identity, t, new FeedAnswer(ex));
            return;
        }
        Writes.answer(ex, store.delete(t.docId(), t), bytes(document(t)), Messages.CONCURRENT_MODIFICATION);
    }

    public void list(final Exchange ex, final String namespace)
    {
        final Paging paging = Paging.of(ex, "triggers");
        if (paging.count())
        {
            ex.sendJson(HttpResponseStatus.OK, bytes(Json.MAPPER.createObjectNode().put("triggers",
                store.count(namespace, "triggers"))));
            return;
        }
        final ArrayNode out = Json.MAPPER.createArrayNode();
        for (final WhiskEntity e : store.list(namespace, "triggers", paging.skip(), paging.limit()))
        {
            final WhiskTrigger t = (WhiskTrigger)e;
            final ObjectNode item = out.addObject();
            item.put("namespace", t.namespace());
            item.put("name", t.name());
            item.put("version", t.version());
            item.put("publish", t.publish());
            item.set("annotations", Json.MAPPER.valueToTree(t.annotations()));
            item.put("updated", t.updated());
        }
        ex.sendJson(HttpResponseStatus.OK, bytes(out));
    }

    /**
     * {@code POST triggers/name}: counted against the caller's {@code firesPerMinute} (429 over it), then 204 with no
     * body and no activation when no rule is active, else 202 once the fire is durable.
     */
    public void fire(final Exchange ex, final Identity identity, final String namespace, final String name)
    {
        fire(ex, identity, find(store, namespace, name), ex.body());
    }

    /** Fires {@code t} as {@code identity} with the event {@code body} and answers {@code ex} (see above). */
    void fire(final Exchange ex, final Identity identity, final WhiskTrigger t, final byte[] body)
    {
        final ObjectNode payload = firing.admit(identity, t, body);
        if (payload == null)
        {
            ex.sendJson(HttpResponseStatus.NO_CONTENT, null);
            return;
        }
        // Should the journal or the store never report (a store that closed or failed to write), the caller hears
        // 503 rather than waiting for ever.
        final ScheduledFuture<?> giveUp = ex.executor().schedule(() -> ex.sendError(
            HttpResponseStatus.SERVICE_UNAVAILABLE, Messages.SERVICE_UNAVAILABLE), firing.maxWaitMs(),
            TimeUnit.MILLISECONDS);
        firing.fire(identity, t, payload, activationId ->
        {
            giveUp.cancel(false);
            ex.send(HttpResponseStatus.ACCEPTED, InvokeWaiter.idBody(activationId), activationId);
        });
    }

    /**
     * Answers a feed lifecycle step ({@link FeedLifecycle}): the trigger with {@code feedActivationId} (and
     * {@code feedError}) once written; a failed CREATE or UPDATE with the status a blocking invoke of the feed would
     * have (502 for an application or developer error, 500 for a whisk error), the feed activation's id and its
     * result; 503 when the feed could not start.
     */
    private static final class FeedAnswer implements FeedLifecycle.Outcome
    {
        private final Exchange ex;

        FeedAnswer(final Exchange ex)
        {
            this.ex = ex;
        }

        @Override
        public void written(final WriteResult result, final Throwable failure, final String conflictMessage,
            final WhiskTrigger t, final Activation feedRun, final String feedError)
        {
            Writes.answer(ex, result, failure, conflictMessage, result == WriteResult.OK && failure == null ?
                withFeedOutcome(t, feedRun, feedError) : null);
        }

        @Override
        public void feedFailed(final FeedLifecycle.Event event, final String feedDocId, final Activation a)
        {
            final HttpResponseStatus status = a.status() == ActivationStatus.WHISK_ERROR ?
                HttpResponseStatus.INTERNAL_SERVER_ERROR : HttpResponseStatus.BAD_GATEWAY;
            final ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("error", "feed action '/" + feedDocId + "' failed on " + event + ": " +
                FeedLifecycle.errorOf(a));
            body.put("code", ex.transactionId());
            body.put("activationId", a.activationId());
            body.set("result", FeedLifecycle.resultOf(a));
            ex.send(status, bytes(body), a.activationId());
        }

        @Override
        public void unavailable()
        {
            ex.sendError(HttpResponseStatus.SERVICE_UNAVAILABLE, Messages.SERVICE_UNAVAILABLE);
        }

        @Override
        public void refused(final Refusal refusal)
        {
            ex.sendError(ApiError.statusOf(refusal.kind()), refusal.getMessage());
        }

        private static byte[] withFeedOutcome(final WhiskTrigger t, final Activation feedRun, final String feedError)
        {
            final ObjectNode doc = document(t);
            if (feedRun != null)
            {
                doc.put("feedActivationId", feedRun.activationId());
            }
            if (feedError != null)
            {
                doc.put("feedError", feedError);
            }
            return bytes(doc);
        }
    }

    static WhiskTrigger find(final EntityStore store, final String namespace, final String name)
    {
        if (!EntityName.isValid(name))
        {
            throw ApiError.badRequest(Messages.ILLEGAL_NAME);
        }
        final WhiskEntity e = store.get(namespace + "/" + name);
        if (e == null)
        {
            throw ApiError.notFound();
        }
        if (!(e instanceof WhiskTrigger t))
        {
            throw new ApiError(HttpResponseStatus.CONFLICT, Messages.WRONG_COLLECTION);
        }
        return t;
    }

    static ObjectNode document(final WhiskTrigger t)
    {
        final ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("namespace", t.namespace());
        out.put("name", t.name());
        out.put("version", t.version());
        out.put("publish", t.publish());
        out.set("parameters", Json.MAPPER.valueToTree(t.parameters()));
        out.putObject("limits");
        out.set("annotations", Json.MAPPER.valueToTree(t.annotations()));
        out.put("updated", t.updated());
        if (!t.rules().isEmpty())
        {
            out.set("rules", Json.MAPPER.valueToTree(t.rules()));
        }
        return out;
    }

    static byte[] bytes(final com.fasterxml.jackson.databind.JsonNode node)
    {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
