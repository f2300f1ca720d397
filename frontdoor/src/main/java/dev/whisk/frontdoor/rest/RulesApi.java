package dev.whisk.frontdoor.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.entity.EntityName;
import dev.whisk.core.entity.EntityRef;
import dev.whisk.core.entity.FullyQualifiedName;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.entity.Param;
import dev.whisk.core.entity.RuleLink;
import dev.whisk.core.entity.RuleStatus;
import dev.whisk.core.entity.WhiskEntity;
import dev.whisk.core.entity.WhiskRule;
import dev.whisk.core.entity.WhiskTrigger;
import dev.whisk.core.json.Json;
import dev.whisk.frontdoor.ApiError;
import dev.whisk.frontdoor.Exchange;
import dev.whisk.frontdoor.invoke.ActionLookup;
import dev.whisk.frontdoor.invoke.Bodies;
import dev.whisk.frontdoor.invoke.Refusal;
import dev.whisk.storage.EntityStore;
import dev.whisk.storage.WriteResult;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Rules as entities: a rule names a trigger of its namespace and an action (its own or a shared one); its status
 * lives in the trigger's {@code rules} map, so creating, enabling, disabling and deleting a rule also rewrites the
 * trigger. A new rule is active at once. The two writes are not one transaction: the rule is written first and the
 * trigger second, and a failed second write answers 409 so the client retries.
 */
public final class RulesApi
{
    private static final byte[] EMPTY_OBJECT = {'{', '}'};

    private final EntityStore store;
    private final ActionLookup lookup;

    public RulesApi(final EntityStore store)
    {
        this.store = store;
        this.lookup = new ActionLookup(store);
    }

    public void get(final Exchange ex, final String namespace, final String name)
    {
        final WhiskRule r = find(namespace, name);
        final ObjectNode out = document(r);
        out.put("status", status(r).wire());
        ex.sendJson(HttpResponseStatus.OK, TriggersApi.bytes(out));
    }

    /** Full documents, but without {@code status}, as OpenWhisk lists them. */
    public void list(final Exchange ex, final String namespace)
    {
        final Paging paging = Paging.of(ex, "rules");
        if (paging.count())
        {
            ex.sendJson(HttpResponseStatus.OK, TriggersApi.bytes(Json.MAPPER.createObjectNode().put("rules",
                store.count(namespace, "rules"))));
            return;
        }
        final ArrayNode out = Json.MAPPER.createArrayNode();
        for (final WhiskEntity e : store.list(namespace, "rules", paging.skip(), paging.limit()))
        {
            out.add(document((WhiskRule)e));
        }
        ex.sendJson(HttpResponseStatus.OK, TriggersApi.bytes(out));
    }

    public void put(final Exchange ex, final Identity identity, final String namespace, final String name)
    {
        if (!EntityName.isValid(name))
        {
            throw ApiError.badRequest(Messages.ILLEGAL_NAME);
        }
        final ObjectNode body = Bodies.object(ex.body());
        final WhiskEntity current = store.get(namespace + "/" + name);
        if (current != null && !(current instanceof WhiskRule))
        {
            throw new ApiError(HttpResponseStatus.CONFLICT, Messages.WRONG_COLLECTION);
        }
        if (current != null && !ex.queryFlag("overwrite"))
        {
            throw new ApiError(HttpResponseStatus.CONFLICT, Messages.ENTITY_EXISTS);
        }
        final WhiskRule existing = (WhiskRule)current;
        final FullyQualifiedName triggerName = reference(body.get("trigger"), identity,
            existing == null ? null : existing.trigger());
        final FullyQualifiedName actionName = reference(body.get("action"), identity,
            existing == null ? null : existing.action());
        if (triggerName.pkg() != null || !triggerName.namespace().equals(namespace))
        {
            throw ApiError.badRequest(Messages.RULE_NEEDS_TRIGGER_AND_ACTION);
        }
        final WhiskTrigger trigger = existingTrigger(triggerName);
        requireAction(identity, actionName);
        final List<Param> annotations = PutFields.annotations(body, existing == null ? null : existing.annotations());
        PutFields.checkSize(List.of(), annotations, ActionDocs.MAX_PARAMETER_BYTES);
        final WhiskRule rule = new WhiskRule(namespace, name,
            PutFields.version(body, existing == null ? null : existing.version()),
            PutFields.publish(body, existing != null && existing.publish()), annotations,
            EntityRef.of(triggerName), EntityRef.of(actionName),
            Writes.stamp(existing == null ? 0 : existing.updated()));
        final boolean sameTrigger = existing != null && existing.trigger().equals(rule.trigger());
        final RuleLink previous = trigger.rules().get(rule.docId());
        final RuleStatus status = sameTrigger && previous != null ? previous.status() : RuleStatus.ACTIVE;
        final WhiskTrigger linked = trigger.withRule(rule.docId(), new RuleLink(rule.action(), status),
            Writes.stamp(trigger.updated()));
        CompletableFuture<WriteResult> write = store.put(rule, existing)
            .thenCompose(r -> r == WriteResult.OK ? store.put(linked, trigger) : CompletableFuture.completedFuture(r));
        if (existing != null && !sameTrigger && store.get(existing.trigger().docId()) instanceof WhiskTrigger old)
        {
            final WhiskTrigger unlinked = old.withRule(rule.docId(), null, Writes.stamp(old.updated()));
            write = write.thenCompose(r -> r == WriteResult.OK ? store.put(unlinked, old) :
                CompletableFuture.completedFuture(r));
        }
        final ObjectNode out = document(rule);
        out.put("status", status.wire());
        Writes.answer(ex, write, TriggersApi.bytes(out), Writes.conflictMessage(existing));
    }

