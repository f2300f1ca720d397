package dev.whisk.frontdoor.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationResults;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.core.entity.WhiskTrigger;
import dev.whisk.core.json.Json;
import dev.whisk.scheduler.alarm.Alarm;
import dev.whisk.scheduler.alarm.AlarmService;
import dev.whisk.storage.ActivationStore;
import dev.whisk.storage.EntityStore;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The {@code /whisk.system/alarms} feed actions, run by the platform itself: an invoke with a {@code lifecycleEvent}
 * (CREATE, READ, UPDATE, DELETE) manages the alarm of the trigger named by {@code triggerName}, as OpenWhisk's
 * alarms feed does, and is recorded like any activation. Feed parameters: {@code alarm}: {@code cron} (5 or 6
 * fields), {@code startDate}, {@code stopDate}, {@code maxTriggers}; {@code once}: {@code date}; {@code interval}:
 * {@code minutes}, {@code startDate}, {@code stopDate}; all: {@code trigger_payload} (a string becomes
 * {@code {"payload": ...}}).
 */
public final class AlarmFeed implements dev.whisk.frontdoor.invoke.PlatformFeeds
{
    static final String PACKAGE = "whisk.system/alarms";

    private final AlarmService alarms;
    private final EntityStore store;
    private final ActivationStore activations;

    public AlarmFeed(final AlarmService alarms, final EntityStore store, final ActivationStore activations)
    {
        this.alarms = alarms;
        this.store = store;
        this.activations = activations;
    }

    @Override
    public boolean handles(final WhiskAction action)
    {
        return alarms != null && PACKAGE.equals(action.namespace());
    }

    /** Runs one lifecycle event of {@code feed}; {@code onDone} hears its record at once, on this thread. */
    @Override
    public void run(final Identity identity, final WhiskAction feed, final byte[] params,
        final java.util.function.Consumer<Activation> onDone)
    {
        onDone.accept(run(identity, feed, params));
    }

    /** Runs one lifecycle event of {@code feed} with merged {@code params} as {@code identity}; returns its record. */
    public Activation run(final Identity identity, final WhiskAction feed, final byte[] params)
    {
        final long startMs = System.currentTimeMillis();
        byte[] result;
        ActivationStatus status = ActivationStatus.SUCCESS;
        try
        {
            result = run(identity, feed.name(), (ObjectNode)Json.MAPPER.readTree(params));
        }
        catch (final IllegalArgumentException | java.io.IOException | ClassCastException failure)
        {
            status = ActivationStatus.APPLICATION_ERROR;
            result = ActivationResults.error(failure.getMessage());
        }
        return FeedRuns.record(activations, identity, feed, startMs, status, result);
    }

    private byte[] run(final Identity identity, final String feed, final ObjectNode p)
    {
        final String event = text(p, "lifecycleEvent");
        final String trigger = FeedRuns.triggerId(identity, text(p, "triggerName"));
        switch (event == null ? "" : event.toUpperCase(java.util.Locale.ROOT))
        {
            case "CREATE", "UPDATE" ->
            {
                if (!(store.get(trigger) instanceof WhiskTrigger))
                {
                    throw new IllegalArgumentException("trigger " + trigger + " does not exist");
                }
                alarms.put(alarm(identity, feed, trigger, p));
                return "{}".getBytes(StandardCharsets.UTF_8);
            }
            case "DELETE" ->
            {
                alarms.delete(trigger);
                return "{}".getBytes(StandardCharsets.UTF_8);
            }
            case "READ" ->
            {
                final Alarm a = alarms.get(trigger);
                if (a == null)
                {
                    throw new IllegalArgumentException("no alarm for trigger " + trigger);
                }
                final ObjectNode out = Json.MAPPER.createObjectNode();
                out.set("config", Json.MAPPER.valueToTree(a));
                out.putObject("status").put("active", true);
                return out.toString().getBytes(StandardCharsets.UTF_8);
            }
            default -> throw new IllegalArgumentException("unsupported lifecycleEvent");
        }
    }

    private static Alarm alarm(final Identity identity, final String feed, final String trigger, final ObjectNode p)
    {
        final String payload = payload(p.get("trigger_payload"));
        final long start = time(p, "startDate");
        final long stop = time(p, "stopDate");
        final int max = p.path("maxTriggers").asInt(0);
        return switch (feed)
        {
            case "alarm" ->
            {
                final String cron = text(p, "cron");
                if (cron == null)
                {
                    throw new IllegalArgumentException("alarms trigger feed is missing the cron parameter");
                }
                yield new Alarm(trigger, identity.namespace(), Alarm.Kind.CRON, cron, 0, 0, start, stop, payload, max,
                    0, 0);
            }
            case "once" ->
            {
                final long date = time(p, "date");
                if (date <= System.currentTimeMillis())
                {
                    throw new IllegalArgumentException("date parameter must be a date in the future");
                }
                yield new Alarm(trigger, identity.namespace(), Alarm.Kind.ONCE, null, date, 0, 0, 0, payload, 1, 0, 0);
            }
            case "interval" ->
            {
                final int minutes = p.path("minutes").asInt(0);
                if (minutes <= 0)
                {
                    throw new IllegalArgumentException("minutes parameter must be an integer greater than 0");
                }
                yield new Alarm(trigger, identity.namespace(), Alarm.Kind.INTERVAL, null, 0, minutes, start, stop,
                    payload, max, 0, 0);
            }
            default -> throw new IllegalArgumentException("unknown alarms feed " + feed);
        };
    }

    private static String payload(final JsonNode node)
    {
        if (node == null || node.isNull())
        {
            return "{}";
        }
        if (node.isTextual())
        {
            return Json.MAPPER.createObjectNode().put("payload", node.asText()).toString();
        }
        if (!node.isObject())
        {
            throw new IllegalArgumentException("trigger_payload must be an object or a string");
        }
        return node.toString();
    }

    private static long time(final ObjectNode p, final String field)
    {
        final JsonNode v = p.get(field);
        if (v == null || v.isNull())
        {
            return 0;
        }
        if (v.isNumber())
        {
            return v.asLong();
        }
        try
        {
            return Instant.parse(v.asText()).toEpochMilli();
        }
        catch (final DateTimeParseException ex)
        {
            throw new IllegalArgumentException(field + " is not an ISO date or epoch milliseconds: " + v.asText());
        }
    }

    private static String text(final ObjectNode p, final String field)
    {
        final JsonNode v = p.get(field);
        return v == null || !v.isTextual() ? null : v.asText();
    }
}
