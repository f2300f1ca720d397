package dev.whisk.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.pool.ContainerPoolConfig;
import dev.whisk.pool.StemCell;
import dev.whisk.pool.docker.ContainerSpec;
import dev.whisk.pool.docker.DockerDriver;
import dev.whisk.pool.docker.StartedContainer;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * The load scenarios where the container pool decides: kinds of start (cold, pre-warmed, warm, resumed) beside a raw
 * container start, eviction when more actions are called than the pool holds, and a mixed workload shaped like the
 * Azure Functions trace (Zipf popularity over 50 actions, durations from 1 to 300 ms), with the pool hit ratio.
 */
final class PoolScenarios
{
    private static final String NODE = "nodejs:20";
    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(60);

    private final Path out;
    private final boolean quick;
    private final Summary summary;

    PoolScenarios(final Path out, final boolean quick, final Summary summary)
    {
        this.out = out;
        this.quick = quick;
        this.summary = summary;
    }

    /**
     * A burst: {@code calls} non-blocking invokes of an action that sleeps {@code sleepMs}, sent back to back over 8
     * connections to a fresh standalone platform with its defaults. Reports the time from the last 202 to the last
     * record (the latest {@code end} among the action's records; the record is handed to the store on the same loop
     * turn and forced by its writer within 10 ms), the starts by kind, and the ideal: the work spread over the
     * containers used, after one cold start.
     */
    void burst(final int calls, final int sleepMs) throws Exception
    {
        System.out.printf("%nburst: %d non-blocking invokes of a %d ms action at once, platform defaults%n", calls,
            sleepMs);
        try (ChildPlatform platform = new ChildPlatform("burst"))
        {
            platform.putNodeAction("sleeper", sleepMs, 256);
            // A quiet machine: the platform's stem cells are up (a burst sent while they still boot measures the
            // platform's own start), and nothing else is starting.
            final int stemCells = ContainerPoolConfig.DEFAULT_STEM_CELLS.stream().mapToInt(StemCell::count).sum();
            final boolean settled = awaitMetric(platform, m ->
                m.getOrDefault("whisk_pool_containers_prewarmed", 0.0) >= stemCells &&
                m.get("whisk_pool_containers_prewarmed").equals(m.get("whisk_pool_containers")));
            final double stemsReady = platform.metrics().getOrDefault("whisk_pool_containers_prewarmed", 0.0);
            final List<Load.Connection> conns = new ArrayList<>();
            for (int i = 0; i < 8; i++)
            {
                conns.add(Load.fixed("127.0.0.1", platform.port(), platform.invokeRequest("sleeper", false)));
            }
            final ChildPlatform.Snapshot before = platform.snapshot();
            final long startNs = System.nanoTime();
            final long startMs = System.currentTimeMillis();
            final Load.Outcome sent = Load.run(Load.Plan.closed("burst", conns, calls, 60));
            final long lastAcceptedNs = System.nanoTime();
            final long lastAcceptedMs = System.currentTimeMillis();
            // Asked rarely while the burst runs: a poll costs the platform's loop a metrics page and this JVM a
            // parse, on the two cores the burst saturates. When the last record was in is read from the records
            // themselves (their end, on the same host's clock), not from when a poll happened to see them.
            ChildPlatform.Snapshot after = platform.snapshot();
            final long deadline = lastAcceptedNs + WAIT_NS;
            while (after.delta(before, "whisk_invocations_completed_total") < sent.calls() &&
                System.nanoTime() < deadline)
            {
                Thread.sleep(200);
                after = platform.snapshot();
            }
            final long lastEndMs = platform.lastRecordEndMs("sleeper", (int)sent.calls());
            final double completed = after.delta(before, "whisk_invocations_completed_total");
            final double cold = after.delta(before, "whisk_pool_cold_starts_total");
            final double prewarm = after.delta(before, "whisk_pool_prewarm_starts_total");
            final double warm = after.delta(before, "whisk_pool_warm_starts_total");
            final double containers = Math.max(1, cold + prewarm);
            final double idealMs = 300 + sent.calls() * (double)sleepMs / containers;
            final double afterLastMs = lastEndMs - lastAcceptedMs;
            final ObjectNode file = Results.loadScenario("burst", calls + " non-blocking invokes of a " + sleepMs +
                " ms action sent at once; time from the last 202 to the last record");
            final ObjectNode f = (ObjectNode)file.get("figures");
            f.put("accepted", sent.calls());
            f.put("completed", completed);
            f.put("acceptSeconds", (lastAcceptedNs - startNs) / 1e9);
            f.put("lastRecordAfterLastAcceptMs", afterLastMs);
            f.put("allDoneMs", lastEndMs - startMs);
            f.put("stemCellsReadyBefore", settled ? stemsReady : 0);
            f.put("coldStarts", cold);
            f.put("prewarmStarts", prewarm);
            f.put("warmStarts", warm);
            f.put("idealMsForContainersUsed", idealMs);
            Results.write(out.resolve("load-burst.json"), file);
            summary.line(String.format(Locale.ROOT, "burst: %,d x %d ms accepted in %.2f s; last record %.0f ms " +
                "after the last 202 (all done %.0f ms from the first send; ideal for %.0f containers: %.0f ms); " +
                "starts cold %.0f, pre-warmed %.0f, warm %.0f; %,.0f completed; stem cells ready before: %s",
                sent.calls(), sleepMs, (lastAcceptedNs - startNs) / 1e9, afterLastMs, (double)(lastEndMs - startMs),
                containers, idealMs, cold, prewarm, warm, completed, settled ? String.format("%.0f", stemsReady) :
                "not all"));
            summary.goal("burst: last record after last 202", afterLastMs, "ms", 2_000, true);
            summary.goal("burst: cold starts", cold, "", 13, true);
        }
    }

