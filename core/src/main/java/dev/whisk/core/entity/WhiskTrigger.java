package dev.whisk.core.entity;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trigger as stored, with the rules that hang off it: {@code rules} maps the rule's document id
 * ({@code ns/rule}) to its action and status. An update of the trigger keeps its rules.
 */
@JsonPropertyOrder({"namespace", "name", "version", "publish", "annotations", "parameters", "rules", "updated"})
public record WhiskTrigger(String namespace, String name, String version, boolean publish, List<Param> annotations,
                           List<Param> parameters, Map<String, RuleLink> rules, long updated)
    implements WhiskEntity
{
    public WhiskTrigger
    {
        annotations = List.copyOf(annotations);
        parameters = List.copyOf(parameters);
        rules = rules == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(rules));
    }

    @Override
    @JsonIgnore
    public String collection()
    {
        return "triggers";
    }

    /** This trigger with {@code link} set (or, when {@code null}, removed) for rule {@code ruleId}. */
    public WhiskTrigger withRule(final String ruleId, final RuleLink link, final long nowMs)
    {
        final Map<String, RuleLink> next = new LinkedHashMap<>(rules);
        if (link == null)
        {
            next.remove(ruleId);
        }
        else
        {
            next.put(ruleId, link);
        }
        return new WhiskTrigger(namespace, name, SemVer.bumpPatch(version), publish, annotations, parameters, next,
            nowMs);
    }

    /** Whether any rule on this trigger is active. */
    @JsonIgnore
    public boolean hasActiveRule()
    {
        for (final RuleLink link : rules.values())
        {
            if (link.status() == RuleStatus.ACTIVE)
            {
                return true;
            }
        }
        return false;
    }
}
