package dev.whisk.scheduler.alarm;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One timer attached to a trigger, as the {@code /whisk.system/alarms} feeds create it.
 *
 * @param trigger      the trigger's document id, {@code ns/name}.
 * @param owner        the namespace whose identity fires it (the one that created it).
 * @param cron         for {@link Kind#CRON}: 5 fields, or 6 with leading seconds.
 * @param dateMs       for {@link Kind#ONCE}: when to fire, epoch ms.
 * @param minutes      for {@link Kind#INTERVAL}: the period.
 * @param startMs      not before this (0: no bound).
 * @param stopMs       not after this (0: no bound).
 * @param payload      JSON object text handed to the fire.
 * @param maxTriggers  stop after this many fires (0: no bound).
 * @param fired        how many times it fired so far.
 * @param lastFiredMs  when it last fired (0: never).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Alarm(String trigger, String owner, Kind kind, String cron, long dateMs, int minutes, long startMs,
                    long stopMs, String payload, int maxTriggers, int fired, long lastFiredMs)
{
    /** The three feeds of the alarms package. */
    public enum Kind
    {
        CRON, ONCE, INTERVAL
    }

    Alarm firedAt(final long nowMs)
    {
        return new Alarm(trigger, owner, kind, cron, dateMs, minutes, startMs, stopMs, payload, maxTriggers,
            fired + 1, nowMs);
    }
}
