package dev.whisk.core.entity;

/**
 * A reference to an entity as rules and triggers write it: {@code {"path": "guest", "name": "hello"}}, where
 * {@code path} is {@code ns} or {@code ns/pkg}.
 */
public record EntityRef(String path, String name)
{
    public EntityRef
    {
        if (path == null || path.isEmpty())
        {
            throw new IllegalArgumentException(Messages.ILLEGAL_NAME);
        }
        EntityName.require(name);
    }

    public static EntityRef of(final FullyQualifiedName fqn)
    {
        return new EntityRef(fqn.entityPath(), fqn.name());
    }

    /** The document id, {@code ns/[pkg/]name}. */
    public String docId()
    {
        return path + "/" + name;
    }

    /** {@code /ns/[pkg/]name}. */
    public String qualifiedName()
    {
        return "/" + docId();
    }
}
