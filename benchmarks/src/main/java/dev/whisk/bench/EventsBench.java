package dev.whisk.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.json.Json;
import dev.whisk.launcher.node.Standalone;
import dev.whisk.launcher.node.StandaloneConfig;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The figures of the event programming model, measured in one run on one standalone platform:
 * <ol>
 *   <li><b>Sequence per-step overhead.</b> Blocking invoke latency of a no-op action beside sequences of 1, 3 and 5
 *   no-op components and a conductor composition of 3 steps, called round-robin from one keep-alive client so drift
 *   hits all alike. Per-step overhead = (composite p50 &minus; no-op p50) / steps; the marginal step =
 *   (sequence of 5 &minus; sequence of 1) / 4 is reported beside it.</li>
 *   <li><b>Trigger-to-action latency.</b> Fires of a trigger with one active rule, paced at a constant rate; the
 *   fire carries the client's wall-clock send time in microseconds and the rule's action returns the wall-clock time
 *   its {@code main} started ({@code performance.timeOrigin + performance.now()} in the container; same machine,
 *   same kernel clock). Latency = action start &minus; send.</li>
 *   <li><b>Alarm lateness.</b> Several alarms with a seconds-level cron fire their triggers (and a rule's no-op
 *   action) for a while, with one client invoking a no-op back to back meanwhile; the figure is the scheduler's own
 *   histogram of firing time &minus; due time ({@code AlarmService.lateness()}, ms resolution).</li>
 * </ol>
 * Guest is unthrottled (fires per minute included), so the pacing is the only limit on fires.
 *
 * <p>Usage: {@code EventsBench [calls-per-variant] [fires] [alarm-seconds] [results.json]}; defaults 300, 300, 20
 * and no file. The file gets the no-op and the 5-step sequence as {@code platform}/{@code direct} histograms (so
 * {@code whisk report} shows them as a pair) and every figure under {@code events}.
 */
public final class EventsBench
{
    private static final String NOOP = "function main() { return {}; }";
    private static final String CONDUCTOR = "function main(p) {\n" +
        "  const step = p.$step || 0;\n" +
        "  if (step >= 3) { return { params: {} }; }\n" +
        "  return { action: 'noop', params: {}, state: { $step: step + 1 } };\n" +
        "}";
    private static final String STAMP = "function main(p) {\n" +
        "  return { seq: p.seq, sentUs: p.sentUs, startUs: Math.round((performance.timeOrigin + performance.now())" +
        " * 1000) };\n}";
    private static final int ALARMS = 8;
    private static final long FIRE_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long HIGHEST_NS = TimeUnit.MINUTES.toNanos(10);

    private final ApiCalls api;
    private final String auth;
    private final String host;
    private final int port;

    private EventsBench(final Standalone platform)
    {
        this.auth = "Basic " + Base64.getEncoder().encodeToString(
            platform.guestAuth().getBytes(StandardCharsets.UTF_8));
        this.api = new ApiCalls(platform.apiHost(), auth);
        this.host = platform.address().getHostString();
        this.port = platform.address().getPort();
    }

    public static void main(final String[] args) throws Exception
    {
        final int calls = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        final int fires = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        final int alarmSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        final Path dataDir = Files.createTempDirectory("whisk-bench-events");
        try (Standalone platform = new Standalone(StandaloneConfig.defaults(dataDir, "127.0.0.1", 0)))
        {
            final EventsBench bench = new EventsBench(platform);
            final Map<String, Histogram> invokes = bench.sequences(calls);
            final Histogram triggerNs = bench.triggerToAction(fires);
            final AtomicLong loadInvokes = new AtomicLong();
            final Histogram latenessMs = bench.alarms(platform, alarmSeconds, loadInvokes);
            report(invokes, triggerNs, latenessMs, alarmSeconds, loadInvokes.get());
            if (args.length > 3)
            {
                write(Path.of(args[3]), invokes, triggerNs, latenessMs, alarmSeconds, loadInvokes.get());
            }
        }
    }

