package dev.whisk.frontdoor.api;

import dev.whisk.frontdoor.event.FeedFirer;
import dev.whisk.frontdoor.event.FireAck;
import dev.whisk.frontdoor.invoke.ActionLookup;

import dev.whisk.frontdoor.invoke.Bodies;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationId;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.entity.EntityName;
import dev.whisk.core.entity.FullyQualifiedName;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.entity.Param;
import dev.whisk.core.entity.RuleLink;
import dev.whisk.core.entity.RuleStatus;
import dev.whisk.core.entity.WhiskEntity;
import dev.whisk.core.entity.WhiskTrigger;
import dev.whisk.core.json.Json;
import dev.whisk.frontdoor.Admission;
import dev.whisk.frontdoor.ApiError;
import dev.whisk.frontdoor.Exchange;
import dev.whisk.storage.ActivationStore;
import dev.whisk.storage.EntityStore;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Triggers: create, update (keeping their rules), read, list, delete, and fire. A fire with no active rule answers
 * 204 and records nothing, as OpenWhisk does; otherwise each active rule's action is started, non-blocking, as the
 * firing identity, with the trigger's parameters below the event's, and the trigger's own activation (result: the
 * arguments; logs: one JSON line per rule) is recorded and its id answered with 202. The 202 means durable: it is
 * sent only once every rule's invoke is in the scheduler's journal and the trigger's record is on disk, so an
 * accepted fire survives a crash, and its runs, like any journaled invoke, happen at most once.
 *
 * <p>A PUT with {@code feedParameters} has the platform run the feed lifecycle (see {@link FeedLifecycle}).
 */
public final class TriggersApi
{
    private static final Logger LOG = LoggerFactory.getLogger(TriggersApi.class);
    private static final Runnable NOTHING = () -> { };

    private final EntityStore store;
    private final Admission admission;
    private final InvokeApi invoke;
    private final ActivationStore activations;
    private final FeedLifecycle feeds;

