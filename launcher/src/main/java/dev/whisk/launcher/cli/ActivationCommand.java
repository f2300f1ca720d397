package dev.whisk.launcher.cli;

import dev.whisk.launcher.cli.CliCommand.Flag;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@code whisk activation list|get|logs|result|poll}. */
final class ActivationCommand
{
    static final String DESCRIPTION = "Work with activations.";
    static final List<String> COMMANDS = List.of("list", "get", "logs", "result", "poll");

    private ActivationCommand()
    {
    }

    /** The sub-command {@code name}, or {@code null}. */
    static CliCommand command(final String name)
    {
        return switch (name)
        {
            case "list" -> new ListActivations();
            case "get" -> new Get();
            case "logs" -> new One("logs", "Show an activation's logs.", "/logs");
            case "result" -> new One("result", "Show an activation's result.", "/result");
            case "poll" -> new Poll();
            default -> null;
        };
    }

    static final Flag LAST = Flag.toggle("The newest activation.", "-l", "--last");

    /** The columns of {@code wsk activation list}. */
    private static final int[] COLUMNS = {19, 32, 9, 5, 10, 18};
    private static final String[] STATUS = {"success", "application error", "developer error", "internal error"};

    /**
     * {@code yyyy-MM-dd HH:mm:ss} of {@code epochMs} in the local time zone, as {@code wsk} shows a start (written out
     * rather than through a {@code DateTimeFormatter}, whose pattern machinery a one-shot command would set up).
     */
    static String dateTime(final long epochMs)
    {
        final LocalDateTime t = LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMs), ZoneId.systemDefault());
        final StringBuilder sb = new StringBuilder(19);
        sb.append(t.getYear()).append('-');
        twoDigits(sb, t.getMonthValue()).append('-');
        twoDigits(sb, t.getDayOfMonth()).append(' ');
        twoDigits(sb, t.getHour()).append(':');
        twoDigits(sb, t.getMinute()).append(':');
        return twoDigits(sb, t.getSecond()).toString();
    }

    private static StringBuilder twoDigits(final StringBuilder sb, final int value)
    {
        return sb.append(value < 10 ? "0" : "").append(value);
    }

    /** {@code list [ACTION]}: a table, newest first. */
    static final class ListActivations extends EntityCommand.Listing
    {
        static final Flag SINCE = Flag.number("MS", "Only activations that started at or after this epoch ms.",
            "--since");
        static final Flag UPTO = Flag.number("MS", "Only activations that started at or before this epoch ms.",
            "--upto");
        static final Flag FULL = Flag.toggle("Full records.", "-f", "--full");

        ListActivations()
        {
            super("activations", "List activations, newest first.", "ACTION");
            flags(ActionCommand.SKIP, ActionCommand.LIMIT, SINCE, UPTO, FULL);
        }

        @Override
        String listPath()
        {
            final StringBuilder q = new StringBuilder(super.listPath())
                .append(pagingQuery(integer(ActionCommand.SKIP, 0), integer(ActionCommand.LIMIT, 30)));
            if (operand(0) != null)
            {
                q.append("&name=").append(RestClient.encode(operand(0)));
            }
            if (isSet(SINCE))
            {
                q.append("&since=").append(number(SINCE));
            }
            if (isSet(UPTO))
            {
                q.append("&upto=").append(number(UPTO));
            }
            if (isSet(FULL))
            {
                q.append("&docs=true");
            }
            return q.toString();
        }

        /** The table's header. */
        @Override
        String title()
        {
            return columns("Datetime", "Activation ID", "Kind", "Start", "Duration", "Status", "Entity");
        }

        /** {@code --full}: the records, as the server's JSON. */
        @Override
        boolean raw()
        {
            return isSet(FULL);
        }

        /** One activation as a row of {@code wsk activation list}. */
        @Override
        public String of(final JsonValue a)
        {
            final JsonValue kind = annotation(a, "kind");
            final JsonValue path = annotation(a, "path");
            final int code = a.path("statusCode").asInt(a.path("response").path("statusCode").asInt(0));
            return columns(dateTime(a.path("start").asLong()), a.path("activationId").asText(),
                kind == null ? "unknown" : kind.asText(), annotation(a, "initTime") != null ? "cold" : "warm",
                a.path("duration").asLong() + "ms", code >= 0 && code < STATUS.length ? STATUS[code] : "status " + code,
                (path == null ? a.path("namespace").asText() + "/" + a.path("name").asText() : path.asText()) + ":" +
                a.path("version").asText());
        }

        private static String columns(final String... cells)
        {
            final StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cells.length; i++)
            {
                sb.append(i < COLUMNS.length ? pad(cells[i], COLUMNS[i]) + " " : cells[i]);
            }
            return sb.toString();
        }
    }

    /** {@code poll}: prints activations as they arrive, with their logs. */
    static final class Poll extends ClientCommand
    {
        private static final long INTERVAL_MS = 1_000;
        static final Flag EXIT = Flag.number("SECONDS", "Stop after this many seconds (0: never).", "-e", "--exit");

        Poll()
        {
            super("poll", "Print activations as they arrive (with their logs), until --exit seconds passed.", 0);
            flags(EXIT);
        }

        @Override
        int execute(final RestClient client) throws IOException
        {
            final long exitSeconds = isSet(EXIT) ? number(EXIT) : 0;
            final long startMs = System.currentTimeMillis();
            final long deadlineMs = exitSeconds <= 0 ? Long.MAX_VALUE : startMs + exitSeconds * 1_000;
            final Set<String> seen = new HashSet<>();
            System.out.println("Enter Ctrl-c to exit.");
            while (System.currentTimeMillis() < deadlineMs)
            {
                final RestClient.Response r = client.send("GET", "/namespaces/_/activations?docs=true&limit=200" +
                    "&since=" + startMs, null);
                if (!r.isOk())
                {
                    return print(r);
                }
                final List<JsonValue> fresh = new ArrayList<>();
                for (final JsonValue a : r.json())
                {
                    if (seen.add(a.path("activationId").asText()))
                    {
                        fresh.add(a);
                    }
                }
                for (int i = fresh.size() - 1; i >= 0; i--)
                {
                    final JsonValue a = fresh.get(i);
                    System.out.println("Activation: '" + a.path("name").asText() + "' (" +
                        a.path("activationId").asText() + ")");
                    for (final JsonValue line : a.path("logs"))
                    {
                        System.out.println(line.asText());
                    }
                }
                System.out.flush();
                try
                {
                    Thread.sleep(Math.min(INTERVAL_MS, Math.max(1, deadlineMs - System.currentTimeMillis())));
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return 0;
                }
            }
            return 0;
        }
    }

    /**
     * The commands that take one activation id, or {@code --last} for the newest activation: {@code logs} and
     * {@code result} print that part of it, {@code get} (a subclass) the record.
     */
    static class One extends ClientCommand
    {
        private final String suffix;

        One(final String name, final String description, final String suffix)
        {
            super(name, description, 0, "ID");
            this.suffix = suffix;
            flags(LAST);
        }

        @Override
        final int execute(final RestClient client) throws IOException
        {
            String target = operand(0);
            if (isSet(LAST) || target == null)
            {
                if (!isSet(LAST))
                {
                    throw new IllegalArgumentException("an activation ID or --last is required");
                }
                final RestClient.Response newest = send(client, "GET", "/namespaces/_/activations?limit=1", null);
                if (!newest.isOk())
                {
                    return error(newest);
                }
                if (newest.json().isEmpty())
                {
                    throw new IllegalArgumentException("there are no activations");
                }
                target = newest.json().path(0).path("activationId").asText();
            }
            return show(send(client, "GET", "/namespaces/_/activations/" + RestClient.encode(target) + suffix,
                null), target);
        }

        /** Prints the answer about activation {@code id}. */
        int show(final RestClient.Response r, final String id)
        {
            if (!r.isOk() || wantsJson())
            {
                return print(r);
            }
            if ("/logs".equals(suffix))
            {
                for (final JsonValue line : r.json().path("logs"))
                {
                    System.out.println(line.asText());
                }
            }
            else
            {
                System.out.println(r.json().path("result").toPrettyString());
            }
            return 0;
        }
    }

    /** {@code get ID|--last}, {@code --summary}. */
    static final class Get extends One
    {
        static final Flag SUMMARY = Flag.toggle("Only the result and the logs.", "-s", "--summary");

        Get()
        {
            super("get", "Show an activation record.", "");
            flags(SUMMARY);
        }

        @Override
        int show(final RestClient.Response r, final String target)
        {
            if (!isSet(SUMMARY) || !r.isOk() || wantsJson())
            {
                return shown(r, "got activation " + target);
            }
            final JsonValue a = r.json();
            System.out.println("activation result for '/" + a.path("namespace").asText() + "/" +
                a.path("name").asText() + "' (" + a.path("response").path("status").asText() + " at " +
                dateTime(a.path("start").asLong()) + ")");
            System.out.println(a.path("response").path("result").toPrettyString());
            return 0;
        }
    }
}