    /**
     * An orderly stop: {@code containers} actions called once each, so the pool holds a container of each (paused
     * after the default grace), then SIGTERM. Reports when the process exited and when the last of its containers was
     * gone from Docker, from the signal.
     */
    void stop(final int containers) throws Exception
    {
        System.out.printf("%nstop: %d containers, then SIGTERM%n", containers);
        try (ChildPlatform platform = new ChildPlatform("stop", "--stem-cells", "none"))
        {
            for (int i = 0; i < containers; i++)
            {
                platform.putNodeAction("st" + i, 0, 128);
            }
            Load.run(Load.Plan.closed("one call each", List.of(roundRobin(platform, "st", containers)), containers,
                300));
            final boolean all = awaitMetric(platform, m -> m.getOrDefault("whisk_pool_containers", 0.0) >= containers);
            final int live = platform.containerCount();
            final ChildPlatform.Stop stop = platform.terminate(TimeUnit.SECONDS.toNanos(60));
            final ObjectNode file = Results.loadScenario("stop", containers + " containers, then SIGTERM: the " +
                "time until the process exited and until the last container was gone");
            final ObjectNode f = (ObjectNode)file.get("figures");
            f.put("containers", live);
            f.put("exitMs", stop.exitMs());
            f.put("allRemovedMs", stop.removedMs());
            f.put("left", stop.left());
            Results.write(out.resolve("load-stop.json"), file);
            summary.line(String.format(Locale.ROOT, "stop: %d containers%s; SIGTERM -> process exited in %.0f ms, " +
                "last container gone in %.0f ms, %d left", live, all ? "" : " (fewer than asked)", stop.exitMs(),
                stop.removedMs(), stop.left()));
            summary.goal("stop: containers gone after SIGTERM", stop.removedMs(), "ms", 10_000, true);
        }
    }

