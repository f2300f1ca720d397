package dev.whisk.core.entity;

/**
 * A name in OpenWhisk's single id space per namespace: {@code ns/name} or {@code ns/pkg/name}.
 *
 * @param namespace the owning namespace.
 * @param pkg       the package, or {@code null} for an entity directly in the namespace.
 * @param name      the simple name.
 */
public record FullyQualifiedName(String namespace, String pkg, String name)
{
    public FullyQualifiedName
    {
        EntityName.require(namespace);
        if (pkg != null)
        {
            EntityName.require(pkg);
        }
        EntityName.require(name);
    }

    public static FullyQualifiedName of(final String namespace, final String name)
    {
        return new FullyQualifiedName(namespace, null, name);
    }

    /**
     * Parses {@code /ns/name}, {@code /ns/pkg/name}, {@code name} or {@code pkg/name}; {@code _} and relative
     * names resolve to {@code defaultNamespace}.
     */
    public static FullyQualifiedName parse(final String text, final String defaultNamespace)
    {
        if (text == null || text.isEmpty())
        {
            throw new IllegalArgumentException(Messages.ILLEGAL_NAME);
        }
        final String[] parts = text.startsWith("/") ? text.substring(1).split("/", -1) : text.split("/", -1);
        if (text.startsWith("/"))
        {
            final String ns = "_".equals(parts[0]) ? defaultNamespace : parts[0];
            return switch (parts.length)
            {
                case 2 -> new FullyQualifiedName(ns, null, parts[1]);
                case 3 -> new FullyQualifiedName(ns, parts[1], parts[2]);
                default -> throw new IllegalArgumentException(Messages.ILLEGAL_NAME);
            };
        }
        return switch (parts.length)
        {
            case 1 -> new FullyQualifiedName(defaultNamespace, null, parts[0]);
            case 2 -> new FullyQualifiedName(defaultNamespace, parts[0], parts[1]);
            default -> throw new IllegalArgumentException(Messages.ILLEGAL_NAME);
        };
    }

    /** The entity's {@code namespace} field: {@code ns} or {@code ns/pkg}. */
    public String entityPath()
    {
        return pkg == null ? namespace : namespace + "/" + pkg;
    }

    /** The document id and the activation {@code path} annotation: {@code ns/[pkg/]name}. */
    public String path()
    {
        return entityPath() + "/" + name;
    }

    /** {@code /ns/[pkg/]name}, as sent to the runtime in {@code action_name}. */
    public String qualifiedName()
    {
        return "/" + path();
    }

    @Override
    public String toString()
    {
        return path();
    }
}
