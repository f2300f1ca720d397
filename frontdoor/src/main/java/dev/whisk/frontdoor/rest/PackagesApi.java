package dev.whisk.frontdoor.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.entity.EntityName;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.entity.PackageBinding;
import dev.whisk.core.entity.Param;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.core.entity.WhiskEntity;
import dev.whisk.core.entity.WhiskPackage;
import dev.whisk.core.json.Json;
import dev.whisk.frontdoor.ApiError;
import dev.whisk.frontdoor.Exchange;
import dev.whisk.frontdoor.invoke.ActionLookup;
import dev.whisk.frontdoor.invoke.Bodies;
import dev.whisk.storage.EntityStore;
import dev.whisk.storage.WriteResult;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Packages: create, update (also as a binding to a shared package), read with their actions, list (another
 * namespace's list shows only its published packages) and delete ({@code force} deletes the actions first).
 */
public final class PackagesApi
{
    private static final int ALL = Integer.MAX_VALUE;

    private final EntityStore store;
    private final ActionLookup lookup;

    public PackagesApi(final EntityStore store)
    {
        this.store = store;
        this.lookup = new ActionLookup(store);
    }

    public void list(final Exchange ex, final Identity identity, final String namespace)
    {
        final Paging paging = Paging.of(ex, "packages");
        final boolean own = namespace.equals(identity.namespace());
        final List<WhiskEntity> visible;
        if (own)
        {
            if (paging.count())
            {
                sendCount(ex, store.count(namespace, "packages"));
                return;
            }
            visible = store.list(namespace, "packages", paging.skip(), paging.limit());
        }
        else
        {
            final List<WhiskEntity> all = store.list(namespace, "packages", 0, ALL);
            final List<WhiskEntity> published = new ArrayList<>(all.size());
            for (final WhiskEntity e : all)
            {
                if (((WhiskPackage)e).publish())
                {
                    published.add(e);
                }
            }
            if (paging.count())
            {
                sendCount(ex, published.size());
                return;
            }
            final int from = Math.min(paging.skip(), published.size());
            visible = published.subList(from, (int)Math.min(published.size(), (long)from + paging.limit()));
        }
        final ArrayNode out = Json.MAPPER.createArrayNode();
        for (final WhiskEntity e : visible)
        {
            out.add(listItem((WhiskPackage)e));
        }
        ex.sendJson(HttpResponseStatus.OK, out.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The package with its actions and feeds; a binding shows its target's, with parameters binding over target. */
    public void get(final Exchange ex, final Identity identity, final String namespace, final String name)
    {
        final WhiskPackage p = lookup.readablePackage(identity, namespace, name, namespace + "/" + name);
        final WhiskPackage source = p.isBinding() ? lookup.boundPackage(identity, p, namespace + "/" + name) : p;
        final ObjectNode out = document(p);
        if (p.isBinding())
        {
            out.set("parameters", Json.MAPPER.valueToTree(PutFields.merge(source.parameters(), p.parameters())));
        }
        final ArrayNode actions = out.putArray("actions");
        final ArrayNode feeds = out.putArray("feeds");
        for (final WhiskEntity e : store.list(source.namespace() + "/" + source.name(), "actions", 0, ALL))
        {
            final WhiskAction a = (WhiskAction)e;
            final ObjectNode item = Json.MAPPER.createObjectNode();
            item.put("name", a.name());
            item.put("version", a.version());
            item.set("annotations", Json.MAPPER.valueToTree(a.annotations()));
            (Param.find(a.annotations(), "feed") != null ? feeds : actions).add(item);
        }
        ex.sendJson(HttpResponseStatus.OK, out.toString().getBytes(StandardCharsets.UTF_8));
    }

    public void put(final Exchange ex, final Identity identity, final String namespace, final String name)
    {
        if (!namespace.equals(identity.namespace()))
        {
            throw ActionLookup.forbidden(namespace + "/" + name);
        }
        if (!EntityName.isValid(name))
        {
            throw ApiError.badRequest(Messages.ILLEGAL_NAME);
        }
        if (WhiskPackage.RESERVED_NAME.equals(name))
        {
            throw ApiError.badRequest(Messages.PACKAGE_NAME_RESERVED);
        }
        final ObjectNode body = Bodies.object(ex.body());
        final WhiskEntity current = store.get(namespace + "/" + name);
        if (current != null && !(current instanceof WhiskPackage))
        {
            throw new ApiError(HttpResponseStatus.CONFLICT, Messages.WRONG_COLLECTION);
        }
        if (current != null && !ex.queryFlag("overwrite"))
        {
            throw new ApiError(HttpResponseStatus.CONFLICT, Messages.ENTITY_EXISTS);
        }
        final WhiskPackage existing = (WhiskPackage)current;
        final PackageBinding binding = binding(identity, namespace, name, body.get("binding"), existing);
        final List<Param> parameters = PutFields.parameters(body, existing == null ? null : existing.parameters());
        final List<Param> annotations = PutFields.annotations(body, existing == null ? null :
            existing.annotations());
        PutFields.checkSize(parameters, annotations, ActionDocs.MAX_PARAMETER_BYTES);
        final WhiskPackage p = new WhiskPackage(namespace, name,
            PutFields.version(body, existing == null ? null : existing.version()),
            PutFields.publish(body, existing != null && existing.publish()), binding, annotations, parameters,
            Writes.stamp(existing == null ? 0 : existing.updated()));
        Writes.answer(ex, store.put(p, existing), document(p).toString().getBytes(StandardCharsets.UTF_8),
            Writes.conflictMessage(existing));
    }

    public void delete(final Exchange ex, final Identity identity, final String namespace, final String name)
    {
        if (!namespace.equals(identity.namespace()))
        {
            throw ActionLookup.forbidden(namespace + "/" + name);
        }
        final WhiskPackage p = lookup.readablePackage(identity, namespace, name, namespace + "/" + name);
        final List<WhiskEntity> contents = store.list(namespace + "/" + name, "actions", 0, ALL);
        if (!contents.isEmpty() && !ex.queryFlag("force"))
        {
            throw new ApiError(HttpResponseStatus.CONFLICT, Messages.packageNotEmpty(contents.size()));
        }
        final byte[] okBody = document(p).toString().getBytes(StandardCharsets.UTF_8);
        if (contents.isEmpty())
        {
            Writes.answer(ex, store.delete(p.docId(), p), okBody, Messages.CONCURRENT_MODIFICATION);
            return;
        }
        final List<CompletableFuture<WriteResult>> deletes = new ArrayList<>(contents.size());
        for (final WhiskEntity e : contents)
        {
            deletes.add(store.delete(e.docId(), e));
        }
        final CompletableFuture<WriteResult> all = CompletableFuture.allOf(deletes.toArray(new CompletableFuture[0]))
            .thenCompose(ignored -> store.delete(p.docId(), p));
        Writes.answer(ex, all, okBody, Messages.CONCURRENT_MODIFICATION);
    }

    private PackageBinding binding(final Identity identity, final String namespace, final String name,
        final JsonNode node, final WhiskPackage existing)
    {
        if (node == null || node.isNull() || (node.isObject() && node.isEmpty()))
        {
            return node == null && existing != null ? existing.binding() : null;
        }
        if (!node.isObject() || !node.path("namespace").isTextual() || !node.path("name").isTextual())
        {
            throw ApiError.badRequest("'binding' must be an object {namespace, name}");
        }
        final String ns = "_".equals(node.get("namespace").asText()) ? identity.namespace() :
            node.get("namespace").asText();
        final String target = node.get("name").asText();
        if (!EntityName.isValid(ns) || !EntityName.isValid(target))
        {
            throw ApiError.badRequest(Messages.ILLEGAL_NAME);
        }
        if (ns.equals(namespace) && target.equals(name))
        {
            throw new ApiError(HttpResponseStatus.UNPROCESSABLE_ENTITY, Messages.BINDING_TO_SELF);
        }
        final WhiskEntity e = store.get(ns + "/" + target);
        final boolean visible = ns.equals(identity.namespace()) ||
            (e instanceof WhiskPackage wp && wp.publish());
        if (!visible && !ns.equals(identity.namespace()))
        {
            throw ActionLookup.forbidden(ns + "/" + target);
        }
        if (!(e instanceof WhiskPackage targetPackage))
        {
            throw ApiError.badRequest(Messages.BINDING_TARGET_MISSING);
        }
        if (targetPackage.isBinding())
        {
            throw ApiError.badRequest(Messages.BINDING_TO_BINDING);
        }
        return new PackageBinding(ns, target);
    }

    /** GET/PUT/DELETE form: {@code binding} is {@code {}} for an ordinary package. */
    static ObjectNode document(final WhiskPackage p)
    {
        final ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("namespace", p.namespace());
        out.put("name", p.name());
        out.put("version", p.version());
        out.put("publish", p.publish());
        out.set("binding", p.isBinding() ? Json.MAPPER.valueToTree(p.binding()) : Json.MAPPER.createObjectNode());
        out.set("parameters", Json.MAPPER.valueToTree(p.parameters()));
        out.set("annotations", Json.MAPPER.valueToTree(p.annotations()));
        out.put("updated", p.updated());
        return out;
    }

    /** List form: {@code binding} is {@code false} or the binding object; no parameters. */
    private static ObjectNode listItem(final WhiskPackage p)
    {
        final ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("namespace", p.namespace());
        out.put("name", p.name());
        out.put("version", p.version());
        out.put("publish", p.publish());
        out.set("annotations", Json.MAPPER.valueToTree(p.annotations()));
        out.put("updated", p.updated());
        if (p.isBinding())
        {
            out.set("binding", Json.MAPPER.valueToTree(p.binding()));
        }
        else
        {
            out.put("binding", false);
        }
        return out;
    }

    private static void sendCount(final Exchange ex, final int count)
    {
        ex.sendJson(HttpResponseStatus.OK, Json.MAPPER.createObjectNode().put("packages", count).toString()
            .getBytes(StandardCharsets.UTF_8));
    }
}
