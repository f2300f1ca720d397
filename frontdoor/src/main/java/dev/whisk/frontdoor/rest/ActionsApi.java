package dev.whisk.frontdoor.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.entity.FullyQualifiedName;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.core.entity.WhiskEntity;
import dev.whisk.core.entity.WhiskPackage;
import dev.whisk.core.json.Json;
import dev.whisk.frontdoor.ApiError;
import dev.whisk.frontdoor.Exchange;
import dev.whisk.frontdoor.invoke.ActionLookup;
import dev.whisk.frontdoor.invoke.Bodies;
import dev.whisk.frontdoor.invoke.Refusal;
import dev.whisk.storage.EntityStore;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Create, read, update, delete and list actions. Reads come from the store's memory; a write answers once the store
 * says it is durable, on the connection's event loop.
 */
public final class ActionsApi
{
    private final EntityStore store;
    private final ActionLookup lookup;

    public ActionsApi(final EntityStore store)
    {
        this.store = store;
        this.lookup = new ActionLookup(store);
    }

    /** GET of an action: the caller's own, or one in a package another namespace shared (also via a binding). */
    public void get(final Exchange ex, final Identity identity, final String namespace, final String pkg,
        final String name)
    {
        final WhiskAction action = lookup.action(identity, namespace, pkg, name).action();
        final boolean withCode = !"false".equalsIgnoreCase(ex.query("code"));
        ex.sendJson(HttpResponseStatus.OK, toJson(withCode ? action : action.withoutCode()));
    }

    public void put(final Exchange ex, final Identity identity, final String namespace, final String pkg,
        final String name)
    {
        final FullyQualifiedName fqn = name(namespace, pkg, name);
        requireWritablePackage(identity, namespace, pkg, name);
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
        final long now = Writes.stamp(existing == null ? 0 : existing.updated());
        final WhiskAction action = ActionDocs.fromPut(body, fqn.entityPath(), name, existing, now, identity.limits());
        if (action.exec().isSequence())
        {
            checkSequence(identity, fqn.path(), action.exec().components());
        }
        Writes.answer(ex, store.put(action, existing), toJson(action), Writes.conflictMessage(existing));
    }

    public void delete(final Exchange ex, final Identity identity, final String namespace, final String pkg,
        final String name)
    {
        name(namespace, pkg, name);
        requireWritablePackage(identity, namespace, pkg, name);
        final WhiskAction action = find(store, namespace, pkg, name);
        Writes.answer(ex, store.delete(action.docId(), action), toJson(action), Messages.CONCURRENT_MODIFICATION);
    }

    /** The caller's own actions, including those inside its packages. */
    public void list(final Exchange ex, final String namespace)
    {
        final Paging paging = Paging.of(ex, "actions");
        if (paging.count())
        {
            sendCount(ex, store.count(namespace, "actions"));
            return;
        }
        sendList(ex, store.list(namespace, "actions", paging.skip(), paging.limit()));
    }

    /** {@code GET actions/pkg/}: the actions of a package, or of the package a binding binds. */
    public void listPackage(final Exchange ex, final Identity identity, final String namespace, final String pkg)
    {
        final String shown = namespace + "/" + pkg;
        WhiskPackage p = lookup.readablePackage(identity, namespace, pkg, shown);
        if (p.isBinding())
        {
            p = lookup.boundPackage(identity, p, shown);
        }
        final String packagePath = p.namespace() + "/" + p.name();
        final Paging paging = Paging.of(ex, "actions");
        if (paging.count())
        {
            sendCount(ex, store.count(packagePath, "actions"));
            return;
        }
        sendList(ex, store.list(packagePath, "actions", paging.skip(), paging.limit()));
    }

    /**
     * A sequence's components must exist and be readable by the caller, must not include the sequence itself (at
     * any depth), and may hold at most {@value ActionDocs#MAX_SEQUENCE_ACTIONS} atomic actions, nested sequences
     * counted by their atomic actions.
     */
    private void checkSequence(final Identity identity, final String selfPath, final List<String> components)
    {
        if (atomicActions(identity, selfPath, components, 0) > ActionDocs.MAX_SEQUENCE_ACTIONS)
        {
            throw ApiError.badRequest(Messages.SEQUENCE_TOO_LONG);
        }
    }

    private int atomicActions(final Identity identity, final String selfPath, final List<String> components,
        final int depth)
    {
        int atomic = 0;
        for (final String c : components)
        {
            final FullyQualifiedName n = FullyQualifiedName.parse(c, identity.namespace());
            if (n.path().equals(selfPath))
            {
                throw ApiError.badRequest(Messages.SEQUENCE_REFERS_TO_ITSELF);
            }
            final WhiskAction component;
            try
            {
                component = lookup.action(identity, n.namespace(), n.pkg(), n.name()).action();
            }
            catch (final Refusal ex)
            {
                if (ex.kind() == Refusal.Kind.FORBIDDEN)
                {
                    throw ex;
                }
                throw ApiError.badRequest(Messages.SEQUENCE_COMPONENT_MISSING);
            }
            atomic += component.exec().isSequence() && depth < ActionDocs.MAX_SEQUENCE_ACTIONS ?
                atomicActions(identity, selfPath, component.exec().components(), depth + 1) : 1;
            if (atomic > ActionDocs.MAX_SEQUENCE_ACTIONS)
            {
                return atomic;
            }
        }
        return atomic;
    }

    private void requireWritablePackage(final Identity identity, final String namespace, final String pkg,
        final String name)
    {
        if (!namespace.equals(identity.namespace()))
        {
            throw ActionLookup.forbidden(namespace + "/" + (pkg == null ? "" : pkg + "/") + name);
        }
        if (pkg == null)
        {
            return;
        }
        final WhiskEntity p = store.get(namespace + "/" + pkg);
        if (p == null)
        {
            throw ApiError.notFound();
        }
        if (!(p instanceof WhiskPackage wp))
        {
            throw new ApiError(HttpResponseStatus.CONFLICT, Messages.WRONG_COLLECTION);
        }
        if (wp.isBinding())
        {
            throw ApiError.badRequest(Messages.BINDING_OPERATION_NOT_PERMITTED);
        }
    }

    private static void sendCount(final Exchange ex, final int count)
    {
        final ObjectNode out = Json.MAPPER.createObjectNode().put("actions", count);
        ex.sendJson(HttpResponseStatus.OK, out.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void sendList(final Exchange ex, final List<WhiskEntity> page)
    {
        final ArrayNode out = Json.MAPPER.createArrayNode();
        for (final WhiskEntity e : page)
        {
            out.add(listItem((WhiskAction)e));
        }
        ex.sendJson(HttpResponseStatus.OK, out.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The action at {@code ns/[pkg/]name}, or a 404 (409 when the name belongs to another collection). */
    static WhiskAction find(final EntityStore store, final String namespace, final String pkg, final String name)
    {
        return ActionLookup.find(store, namespace, pkg, name);
    }

    private static FullyQualifiedName name(final String namespace, final String pkg, final String name)
    {
        return ActionLookup.name(namespace, pkg, name);
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