    /**
     * Start latency by kind, one blocking invoke each, timed at the client: cold (an action of 512 MB, which no stem
     * cell fits), pre-warmed (256 MB, a stem cell waiting), warm (the same action again at once), resumed (again,
     * once the pool has paused its container); and a raw Docker create + start + {@code /init} + {@code /run}.
     */
    void starts() throws Exception
    {
        final int samples = quick ? 3 : 10;
        System.out.printf("%nstarts: %d samples of each kind of start, and raw docker starts%n", samples);
        final Histogram cold = histogram();
        final Histogram prewarmed = histogram();
        final Histogram warm = histogram();
        final Histogram resumed = histogram();
        final Histogram raw = histogram();
        final List<Double> memory;
        try (ChildPlatform platform = new ChildPlatform("starts", "--stem-cells", NODE + ":256:1",
            "--pause-grace-ms", "50", "--memory-mb", "8192");
            RawHttpClient client = new RawHttpClient("127.0.0.1", platform.port());
            DockerDriver docker = new DockerDriver("unix:///var/run/docker.sock",
            ContainerPoolConfig.DEFAULT_NETWORK))
        {
            for (int i = 0; i < samples; i++)
            {
                platform.putNodeAction("cold" + i, 0, 512);
                final double c = record(cold, platform, client, "cold" + i, "whisk_pool_cold_starts_total");

                if (!awaitMetric(platform, m -> m.get("whisk_pool_containers_prewarmed") >= 1))
                {
                    System.out.println("    no stem cell within 60 s; sample skipped");
                    continue;
                }
                platform.putNodeAction("pw" + i, 0, 256);
                final double p = record(prewarmed, platform, client, "pw" + i, "whisk_pool_prewarm_starts_total");
                final double w = record(warm, platform, client, "pw" + i, "whisk_pool_warm_starts_total");

                final double pauses = platform.metrics().get("whisk_pool_pauses_total");
                final double r = awaitMetric(platform, m -> m.get("whisk_pool_pauses_total") > pauses) ?
                    record(resumed, platform, client, "pw" + i, "whisk_pool_resumes_total") : Double.NaN;

                final long rawNs = rawStart(docker, platform.label() + "-raw", i);
                raw.recordValue(rawNs);
                System.out.printf("    start %d: cold %.1f, pre-warmed %.1f, warm %.1f, resumed %.1f, raw docker " +
                    "%.1f ms%n", i + 1, c, p, w, r, rawNs / 1e6);
            }
            memory = platform.containerMemoryMib();
        }
        final ObjectNode file = Results.loadScenario("starts", "one blocking invoke per kind of start, timed at " +
            "the client; raw docker create + start + /init + /run as the floor of a cold start");
        final ObjectNode f = (ObjectNode)file.get("figures");
        final ObjectNode kinds = f.putObject("starts");
        kinds.set("cold", Results.histogram(cold));
        kinds.set("raw docker", Results.histogram(raw));
        kinds.set("pre-warmed", Results.histogram(prewarmed));
        kinds.set("resumed", Results.histogram(resumed));
        kinds.set("warm", Results.histogram(warm));
        final ArrayNode mem = f.putArray("containerMemoryMib");
        memory.forEach(mem::add);
        Results.write(out.resolve("load-starts.json"), file);
        final double memMean = memory.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        summary.line(String.format(Locale.ROOT, "starts p50 (ms): cold %.1f vs raw docker %.1f; pre-warmed %.1f; " +
            "resumed %.1f; warm %.1f; memory per container %.1f MiB (mean of %d)", p50ms(cold), p50ms(raw),
            p50ms(prewarmed), p50ms(resumed), p50ms(warm), memMean, memory.size()));
        summary.goal("pre-warmed start over warm, p50", p50ms(prewarmed) - p50ms(warm), "ms", 15, true);
    }

