package dev.whisk.scheduler.alarm;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

/** When an alarm is next due. Cron expressions take 5 fields (UNIX) or 6 with leading seconds (Spring). */
final class Schedules
{
    private static final CronParser FIVE = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronParser SIX =
        new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING53));

    private Schedules()
    {
    }

    /**
     * @throws IllegalArgumentException with a message naming the expression when it does not parse.
     */
    static ExecutionTime cron(final String expression)
    {
        final String trimmed = expression == null ? "" : expression.trim();
        final int fields = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
        if (fields != 5 && fields != 6)
        {
            throw new IllegalArgumentException("cron pattern '" + expression + "' must have 5 or 6 fields");
        }
        try
        {
            return ExecutionTime.forCron((fields == 5 ? FIVE : SIX).parse(trimmed));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("cron pattern '" + expression + "' is not valid: " + ex.getMessage());
        }
    }

    /** The next due time strictly after {@code afterMs}, or -1 when the alarm is done. */
    static long next(final Alarm a, final long afterMs)
    {
        if (a.maxTriggers() > 0 && a.fired() >= a.maxTriggers())
        {
            return -1;
        }
        final long from = Math.max(afterMs, a.startMs() - 1);
        final long next = switch (a.kind())
        {
            case ONCE -> a.fired() > 0 ? -1 : a.dateMs();
            case INTERVAL ->
            {
                final long periodMs = a.minutes() * 60_000L;
                final long anchor = a.lastFiredMs() > 0 ? a.lastFiredMs() : Math.max(a.startMs(), afterMs);
                long t = anchor + (a.lastFiredMs() > 0 ? periodMs : 0);
                while (t <= from)
                {
                    t += periodMs;
                }
                yield t;
            }
            case CRON ->
            {
                final Optional<ZonedDateTime> n = cron(a.cron()).nextExecution(
                    ZonedDateTime.ofInstant(Instant.ofEpochMilli(from), ZoneOffset.UTC));
                yield n.map(z -> z.toInstant().toEpochMilli()).orElse(-1L);
            }
        };
        return next < 0 || (a.stopMs() > 0 && next > a.stopMs()) ? -1 : next;
    }
}
