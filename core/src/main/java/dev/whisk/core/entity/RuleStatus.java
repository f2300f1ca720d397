package dev.whisk.core.entity;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Whether a rule fires its action when its trigger fires; kept in the trigger's {@code rules} map. */
public enum RuleStatus
{
    ACTIVE("active"),
    INACTIVE("inactive");

    private final String wire;

    RuleStatus(final String wire)
    {
        this.wire = wire;
    }

    @JsonValue
    public String wire()
    {
        return wire;
    }

    /** The status named {@code text} ({@code active} or {@code inactive}), or {@code null}. */
    @JsonCreator
    public static RuleStatus ofWire(final String text)
    {
        for (final RuleStatus s : values())
        {
            if (s.wire.equals(text))
            {
                return s;
            }
        }
        return null;
    }
}