    /** {@code POST rules/name} with {@code {"status": "active" | "inactive"}}. */
    public void setStatus(final Exchange ex, final String namespace, final String name)
    {
        final WhiskRule rule = find(namespace, name);
        final JsonNode statusNode = Bodies.object(ex.body()).get("status");
        final RuleStatus status = statusNode == null || !statusNode.isTextual() ? null :
            RuleStatus.ofWire(statusNode.asText());
        if (status == null)
        {
            throw ApiError.badRequest(Messages.RULE_STATUS_INVALID);
        }
        if (!(store.get(rule.trigger().docId()) instanceof WhiskTrigger trigger))
        {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, Messages.RULE_TRIGGER_MISSING);
        }
        final RuleLink link = trigger.rules().get(rule.docId());
        if (link != null && link.status() == status)
        {
            ex.sendJson(HttpResponseStatus.OK, EMPTY_OBJECT);
            return;
        }
        final WhiskTrigger updated = trigger.withRule(rule.docId(), new RuleLink(rule.action(), status),
            Writes.stamp(trigger.updated()));
        Writes.answer(ex, store.put(updated, trigger), EMPTY_OBJECT, Messages.CONCURRENT_MODIFICATION);
    }

    /** Deletes the rule, active or not, and unlinks it from its trigger. */
    public void delete(final Exchange ex, final String namespace, final String name)
    {
        final WhiskRule rule = find(namespace, name);
        final ObjectNode out = document(rule);
        out.put("status", status(rule).wire());
        CompletableFuture<WriteResult> write = store.delete(rule.docId(), rule);
        if (store.get(rule.trigger().docId()) instanceof WhiskTrigger trigger &&
            trigger.rules().containsKey(rule.docId()))
        {
            final WhiskTrigger unlinked = trigger.withRule(rule.docId(), null, Writes.stamp(trigger.updated()));
            write = write.thenCompose(r -> r == WriteResult.OK ? store.put(unlinked, trigger) :
                CompletableFuture.completedFuture(r));
        }
        Writes.answer(ex, write, TriggersApi.bytes(out), Messages.CONCURRENT_MODIFICATION);
    }

    private RuleStatus status(final WhiskRule rule)
    {
        if (store.get(rule.trigger().docId()) instanceof WhiskTrigger trigger)
        {
            final RuleLink link = trigger.rules().get(rule.docId());
            if (link != null)
            {
                return link.status();
            }
        }
        return RuleStatus.INACTIVE;
    }

    private WhiskRule find(final String namespace, final String name)
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
        if (!(e instanceof WhiskRule r))
        {
            throw new ApiError(HttpResponseStatus.CONFLICT, Messages.WRONG_COLLECTION);
        }
        return r;
    }

    private WhiskTrigger existingTrigger(final FullyQualifiedName name)
    {
        if (!(store.get(name.path()) instanceof WhiskTrigger trigger))
        {
            throw ApiError.badRequest(Messages.RULE_NEEDS_TRIGGER_AND_ACTION);
        }
        return trigger;
    }

    private void requireAction(final Identity identity, final FullyQualifiedName name)
    {
        try
        {
            lookup.action(identity, name.namespace(), name.pkg(), name.name());
        }
        catch (final Refusal ex)
        {
            if (ex.kind() == Refusal.Kind.FORBIDDEN)
            {
                throw ex;
            }
            throw ApiError.badRequest(Messages.RULE_NEEDS_TRIGGER_AND_ACTION);
        }
    }

    /** A {@code "/ns/[pkg/]name"} string or a {@code {path, name}} object; absent keeps {@code existing}. */
    private static FullyQualifiedName reference(final JsonNode node, final Identity identity,
        final EntityRef existing)
    {
        if (node == null || node.isNull())
        {
            if (existing == null)
            {
                throw ApiError.badRequest(Messages.RULE_NEEDS_TRIGGER_AND_ACTION);
            }
            return FullyQualifiedName.parse(existing.qualifiedName(), identity.namespace());
        }
        final String text;
        if (node.isTextual())
        {
            text = node.asText();
        }
        else if (node.isObject() && node.path("path").isTextual() && node.path("name").isTextual())
        {
            text = "/" + node.get("path").asText() + "/" + node.get("name").asText();
        }
        else
        {
            throw ApiError.badRequest(Messages.RULE_NEEDS_TRIGGER_AND_ACTION);
        }
        try
        {
            return FullyQualifiedName.parse(text, identity.namespace());
        }
        catch (final IllegalArgumentException ex)
        {
            throw ApiError.badRequest(Messages.RULE_NEEDS_TRIGGER_AND_ACTION);
        }
    }

    static ObjectNode document(final WhiskRule r)
    {
        final ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("namespace", r.namespace());
        out.put("name", r.name());
        out.put("version", r.version());
        out.put("publish", r.publish());
        out.set("annotations", Json.MAPPER.valueToTree(r.annotations()));
        out.set("trigger", Json.MAPPER.valueToTree(r.trigger()));
        out.set("action", Json.MAPPER.valueToTree(r.action()));
        out.put("updated", r.updated());
        return out;
    }
}