    public TriggersApi(final EntityStore store, final Admission admission, final InvokeApi invoke,
        final ActivationStore activations)
    {
        this.store = store;
        this.admission = admission;
        this.invoke = invoke;
        this.activations = activations;
        this.feeds = new FeedLifecycle(store, invoke);
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
            feeds.create(ex, identity, t, feedParameters);
        }
        else
        {
            feeds.update(ex, identity, t, existing, feedParameters);
        }
    }

    /** Deletes the trigger; for one whose feed the platform created, after running the feed's DELETE. */
    public void delete(final Exchange ex, final Identity identity, final String namespace, final String name)
    {
        final WhiskTrigger t = find(store, namespace, name);
        if (t.feedByPlatform())
        {
            feeds.delete(ex, identity, t);
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
        if (body.length > invoke.maxInvokeBodyBytes())
        {
            throw new ApiError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                Messages.requestTooLarge(body.length, invoke.maxInvokeBodyBytes()));
        }
        final ObjectNode payload = Bodies.object(body);
        invoke.refuseWhileShortOfSpace();
        if (admission.tryFire(identity.namespace(), identity.limits(), System.currentTimeMillis()) !=
            Admission.Decision.ADMITTED)
        {
            throw admission.fireRefusal(identity.namespace(), identity.limits());
        }
        if (!t.hasActiveRule())
        {
            ex.sendJson(HttpResponseStatus.NO_CONTENT, null);
            return;
        }
        final String activationId = ActivationId.random();
        final byte[] idBody = InvokeWaiter.idBody(activationId);
        // Should the journal or the store never report (a store that closed or failed to write), the caller hears
        // 503 rather than waiting for ever.
        final ScheduledFuture<?> giveUp = ex.executor().schedule(() -> ex.sendError(
            HttpResponseStatus.SERVICE_UNAVAILABLE, Messages.SERVICE_UNAVAILABLE), invoke.maxBlockingWaitMs(),
            TimeUnit.MILLISECONDS);
        fire(identity, t, payload, activationId, new FireAck(() ->
        {
            giveUp.cancel(false);
            ex.send(HttpResponseStatus.ACCEPTED, idBody, activationId);
        }));
    }

    /**
     * An alarm's fire: as {@code owner}'s identity, counted against its fires per minute.
     *
     * @return false when the owner or the trigger no longer exists.
     */
    public boolean fireFromAlarm(final Identity owner, final String trigger, final byte[] payload)
    {
        if (owner == null || !(store.get(trigger) instanceof WhiskTrigger t))
        {
            return false;
        }
        if (invoke.refusal() != null)
        {
            LOG.warn("event=alarm-fire-refused trigger={} reason=disk-space", trigger);
            return true;
        }
        if (admission.tryFire(owner.namespace(), owner.limits(), System.currentTimeMillis()) ==
            Admission.Decision.ADMITTED && t.hasActiveRule())
        {
            fire(owner, t, Bodies.object(payload), ActivationId.random(), new FireAck(NOTHING));
        }
        return true;
    }

    /**
     * An event-source feed's fire (see {@link FeedFirer}): as {@code owner}, refused with
     * {@link FeedFirer.Outcome#THROTTLED} while its namespace is at its concurrent invocations or over its fires per
     * minute, so that the feed pauses instead of piling up runs.
     */
    public FeedFirer.Outcome fireFromFeed(final Identity owner, final String trigger, final byte[] payload,
        final FeedFirer.Listener listener)
    {
        if (owner == null)
        {
            return FeedFirer.Outcome.OWNER_GONE;
        }
        if (!(store.get(trigger) instanceof WhiskTrigger t))
        {
            return FeedFirer.Outcome.TRIGGER_GONE;
        }
        if (payload.length > invoke.maxInvokeBodyBytes())
        {
            return FeedFirer.Outcome.TOO_LARGE;
        }
        if (invoke.refusal() != null ||
            admission.inFlight(owner.namespace()) >= owner.limits().concurrentInvocations() ||
            admission.tryFire(owner.namespace(), owner.limits(), System.currentTimeMillis()) !=
            Admission.Decision.ADMITTED)
        {
            return FeedFirer.Outcome.THROTTLED;
        }
        if (!t.hasActiveRule())
        {
            return FeedFirer.Outcome.NO_ACTIVE_RULE;
        }
        final FireAck[] ack = new FireAck[1];
        ack[0] = new FireAck(() -> listener.onDurable(ack[0].isComplete()));
        fire(owner, t, Bodies.object(payload), ActivationId.random(), ack[0]);
        return FeedFirer.Outcome.ACCEPTED;
    }

    /**
     * Runs the active rules of {@code t} and records the trigger activation {@code activationId}; {@code ack} hears
     * each rule's invoke journaled and the record durable.
     */
    private void fire(final Identity identity, final WhiskTrigger t, final ObjectNode payload,
        final String activationId, final FireAck ack)
    {
        final ObjectNode args = Json.MAPPER.createObjectNode();
        for (final Param p : t.parameters())
        {
            args.set(p.key(), p.value());
        }
        args.setAll(payload);
        final byte[] argBytes = bytes(args);
        final long startMs = System.currentTimeMillis();
        final List<String> logs = new ArrayList<>(t.rules().size());
        for (final Map.Entry<String, RuleLink> rule : t.rules().entrySet())
        {
            logs.add(startRule(identity, rule.getKey(), rule.getValue(), argBytes, ack));
        }
        ack.expect();
        final boolean taken = activations.append(new Activation(activationId, identity.namespace(),
            identity.subject(), t.name(), t.version(), t.docId(), "trigger", startMs, 0, null,
            ActivationStatus.SUCCESS, argBytes, logs, ActionLimits.DEFAULT, false, 0, -1), ack);
        if (!taken)
        {
            // the fire is not durable, so it is never acknowledged: the caller hears 503 when its wait runs out
            LOG.warn("event=trigger-record-refused trigger={} activationId={}", t.docId(), activationId);
            return;
        }
        ack.done();
    }

    /** Starts one rule's action and returns the trigger record's log line for it, as OpenWhisk writes them. */
    private String startRule(final Identity identity, final String rule, final RuleLink link, final byte[] args,
        final FireAck ack)
    {
        final ObjectNode line = Json.MAPPER.createObjectNode();
        final String action = link.action().docId();
        if (link.status() != RuleStatus.ACTIVE)
        {
            return line.put("statusCode", 1).put("success", false).put("rule", rule).put("action", action)
                .put("error", "Rule '" + rule + "' is inactive, action '" + action + "' was not activated.")
                .toString();
        }
        ack.expect();
        try
        {
            final FullyQualifiedName n = FullyQualifiedName.parse("/" + action, identity.namespace());
            final ActionLookup.Resolved resolved = invoke.lookup().action(identity, n.namespace(), n.pkg(),
                n.name());
            final String id = invoke.startForRule(identity, resolved.action(), resolved.inherited(), args, ack);
            if (id == null)
            {
                ack.refuse();
                return line.put("statusCode", 3).put("success", false).put("rule", rule).put("action", action)
                    .put("error", Messages.SERVICE_UNAVAILABLE).toString();
            }
            return line.put("statusCode", 0).put("success", true).put("activationId", id).put("rule", rule)
                .put("action", action).toString();
        }
        catch (final ApiError | IllegalArgumentException failure)
        {
            ack.done();
            return line.put("statusCode", 1).put("success", false).put("rule", rule).put("action", action)
                .put("error", failure.getMessage()).toString();
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
