package dev.whisk.core.entity;

/**
 * One entry of a trigger's {@code rules} map: the action the rule runs and whether it is active.
 */
public record RuleLink(EntityRef action, RuleStatus status)
{
    public RuleLink withStatus(final RuleStatus newStatus)
    {
        return new RuleLink(action, newStatus);
    }
}
