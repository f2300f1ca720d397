package dev.whisk.frontdoor.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.entity.EntityName;
import dev.whisk.core.entity.FullyQualifiedName;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.core.entity.WhiskEntity;
import dev.whisk.core.json.Json;
import dev.whisk.frontdoor.ApiError;
import dev.whisk.frontdoor.Exchange;
import dev.whisk.storage.EntityStore;
import dev.whisk.storage.WriteResult;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.List;

/**
 * Create, read, update, delete and list actions. Reads come from the store's memory; a write answers once the store
 * says it is durable, on the connection's event loop.
 */
public final class ActionsApi
{
    private final EntityStore store;

    public ActionsApi(final EntityStore store)
    {
        this.store = store;
    }

    public void get(final Exchange ex, final String namespace, final String pkg, final String name)
    {
        final WhiskAction action = find(store, namespace, pkg, name);
        final boolean withCode = !"false".equalsIgnoreCase(ex.query("code"));
        ex.sendJson(HttpResponseStatus.OK, toJson(withCode ? action : action.withoutCode()));
    }

    public void put(final Exchange ex, final String namespace, final String pkg, final String name)
    {
        final FullyQualifiedName fqn = name(namespace, pkg, name);
        final ObjectNode body = Bodies.object(ex.body());
        final WhiskEntity current = store.get(fqn.path());
        if (current != null && !(current instanceof WhiskAction))
        {
            throw new ApiError(HttpResponseStatus.CONFLICT, Messages.WRONG_COLLECTION);
        }
        final boolean overwrite = ex.queryFlag("overwrite");
        if (current != null && !overwrite)
        {
            throw new ApiError(HttpResponseStatus.CONFLICT, Messages.ENTITY_EXISTS);
        }
        final WhiskAction existing = (WhiskAction)current;
        final long now = Math.max(System.currentTimeMillis(), existing == null ? 0 : existing.updated() + 1);
        final WhiskAction action = ActionDocs.fromPut(body, fqn.entityPath(), name, existing, now);
        store.put(action, existing).whenComplete((result, failure) ->
        {
            if (failure != null)
            {
                ex.sendError(HttpResponseStatus.INTERNAL_SERVER_ERROR, Messages.INTERNAL_ERROR);
            }
            else if (result == WriteResult.OK)
            {
                ex.sendJson(HttpResponseStatus.OK, toJson(action));
            }
            else
            {
                ex.sendError(HttpResponseStatus.CONFLICT, existing == null ? Messages.ENTITY_EXISTS :
                    Messages.CONCURRENT_MODIFICATION);
            }
        });
    }

    public void delete(final Exchange ex, final String namespace, final String pkg, final String name)
    {
        final WhiskAction action = find(store, namespace, pkg, name);
        store.delete(action.docId(), action).whenComplete((result, failure) ->
        {
            if (failure != null)
            {
                ex.sendError(HttpResponseStatus.INTERNAL_SERVER_ERROR, Messages.INTERNAL_ERROR);
            }
            else if (result == WriteResult.OK)
            {
                ex.sendJson(HttpResponseStatus.OK, toJson(action));
            }
            else if (result == WriteResult.NOT_FOUND)
            {
                ex.sendError(HttpResponseStatus.NOT_FOUND, Messages.RESOURCE_NOT_FOUND);
            }
            else
            {
                ex.sendError(HttpResponseStatus.CONFLICT, Messages.CONCURRENT_MODIFICATION);
            }
        });
    }

    public void list(final Exchange ex, final String namespace)
    {
        final Paging paging = Paging.of(ex, "actions");
        if (paging.count())
        {
            final ObjectNode count = Json.MAPPER.createObjectNode().put("actions",
                store.count(namespace, "actions"));
            ex.sendJson(HttpResponseStatus.OK, count.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return;
        }
        final List<WhiskEntity> page = store.list(namespace, "actions", paging.skip(), paging.limit());
        final ArrayNode out = Json.MAPPER.createArrayNode();
        for (final WhiskEntity e : page)
        {
            out.add(listItem((WhiskAction)e));
        }
        ex.sendJson(HttpResponseStatus.OK, out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The action at {@code ns/[pkg/]name}, or a 404 (409 when the name belongs to another collection). */
    static WhiskAction find(final EntityStore store, final String namespace, final String pkg, final String name)
    {
        final FullyQualifiedName fqn = name(namespace, pkg, name);
        final WhiskEntity e = store.get(fqn.path());
        if (e == null)
        {
            throw ApiError.notFound();
        }
        if (!(e instanceof WhiskAction action))
        {
            throw new ApiError(HttpResponseStatus.CONFLICT, Messages.WRONG_COLLECTION);
        }
        return action;
    }

    private static FullyQualifiedName name(final String namespace, final String pkg, final String name)
    {
        if (!EntityName.isValid(namespace) || (pkg != null && !EntityName.isValid(pkg)) ||
            !EntityName.isValid(name))
        {
            throw ApiError.badRequest(Messages.ILLEGAL_NAME);
        }
        return new FullyQualifiedName(namespace, pkg, name);
    }

    /** List items carry no code, no kind and no parameters: {@code exec} is only {@code {"binary":b}}. */
    private static ObjectNode listItem(final WhiskAction a)
    {
        final ObjectNode item = Json.MAPPER.createObjectNode();
        item.put("namespace", a.namespace());
        item.put("name", a.name());
        item.put("version", a.version());
        item.put("publish", a.publish());
        item.set("annotations", Json.MAPPER.valueToTree(a.annotations()));
        item.set("limits", Json.MAPPER.valueToTree(a.limits()));
        item.putObject("exec").put("binary", Boolean.TRUE.equals(a.exec().binary()));
        item.put("updated", a.updated());
        return item;
    }

    static byte[] toJson(final Object value)
    {
        try
        {
            return Json.MAPPER.writeValueAsBytes(value);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException("an entity could not be written as JSON", ex);
        }
    }
}
