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
 *
 * @param feedByPlatform whether the platform, not the client, ran the {@code CREATE} of the trigger's feed (see the
 *                       {@code feedParameters} field of a trigger PUT), so that the platform also runs its
 *                       {@code DELETE}; false for triggers whose client runs the feed lifecycle itself, as wsk does.
 * @param webhookSecret  the secret an outside system proves to fire the trigger through its webhook, or
 *                       {@code null} when it has none. Never rendered to clients after it was handed out.
 */
@JsonPropertyOrder({"namespace", "name", "version", "publish", "annotations", "parameters", "rules", "updated",
    "feedByPlatform", "webhookSecret"})
public record WhiskTrigger(String namespace, String name, String version, boolean publish, List<Param> annotations,
                           List<Param> parameters, Map<String, RuleLink> rules, long updated, boolean feedByPlatform,
                           String webhookSecret)
    implements WhiskEntity
{
    public WhiskTrigger
    {
        annotations = List.copyOf(annotations);
        parameters = List.copyOf(parameters);
        rules = rules == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(rules));
    }

    /** A trigger with no platform-run feed and no webhook. */
    public WhiskTrigger(final String namespace, final String name, final String version, final boolean publish,
        final List<Param> annotations, final List<Param> parameters, final Map<String, RuleLink> rules,
        final long updated)
    {
        this(namespace, name, version, publish, annotations, parameters, rules, updated, false, null);
    }

    /** This trigger with its webhook secret set to {@code secret} ({@code null}: no webhook) at {@code nowMs}. */
    public WhiskTrigger withWebhookSecret(final String secret, final long nowMs)
    {
        return new WhiskTrigger(namespace, name, SemVer.bumpPatch(version), publish, annotations, parameters, rules,
            nowMs, feedByPlatform, secret);
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
            nowMs, feedByPlatform, webhookSecret);
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
