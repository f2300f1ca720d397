package dev.whisk.core.entity;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * A rule as stored: when {@code trigger} fires, run {@code action}. Its status is not stored here but in the
 * trigger's {@code rules} map, as OpenWhisk does.
 */
@JsonPropertyOrder({"namespace", "name", "version", "publish", "annotations", "trigger", "action", "updated"})
public record WhiskRule(String namespace, String name, String version, boolean publish, List<Param> annotations,
                        EntityRef trigger, EntityRef action, long updated)
    implements WhiskEntity
{
    public WhiskRule
    {
        annotations = List.copyOf(annotations);
    }

    @Override
    @JsonIgnore
    public String collection()
    {
        return "rules";
    }
}
