package dev.whisk.core.entity;

/**
 * The package a binding refers to: {@code {"namespace": "whisk.system", "name": "alarms"}}.
 *
 * @param namespace the namespace of the bound package, never {@code _}.
 * @param name      the simple name of the bound package.
 */
public record PackageBinding(String namespace, String name)
{
    public PackageBinding
    {
        EntityName.require(namespace);
        EntityName.require(name);
    }

    /** The document id of the bound package, {@code ns/name}. */
    public String docId()
    {
        return namespace + "/" + name;
    }
}