    /**
     * More distinct actions than the pool holds: 12 actions of 256 MB called round robin on a pool of 1 GB (four
     * containers), so nearly every call evicts an idle container and starts cold; beside it, 4 actions that fit.
     */
    void eviction() throws Exception
    {
        final int actions = 12;
        final int fitting = 4;
        final long calls = quick ? 24 : 60;
        System.out.printf("%neviction: %d actions round robin on a pool of %d containers%n", actions, fitting);
        final ObjectNode file = Results.loadScenario("eviction", actions + " distinct actions called round robin " +
            "on a pool of 1024 MB (4 containers of 256 MB), beside " + fitting + " actions that fit");
        try (ChildPlatform platform = new ChildPlatform("eviction", "--stem-cells", "none", "--pause-grace-ms", "50",
            "--memory-mb", "1024"))
        {
            for (int i = 0; i < actions; i++)
            {
                platform.putNodeAction("ev" + i, 0, 256);
            }
            final Load.Connection fit = roundRobin(platform, "ev", fitting);
            final Load.Connection over = roundRobin(platform, "ev", actions);
            Load.run(Load.Plan.closed("warm-up fitting", List.of(fit), fitting * 2L, 120));
            ChildPlatform.Snapshot before = platform.snapshot();
            final Load.Outcome hits = Load.run(Load.Plan.closed(fitting + " actions (fit)", List.of(fit), 400, 20));
            ChildPlatform.Snapshot after = platform.snapshot();
            LoadBench.Cost cost = LoadBench.Cost.of(before, after, hits.calls());
            Results.addRun(file, "baseline", hits, cost.cpuUsPerCall(), cost.bytesPerCall());
            before = platform.snapshot();
            final Load.Outcome evicting = Load.run(Load.Plan.closed(actions + " actions (evicting)", List.of(over),
                calls, 180));
            after = platform.snapshot();
            cost = LoadBench.Cost.of(before, after, evicting.calls());
            Results.addRun(file, "platform", evicting, cost.cpuUsPerCall(), cost.bytesPerCall());
            final ObjectNode f = (ObjectNode)file.get("figures");
            f.put("evictions", after.delta(before, "whisk_pool_evictions_total"));
            f.put("coldStarts", after.delta(before, "whisk_pool_cold_starts_total"));
            f.put("warmStarts", after.delta(before, "whisk_pool_warm_starts_total"));
            summary.line(String.format(Locale.ROOT, "eviction: %d actions on 4 containers: p50 %.1f ms, p99 %.1f " +
                "ms, %.0f evictions and %.0f cold starts in %d calls; %d actions that fit: p50 %.2f ms", actions,
                evicting.latencyNs().getValueAtPercentile(50) / 1e6, evicting.latencyNs().getValueAtPercentile(99) /
                1e6, f.get("evictions").asDouble(), f.get("coldStarts").asDouble(), evicting.calls(), fitting,
                hits.latencyNs().getValueAtPercentile(50) / 1e6));
        }
        Results.write(out.resolve("load-eviction.json"), file);
    }

