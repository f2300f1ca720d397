package dev.whisk.core.entity;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * An action as stored and as returned by GET, PUT and DELETE.
 *
 * @param namespace   {@code ns} or {@code ns/pkg}.
 * @param updated     epoch ms of the last write; together with {@code version} it identifies a revision.
 */
@JsonPropertyOrder({"namespace", "name", "version", "publish", "exec", "annotations", "parameters", "limits",
    "updated"})
public record WhiskAction(String namespace, String name, String version, boolean publish, Exec exec,
                          List<Param> annotations, List<Param> parameters, ActionLimits limits, long updated)
    implements WhiskEntity
{
    public WhiskAction
    {
        annotations = List.copyOf(annotations);
        parameters = List.copyOf(parameters);
    }

    @JsonIgnore
    public FullyQualifiedName fullyQualifiedName()
    {
        final int slash = namespace.indexOf('/');
        return slash < 0 ?
            new FullyQualifiedName(namespace, null, name) :
            new FullyQualifiedName(namespace.substring(0, slash), namespace.substring(slash + 1), name);
    }

    @Override
    @JsonIgnore
    public String collection()
    {
        return "actions";
    }

    public WhiskAction withoutCode()
    {
        return new WhiskAction(namespace, name, version, publish, exec.withoutCode(), annotations, parameters,
            limits, updated);
    }
}
