package dev.whisk.core.entity;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * A package as stored: a named group of actions with shared parameters, or a binding to another (shared) package
 * that adds its own parameters. Packages never nest; {@code namespace} is always a plain namespace.
 *
 * @param binding the bound package, or {@code null} for an ordinary package.
 * @param publish whether other namespaces may read, bind and invoke it.
 */
@JsonPropertyOrder({"namespace", "name", "version", "publish", "binding", "annotations", "parameters", "updated"})
public record WhiskPackage(String namespace, String name, String version, boolean publish, PackageBinding binding,
                           List<Param> annotations, List<Param> parameters, long updated)
    implements WhiskEntity
{
    /** The package name a request may not use: web action URLs spell "no package" as {@code default}. */
    public static final String RESERVED_NAME = "default";

    public WhiskPackage
    {
        annotations = List.copyOf(annotations);
        parameters = List.copyOf(parameters);
    }

    @JsonIgnore
    public boolean isBinding()
    {
        return binding != null;
    }

    @Override
    @JsonIgnore
    public String collection()
    {
        return "packages";
    }
}