    /**
     * The Azure Functions trace's shape: 50 actions, popularity Zipf (s = 1: the first action gets about 22% of
     * calls, half the actions under 1% each), durations log-uniform from 1 to 300 ms and independent of popularity;
     * Poisson arrivals (open loop) over 32 connections; a pool of 4 GB with the default stem cells. Reports the pool hit
     * ratio and the latency added over each action's own duration.
     */
    void mixed(final double ratePerSecond) throws Exception
    {
        final int n = 50;
        final double rate = ratePerSecond;
        final double seconds = quick ? 20 : 60;
        final int[] sleepMs = new int[n];
        final double[] cumulative = new double[n];
        final Random r = new Random(42);
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            sleepMs[i] = (int)Math.round(Math.exp(r.nextDouble() * Math.log(300)));
            total += 1.0 / (i + 1);
            cumulative[i] = total;
        }
        for (int i = 0; i < n; i++)
        {
            cumulative[i] /= total;
        }
        System.out.printf("%nmixed: %d actions, Zipf popularity, %d to %d ms, %.0f/s Poisson for %.0f s%n", n,
            Arrays.stream(sleepMs).min().getAsInt(), Arrays.stream(sleepMs).max().getAsInt(), rate, seconds);
        final ObjectNode file = Results.loadScenario("mixed", n + " actions, Zipf(1) popularity, durations " +
            "log-uniform 1-300 ms, Poisson arrivals at " + (int)rate + "/s over 32 connections, pool 4096 MB with the " +
            "default stem cells (" + ContainerPoolConfig.DEFAULT_STEM_CELLS.stream().map(c -> c.kind() + ":" + c.memoryMb() +
            ":" + c.count()).collect(java.util.stream.Collectors.joining(",")) + ")");
        try (ChildPlatform platform = new ChildPlatform("mixed", "--pause-grace-ms", "50", "--memory-mb", "4096"))
        {
            final byte[][] requests = new byte[n][];
            for (int i = 0; i < n; i++)
            {
                platform.putNodeAction("mx" + i, sleepMs[i], 256);
                requests[i] = platform.invokeRequest("mx" + i, true);
            }
            final List<Load.Connection> conns = new ArrayList<>();
            for (int c = 0; c < 32; c++)
            {
                conns.add(zipf(platform.port(), requests, cumulative, sleepMs));
            }
            Load.run(new Load.Plan("mixed warm-up", conns, rate, true, (long)(rate * 20), quick ? 8 : 20));
            final ChildPlatform.Snapshot before = platform.snapshot();
            final Load.Outcome o = Load.run(new Load.Plan("mixed", conns, rate, true, (long)(rate * seconds),
                seconds));
            final ChildPlatform.Snapshot after = platform.snapshot();
            final LoadBench.Cost cost = LoadBench.Cost.of(before, after, o.calls());
            Results.addRun(file, "platform", o, cost.cpuUsPerCall(), cost.bytesPerCall());
            final double w = after.delta(before, "whisk_pool_warm_starts_total");
            final double pw = after.delta(before, "whisk_pool_prewarm_starts_total");
            final double c = after.delta(before, "whisk_pool_cold_starts_total");
            final ObjectNode f = (ObjectNode)file.get("figures");
            f.put("warmStarts", w);
            f.put("resumes", after.delta(before, "whisk_pool_resumes_total"));
            f.put("prewarmStarts", pw);
            f.put("coldStarts", c);
            f.put("evictions", after.delta(before, "whisk_pool_evictions_total"));
            f.put("hitRatio", w / Math.max(1, w + pw + c));
            f.put("meanDurationMs", meanDuration(sleepMs, cumulative));
            f.put("containers", after.get("whisk_pool_containers"));
            final ArrayNode perAction = f.putArray("actions");
            for (int i = 0; i < n; i++)
            {
                perAction.addObject().put("name", "mx" + i).put("sleepMs", sleepMs[i])
                    .put("share", cumulative[i] - (i == 0 ? 0 : cumulative[i - 1]));
            }
            summary.line(String.format(Locale.ROOT, "mixed (Zipf, 50 actions, %.0f/s): hit ratio %.1f%% (warm %.0f, " +
                "pre-warmed %.0f, cold %.0f, evictions %.0f); added over duration p50 %.1f ms p99 %.1f ms; CPU %.0f " +
                "µs/call", rate, 100 * f.get("hitRatio").asDouble(), w, pw, c, f.get("evictions").asDouble(),
                o.overheadNs().getValueAtPercentile(50) / 1e6, o.overheadNs().getValueAtPercentile(99) / 1e6,
                cost.cpuUsPerCall()));
        }
        Results.write(out.resolve("load-mixed.json"), file);
    }

    private static double meanDuration(final int[] sleepMs, final double[] cumulative)
    {
        double mean = 0;
        for (int i = 0; i < sleepMs.length; i++)
        {
            mean += sleepMs[i] * (cumulative[i] - (i == 0 ? 0 : cumulative[i - 1]));
        }
        return mean;
    }

    private static Load.Connection zipf(final int port, final byte[][] requests, final double[] cumulative,
        final int[] sleepMs)
    {
        return new Load.Connection()
        {
            @Override
            public int port()
            {
                return port;
            }

            @Override
            public int pick(final long seq, final SplittableRandom random)
            {
                final int i = Arrays.binarySearch(cumulative, random.nextDouble());
                return Math.min(cumulative.length - 1, i >= 0 ? i : -i - 1);
            }

            @Override
            public byte[] request(final int choice)
            {
                return requests[choice];
            }

            @Override
            public long expectedNs(final int choice)
            {
                return sleepMs[choice] * 1_000_000L;
            }
        };
    }

    private static Load.Connection roundRobin(final ChildPlatform platform, final String prefix, final int count)
    {
        final byte[][] requests = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            requests[i] = platform.invokeRequest(prefix + i, true);
        }
        return new Load.Connection()
        {
            @Override
            public int port()
            {
                return platform.port();
            }

            @Override
            public int pick(final long seq, final SplittableRandom random)
            {
                return (int)(seq % count);
            }

            @Override
            public byte[] request(final int choice)
            {
                return requests[choice];
            }
        };
    }

    /**
     * Times one blocking invoke and checks from {@code /metrics} that it was the kind of start {@code counter}; returns
     * the time in ms, NaN when the sample was dropped.
     */
    private static double record(final Histogram h, final ChildPlatform platform, final RawHttpClient client,
        final String action, final String counter) throws IOException, InterruptedException
    {
        final double before = platform.metrics().get(counter);
        final long t0 = System.nanoTime();
        LoadBench.check(client.exchange(platform.invokeRequest(action, true), null), "invoke " + action);
        final long ns = System.nanoTime() - t0;
        final double after = platform.metrics().get(counter);
        if (after <= before)
        {
            System.out.printf("    %s was not counted as %s; sample dropped%n", action, counter);
            return Double.NaN;
        }
        h.recordValue(ns);
        return ns / 1e6;
    }

    /** Polls {@code /metrics} until {@code condition} holds: false if it did not within 60 s. */
    private static boolean awaitMetric(final ChildPlatform platform,
        final Predicate<java.util.Map<String, Double>> condition) throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + WAIT_NS;
        while (!condition.test(platform.metrics()))
        {
            if (System.nanoTime() > deadline)
            {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Raw Docker: create + start a runtime container, then {@code /init} and {@code /run} on a fresh socket. */
    private static long rawStart(final DockerDriver docker, final String label, final int i) throws IOException
    {
        final long t0 = System.nanoTime();
        final StartedContainer c = docker.start(new ContainerSpec(ContainerPoolConfig.DEFAULT_NODEJS_IMAGE,
            "whisk_" + label + "_" + i, 256, List.of(), label, "bench/raw"));
        try
        {
            final long deadline = t0 + WAIT_NS;
            while (true)
            {
                try (Socket probe = new Socket())
                {
                    probe.connect(new InetSocketAddress(c.ip(), 8080), 1_000);
                    break;
                }
                catch (final IOException ex)
                {
                    if (System.nanoTime() > deadline)
                    {
                        throw ex;
                    }
                    LockSupport.parkNanos(500_000);
                }
            }
            try (RawHttpClient client = new RawHttpClient(c.ip(), 8080))
            {
                LoadBench.check(client.exchange(RawHttpClient.post(c.ip(), "/init", null, ("{\"value\":{\"name\":" +
                    "\"raw\",\"main\":\"main\",\"binary\":false,\"code\":\"function main() { return {}; }\"}}")
                    .getBytes(StandardCharsets.UTF_8)), null), "raw /init");
                LoadBench.check(client.exchange(LoadBench.runBody(c.ip(), "raw", null), null), "raw /run");
            }
            return System.nanoTime() - t0;
        }
        finally
        {
            docker.remove(c.id());
        }
    }

    private static Histogram histogram()
    {
        return new Histogram(3_600_000_000_000L, 3);
    }

    private static double p50ms(final Histogram h)
    {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(50) / 1e6;
    }
}