    /** Blocking invoke latency (ns) of each variant, called round-robin after a warm-up of a tenth as many. */
    private Map<String, Histogram> sequences(final int calls) throws Exception
    {
        put("/actions/noop", action(NOOP, null));
        put("/actions/seq1", sequence(1));
        put("/actions/seq3", sequence(3));
        put("/actions/seq5", sequence(5));
        put("/actions/cond3", action(CONDUCTOR, "\"annotations\":[{\"key\":\"conductor\",\"value\":true}]"));
        final Map<String, Histogram> byName = new LinkedHashMap<>();
        for (final String name : new String[]{"noop", "seq1", "seq3", "seq5", "cond3"})
        {
            byName.put(name, new Histogram(HIGHEST_NS, 3));
        }
        try (RawHttpClient client = new RawHttpClient(host, port))
        {
            final Map<String, byte[]> requests = new LinkedHashMap<>();
            for (final String name : byName.keySet())
            {
                requests.put(name, RawHttpClient.post(host, "/api/v1/namespaces/guest/actions/" + name +
                    "?blocking=true&result=true", auth, "{}".getBytes(StandardCharsets.UTF_8)));
            }
            System.out.printf("sequences: warming up %d rounds, measuring %d rounds of %s%n", calls / 10, calls,
                byName.keySet());
            for (int round = -calls / 10; round < calls; round++)
            {
                for (final Map.Entry<String, byte[]> e : requests.entrySet())
                {
                    final long t0 = System.nanoTime();
                    final int status = client.exchange(e.getValue(), null);
                    final long ns = System.nanoTime() - t0;
                    if (status != 200)
                    {
                        throw new IllegalStateException(e.getKey() + " answered " + status);
                    }
                    if (round >= 0)
                    {
                        byName.get(e.getKey()).recordValue(ns);
                    }
                }
            }
        }
        return byName;
    }

    /** Send-to-action-start latency (ns) of {@code fires} fires paced every 20 ms, the action warmed first. */
    private Histogram triggerToAction(final int fires) throws Exception
    {
        put("/actions/stamp", action(STAMP, null));
        put("/triggers/bench-fire", "{}");
        put("/rules/bench-rule", "{\"trigger\":\"/_/bench-fire\",\"action\":\"/_/stamp\"}");
        final int warmups = 20;
        for (int i = 0; i < warmups; i++)
        {
            post("/namespaces/guest/actions/stamp?blocking=true", "{}"); // warm: no cold start inside the figure
        }
        awaitRuns("stamp", warmups); // a blocking answer may come before its record is stored
        final int before = count("stamp");
        System.out.printf("trigger-to-action: %d fires, one every %d ms%n", fires,
            TimeUnit.NANOSECONDS.toMillis(FIRE_INTERVAL_NS));
        try (RawHttpClient client = new RawHttpClient(host, port))
        {
            long due = System.nanoTime();
            for (int i = 0; i < fires; i++)
            {
                LockSupport.parkNanos(due - System.nanoTime());
                final Instant now = Instant.now();
                final long sentUs = ChronoUnit.MICROS.between(Instant.EPOCH, now);
                final byte[] fire = RawHttpClient.post(host, "/api/v1/namespaces/guest/triggers/bench-fire", auth,
                    ("{\"seq\":" + i + ",\"sentUs\":" + sentUs + "}").getBytes(StandardCharsets.UTF_8));
                final int status = client.exchange(fire, null);
                if (status != 202)
                {
                    throw new IllegalStateException("fire " + i + " answered " + status);
                }
                due += FIRE_INTERVAL_NS;
            }
        }
        awaitRuns("stamp", before + fires);
        final Histogram ns = new Histogram(HIGHEST_NS, 3);
        int negative = 0;
        for (int skip = 0; skip < before + fires; skip += 200)
        {
            final JsonNode page = Json.MAPPER.readTree(get("/activations?name=stamp&docs=true&limit=200&skip=" +
                skip));
            for (final JsonNode record : page)
            {
                final JsonNode r = record.path("response").path("result");
                if (!r.has("sentUs"))
                {
                    continue; // a warm-up run
                }
                final long us = r.path("startUs").asLong() - r.path("sentUs").asLong();
                negative += us < 0 ? 1 : 0;
                ns.recordValue(Math.max(0, us) * 1_000);
            }
        }
        if (negative > 0)
        {
            System.out.printf("warning: %d action starts before their send (clock step?) were counted as 0%n",
                negative);
        }
        return ns;
    }

