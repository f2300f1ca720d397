package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@code whisk activation list|get|logs|result|poll}. */
@Command(name = "activation", mixinStandardHelpOptions = true, description = "Work with activations.",
    subcommands = {ActivationCommand.ListActivations.class, ActivationCommand.Get.class,
        ActivationCommand.Logs.class, ActivationCommand.Result.class, ActivationCommand.Poll.class})
final class ActivationCommand implements Runnable
{
    @Override
    public void run()
    {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List activations, newest first.")
    static final class ListActivations extends ClientCommand
    {
        @Parameters(index = "0", paramLabel = "ACTION", arity = "0..1", description = "name or pkg/name")
        String name;

        @Option(names = "--skip", defaultValue = "0")
        int skip;

        @Option(names = "--limit", defaultValue = "30")
        int limit;

        @Option(names = "--since", description = "epoch ms")
        Long since;

        @Option(names = "--upto", description = "epoch ms")
        Long upto;

        @Option(names = {"-f", "--full"}, description = "Full records.")
        boolean full;

        @Override
        int execute(final RestClient client) throws IOException
        {
            final StringBuilder q = new StringBuilder("/namespaces/_/activations").append(pagingQuery(skip, limit));
            if (name != null)
            {
                q.append("&name=").append(RestClient.encode(name));
            }
            if (since != null)
            {
                q.append("&since=").append(since);
            }
            if (upto != null)
            {
                q.append("&upto=").append(upto);
            }
            if (full)
            {
                q.append("&docs=true");
            }
            final RestClient.Response r = send(client, "GET", q.toString(), null);
            if (full)
            {
                return print(r);
            }
            return listed(r, String.format(ROW, "Datetime", "Activation ID", "Kind", "Start", "Duration", "Status",
                "Entity"), ActivationCommand::row);
        }
    }

    /** The columns of {@code wsk activation list}. */
    private static final String ROW = "%-19s %-32s %-9s %-5s %-10s %-18s %s";
    private static final java.time.format.DateTimeFormatter DATE_TIME =
        java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(java.time.ZoneId.systemDefault());
    private static final String[] STATUS = {"success", "application error", "developer error", "internal error"};

    /** One activation as a row of {@code wsk activation list}. */
    static String row(final JsonNode a)
    {
        final JsonNode kind = ClientCommand.annotation(a, "kind");
        final JsonNode path = ClientCommand.annotation(a, "path");
        final int code = a.path("statusCode").asInt(a.path("response").path("statusCode").asInt(0));
        return String.format(ROW, DATE_TIME.format(java.time.Instant.ofEpochMilli(a.path("start").asLong())),
            a.path("activationId").asText(), kind == null ? "unknown" : kind.asText(),
            ClientCommand.annotation(a, "initTime") != null ? "cold" : "warm", a.path("duration").asLong() + "ms",
            code >= 0 && code < STATUS.length ? STATUS[code] : "status " + code,
            (path == null ? a.path("namespace").asText() + "/" + a.path("name").asText() : path.asText()) + ":" +
            a.path("version").asText());
    }

    @Command(name = "poll", mixinStandardHelpOptions = true,
        description = "Print activations as they arrive (with their logs), until --exit seconds passed.")
    static final class Poll extends ClientCommand
    {
        private static final long INTERVAL_MS = 1_000;

        @Option(names = {"-e", "--exit"}, defaultValue = "0", description = "Stop after this many seconds (0: never).")
        long exitSeconds;

        @Override
        int execute(final RestClient client) throws IOException
        {
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
                final List<JsonNode> fresh = new ArrayList<>();
                r.json().forEach(a ->
                {
                    if (seen.add(a.path("activationId").asText()))
                    {
                        fresh.add(a);
                    }
                });
                for (int i = fresh.size() - 1; i >= 0; i--)
                {
                    final JsonNode a = fresh.get(i);
                    System.out.println("Activation: '" + a.path("name").asText() + "' (" +
                        a.path("activationId").asText() + ")");
                    a.path("logs").forEach(line -> System.out.println(line.asText()));
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

    /** The commands that take one activation id, or {@code --last} for the newest activation. */
    abstract static class One extends ClientCommand
    {
        @Parameters(index = "0", paramLabel = "ID", arity = "0..1")
        String id;

        @Option(names = {"-l", "--last"}, description = "The newest activation.")
        boolean last;

        abstract String suffix();

        abstract int show(RestClient.Response r, String id);

        @Override
        int execute(final RestClient client) throws IOException
        {
            String target = id;
            if (last || target == null)
            {
                if (!last)
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
                target = newest.json().get(0).path("activationId").asText();
            }
            return show(send(client, "GET", "/namespaces/_/activations/" + RestClient.encode(target) + suffix(),
                null), target);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show an activation record.")
    static final class Get extends One
    {
        @Option(names = {"-s", "--summary"}, description = "Only the result and the logs.")
        boolean summary;

        @Override
        String suffix()
        {
            return "";
        }

        @Override
        int show(final RestClient.Response r, final String target)
        {
            if (!summary || !r.isOk() || wantsJson())
            {
                return shown(r, "got activation " + target);
            }
            final JsonNode a = r.json();
            System.out.println("activation result for '/" + a.path("namespace").asText() + "/" +
                a.path("name").asText() + "' (" + a.path("response").path("status").asText() + " at " +
                DATE_TIME.format(java.time.Instant.ofEpochMilli(a.path("start").asLong())) + ")");
            System.out.println(a.path("response").path("result").toPrettyString());
            return 0;
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true, description = "Show an activation's logs.")
    static final class Logs extends One
    {
        @Override
        String suffix()
        {
            return "/logs";
        }

        @Override
        int show(final RestClient.Response r, final String target)
        {
            if (!r.isOk() || wantsJson())
            {
                return print(r);
            }
            r.json().path("logs").forEach(line -> System.out.println(line.asText()));
            return 0;
        }
    }

    @Command(name = "result", mixinStandardHelpOptions = true, description = "Show an activation's result.")
    static final class Result extends One
    {
        @Override
        String suffix()
        {
            return "/result";
        }

        @Override
        int show(final RestClient.Response r, final String target)
        {
            if (!r.isOk() || wantsJson())
            {
                return print(r);
            }
            System.out.println(r.json().path("result").toPrettyString());
            return 0;
        }
    }
}
