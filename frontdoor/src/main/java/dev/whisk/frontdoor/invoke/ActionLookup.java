package dev.whisk.frontdoor.invoke;

import dev.whisk.core.entity.EntityName;
import dev.whisk.core.entity.FullyQualifiedName;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.entity.Param;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.core.entity.WhiskEntity;
import dev.whisk.core.entity.WhiskPackage;
import dev.whisk.storage.EntityStore;

import java.util.List;

/**
 * Finds what a caller may read or invoke, with OpenWhisk's rights: everything in the caller's own namespace; in
 * another namespace only packages marked {@code publish} and the actions in them. A binding resolves to the package it
 * binds, and its parameters rank above that package's. A foreign entity that is missing or private gives the same
 * 403, so nothing about another namespace leaks. Stateless; any thread.
 */
public final class ActionLookup
{
    private final EntityStore store;

    public ActionLookup(final EntityStore store)
    {
        this.store = store;
    }

    /** The store the entities are read from. */
    public EntityStore store()
    {
        return store;
    }

    /**
     * An action and the parameters it inherits from its package (package, then binding over it).
     *
     * @param path the path the action is reached under, {@code ns/[pkg/]name}: through a binding, the binding's.
     */
    public record Resolved(WhiskAction action, List<Param> inherited, String path)
    {
    }

    public Resolved action(final Identity identity, final String namespace, final String pkg, final String name)
    {
        final boolean own = namespace.equals(identity.namespace());
        if (pkg == null)
        {
            if (!own)
            {
                throw forbidden(namespace + "/" + name);
            }
            return new Resolved(find(store, namespace, null, name), List.of(), namespace + "/" + name);
        }
        final String path = namespace + "/" + pkg + "/" + name;
        final WhiskPackage p = readablePackage(identity, namespace, pkg, path);
        if (!p.isBinding())
        {
            return new Resolved(find(store, namespace, pkg, name), p.parameters(), path);
        }
        final WhiskPackage target = boundPackage(identity, p, path);
        return new Resolved(find(store, target.namespace(), target.name(), name),
            Arguments.layer(target.parameters(), p.parameters()), path);
    }

    /** The action at {@code ns/[pkg/]name}, or NOT_FOUND (CONFLICT when the name belongs to another collection). */
    public static WhiskAction find(final EntityStore store, final String namespace, final String pkg,
        final String name)
    {
        final WhiskEntity e = store.get(name(namespace, pkg, name).path());
        if (e == null)
        {
            throw Refusal.notFound();
        }
        if (!(e instanceof WhiskAction action))
        {
            throw new Refusal(Refusal.Kind.CONFLICT, Messages.WRONG_COLLECTION);
        }
        return action;
    }

    /**
     * The package {@code ns/pkg} if the caller may read it: its own, or a published one of another namespace.
     *
     * @param shownPath what a 403 names.
     */
    public WhiskPackage readablePackage(final Identity identity, final String namespace, final String pkg,
        final String shownPath)
    {
        final boolean own = namespace.equals(identity.namespace());
        if (!EntityName.isValid(pkg))
        {
            throw Refusal.badRequest(Messages.ILLEGAL_NAME);
        }
        final WhiskEntity e = store.get(namespace + "/" + pkg);
        if (!own && (!(e instanceof WhiskPackage) || !((WhiskPackage)e).publish()))
        {
            throw forbidden(shownPath);
        }
        if (e == null)
        {
            throw Refusal.notFound();
        }
        if (!(e instanceof WhiskPackage p))
        {
            throw new Refusal(Refusal.Kind.CONFLICT, Messages.WRONG_COLLECTION);
        }
        return p;
    }

    /** The package a binding refers to, if it still exists and the caller may still read it. */
    public WhiskPackage boundPackage(final Identity identity, final WhiskPackage binding, final String shownPath)
    {
        final WhiskEntity e = store.get(binding.binding().docId());
        if (!(e instanceof WhiskPackage target) || target.isBinding())
        {
            throw Refusal.notFound();
        }
        if (!target.namespace().equals(identity.namespace()) && !target.publish() &&
            !target.namespace().equals(binding.namespace()))
        {
            throw forbidden(shownPath);
        }
        return target;
    }

    public static Refusal forbidden(final String what)
    {
        return new Refusal(Refusal.Kind.FORBIDDEN, Messages.notAuthorized(what));
    }

    public static FullyQualifiedName name(final String namespace, final String pkg, final String name)
    {
        if (!EntityName.isValid(namespace) || (pkg != null && !EntityName.isValid(pkg)) ||
            !EntityName.isValid(name))
        {
            throw Refusal.badRequest(Messages.ILLEGAL_NAME);
        }
        return new FullyQualifiedName(namespace, pkg, name);
    }
}