    /** The scheduler's lateness (ms) of alarms firing every second for {@code seconds}, under one invoke loop. */
    private Histogram alarms(final Standalone platform, final int seconds, final AtomicLong loadInvokes)
        throws Exception
    {
        put("/actions/tick", action(NOOP, null));
        final String feed = "/namespaces/whisk.system/actions/alarms/alarm?blocking=true";
        final AtomicBoolean loading = new AtomicBoolean(true);
        final Thread load = new Thread(() -> invokeLoop(loading, loadInvokes), "bench-load");
        load.start();
        System.out.printf("alarms: %d alarms every second for %d s, one client invoking a no-op meanwhile%n",
            ALARMS, seconds);
        try
        {
            for (int i = 0; i < ALARMS; i++)
            {
                put("/triggers/every1s-" + i,
                    "{\"annotations\":[{\"key\":\"feed\",\"value\":\"/whisk.system/alarms/alarm\"}]}");
                put("/rules/ticking-" + i, "{\"trigger\":\"/_/every1s-" + i + "\",\"action\":\"/_/tick\"}");
                post(feed, "{\"lifecycleEvent\":\"CREATE\",\"triggerName\":\"/guest/every1s-" + i +
                    "\",\"cron\":\"* * * * * *\"}");
            }
            final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end)
            {
                LockSupport.parkNanos(end - System.nanoTime());
            }
            for (int i = 0; i < ALARMS; i++)
            {
                post(feed, "{\"lifecycleEvent\":\"DELETE\",\"triggerName\":\"/guest/every1s-" + i + "\"}");
            }
        }
        finally
        {
            loading.set(false);
            load.join();
        }
        return platform.alarmLatenessMs();
    }

    private void invokeLoop(final AtomicBoolean loading, final AtomicLong done)
    {
        try (RawHttpClient client = new RawHttpClient(host, port))
        {
            final byte[] invoke = RawHttpClient.post(host, "/api/v1/namespaces/guest/actions/noop?blocking=true",
                auth, "{}".getBytes(StandardCharsets.UTF_8));
            while (loading.get())
            {
                client.exchange(invoke, null);
                done.incrementAndGet();
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void report(final Map<String, Histogram> invokes, final Histogram triggerNs,
        final Histogram latenessMs, final int alarmSeconds, final long loadInvokes)
    {
        final Histogram noop = invokes.get("noop");
        System.out.printf("%n%-34s %10s %10s %10s %14s%n", "blocking invoke, microseconds", "p50", "p99", "mean",
            "per step p50");
        for (final Map.Entry<String, Histogram> e : invokes.entrySet())
        {
            final int steps = steps(e.getKey());
            final Histogram h = e.getValue();
            System.out.printf("%-34s %10.1f %10.1f %10.1f %14s%n", label(e.getKey()), h.getValueAtPercentile(50) / 1e3,
                h.getValueAtPercentile(99) / 1e3, h.getMean() / 1e3, steps == 0 ? "" :
                String.format("%.1f", perStepUs(h, noop, steps)));
        }
        System.out.printf("marginal sequence step (seq5 - seq1) / 4, p50: %.1f us%n", marginalStepUs(invokes));
        System.out.printf("%n%-34s %10.1f %10.1f %10.1f  (%d fires)%n", "trigger fire -> action start, us",
            triggerNs.getValueAtPercentile(50) / 1e3, triggerNs.getValueAtPercentile(99) / 1e3,
            triggerNs.getMean() / 1e3, triggerNs.getTotalCount());
        System.out.printf("%-34s %10d %10d %10.1f  (%d firings in %d s; %d no-op invokes meanwhile)%n",
            "alarm lateness, ms", latenessMs.getValueAtPercentile(50), latenessMs.getValueAtPercentile(99),
            latenessMs.getMean(), latenessMs.getTotalCount(), alarmSeconds, loadInvokes);
        System.out.printf("cores %d; java %s%n", Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"));
    }

    private static void write(final Path file, final Map<String, Histogram> invokes, final Histogram triggerNs,
        final Histogram latenessMs, final int alarmSeconds, final long loadInvokes) throws IOException
    {
        final ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("scenario", "sequence of 5 no-ops (platform) vs a single no-op (direct), blocking");
        root.put("measuredAt", Instant.now().toString());
        root.set("machine", Results.machine());
        root.set("platform", Results.histogram(invokes.get("seq5")));
        root.set("direct", Results.histogram(invokes.get("noop")));
        final ObjectNode events = root.putObject("events");
        final ObjectNode blocking = events.putObject("blockingInvoke");
        for (final Map.Entry<String, Histogram> e : invokes.entrySet())
        {
            final ObjectNode n = Results.histogram(e.getValue());
            final int steps = steps(e.getKey());
            if (steps > 0)
            {
                n.put("steps", steps);
                n.put("perStepOverheadP50Us", perStepUs(e.getValue(), invokes.get("noop"), steps));
            }
            blocking.set(e.getKey(), n);
        }
        events.put("marginalSequenceStepP50Us", marginalStepUs(invokes));
        final ObjectNode trigger = Results.histogram(triggerNs);
        trigger.put("measures", "fire sent (client wall clock) to the rule's action main() start (container " +
            "wall clock), one active rule, one fire every 20 ms");
        events.set("triggerToAction", trigger);
        final ObjectNode alarms = events.putObject("alarmLatenessMs");
        alarms.put("count", latenessMs.getTotalCount());
        alarms.put("p50Ms", latenessMs.getValueAtPercentile(50));
        alarms.put("p99Ms", latenessMs.getValueAtPercentile(99));
        alarms.put("maxMs", latenessMs.getMaxValue());
        alarms.put("meanMs", latenessMs.getMean());
        alarms.put("alarms", ALARMS);
        alarms.put("seconds", alarmSeconds);
        alarms.put("concurrentNoopInvokes", loadInvokes);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }

    /** Component runs of a variant: 0 for the plain no-op. */
    private static int steps(final String name)
    {
        return switch (name)
        {
            case "seq1" -> 1;
            case "seq3", "cond3" -> 3;
            case "seq5" -> 5;
            default -> 0;
        };
    }

    private static String label(final String name)
    {
        return switch (name)
        {
            case "noop" -> "no-op action";
            case "cond3" -> "conductor, 3 steps (7 activations)";
            default -> "sequence of " + steps(name) + " no-ops";
        };
    }

    private static double perStepUs(final Histogram composite, final Histogram single, final int steps)
    {
        return (composite.getValueAtPercentile(50) - single.getValueAtPercentile(50)) / 1e3 / steps;
    }

    private static double marginalStepUs(final Map<String, Histogram> invokes)
    {
        return (invokes.get("seq5").getValueAtPercentile(50) - invokes.get("seq1").getValueAtPercentile(50)) / 1e3 /
            4;
    }

    private static String action(final String code, final String extra)
    {
        return "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":" + Json.MAPPER.valueToTree(code) + "}" +
            (extra == null ? "" : "," + extra) + "}";
    }

    private static String sequence(final int length)
    {
        final StringBuilder components = new StringBuilder();
        for (int i = 0; i < length; i++)
        {
            components.append(i == 0 ? "" : ",").append("\"/guest/noop\"");
        }
        return "{\"exec\":{\"kind\":\"sequence\",\"components\":[" + components + "]}}";
    }

    /** Waits up to 120 s until {@code action} has at least {@code runs} stored activations. */
    private void awaitRuns(final String action, final int runs) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (count(action) < runs)
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("only " + count(action) + " of " + runs + " runs of " + action +
                    " were recorded within 120 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
    }

    private int count(final String name) throws Exception
    {
        return Json.MAPPER.readTree(get("/activations?count=true&name=" + name)).path("activations").asInt();
    }

    private void put(final String path, final String body) throws Exception
    {
        send("PUT", "/api/v1/namespaces/guest" + path + "?overwrite=true", body);
    }

    private void post(final String path, final String body) throws Exception
    {
        send("POST", "/api/v1" + path, body);
    }

    private String get(final String path) throws Exception
    {
        return send("GET", "/api/v1/namespaces/guest" + path, null);
    }

    private String send(final String method, final String path, final String body) throws Exception
    {
        return api.ok(method, path, body);
    }
}
