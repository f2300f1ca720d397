package dev.whisk.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code whisk bench <scenario> [results-dir]}: the open- and closed-loop load harness. The platform runs as a child
 * JVM ({@link ChildPlatform}); every scenario stands beside a baseline measured in the same run, and reports latency
 * percentiles, throughput and the platform's CPU time and allocation per call. Scenarios: {@code latency},
 * {@code connections}, {@code nonblocking}, {@code floor}, {@code frontdoor}, {@code starts}, {@code eviction},
 * {@code mixed}, {@code all}, and {@code profile} (a short run of latency, connections and floor for CI). Every run is bounded in
 * calls and seconds and sends traffic only to 127.0.0.1 and to the platform's own containers.
 */
public final class LoadBench
{
    static final String NOOP = "noop";
    /** The warm platform: containers are never paused, so direct calls to them never meet a frozen one. */
    private static final String[] WARM_PLATFORM = {"--stem-cells", "none", "--pause-grace-ms", "-1",
        "--memory-mb", "4096"};

    private final Path out;
    private final boolean quick;
    private final Summary summary = new Summary();

    private LoadBench(final Path out, final boolean quick)
    {
        this.out = out;
        this.quick = quick;
    }

    public static void main(final String[] args) throws Exception
    {
        final String scenario = args.length > 0 ? args[0] : "profile";
        final Path out = args.length > 1 ? Path.of(args[1]) :
            Path.of("benchmarks", "results", "load-" + Instant.now().toString().replace(":", ""));
        Files.createDirectories(out);
        ChildPlatform.logDir = out;
        final LoadBench bench = new LoadBench(out, "profile".equals(scenario));
        final long t0 = System.nanoTime();
        switch (scenario)
        {
            case "latency", "connections", "nonblocking", "floor", "profile" -> bench.warmPlatform(scenario);
            case "frontdoor" -> bench.frontDoor();
            case "starts" -> new PoolScenarios(bench.out, false, bench.summary).starts();
            case "eviction" -> new PoolScenarios(bench.out, false, bench.summary).eviction();
            case "mixed" -> new PoolScenarios(bench.out, false, bench.summary).mixed(mixedRate(args));
            case "stop" -> new PoolScenarios(bench.out, false, bench.summary).stop(
                args.length > 2 ? Integer.parseInt(args[2]) : 50);
            case "burst" -> new PoolScenarios(bench.out, false, bench.summary).burst(
                args.length > 2 ? Integer.parseInt(args[2]) : 400, args.length > 3 ? Integer.parseInt(args[3]) : 20);
            case "all" ->
            {
                final PoolScenarios pool = new PoolScenarios(bench.out, false, bench.summary);
                final List<Scenario> scenarios = List.of(() -> bench.warmPlatform("all"), pool::starts,
                    pool::eviction, () -> pool.mixed(mixedRate(args)));
                int failed = 0;
                for (final Scenario s : scenarios)
                {
                    try
                    {
                        s.run();
                    }
                    catch (final Exception ex)
                    {
                        // One scenario's crash should not cost the others' figures; the exit code still tells.
                        ex.printStackTrace(System.out);
                        bench.summary.line("a scenario crashed: " + ex);
                        failed++;
                    }
                }
                if (failed > 0)
                {
                    bench.summary.print(System.out);
                    Files.writeString(out.resolve("summary-" + scenario + ".txt"), bench.summary.toString(),
                        StandardCharsets.UTF_8);
                    System.exit(1);
                }
            }
            default ->
            {
                System.err.println("unknown scenario " + scenario + "; one of latency, connections, nonblocking, " +
                    "floor, frontdoor, starts, eviction, mixed, burst, all, profile");
                System.exit(2);
            }
        }
        bench.summary.print(System.out);
        Files.writeString(out.resolve("summary-" + scenario + ".txt"), bench.summary.toString(),
            StandardCharsets.UTF_8);
        System.out.printf("results in %s (%.0f s)%n", out.toAbsolutePath(), (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The mixed workload's rate (third argument, default 3/s): one the pool sustains on two busy cores, where a miss
     * is a cold start of about a second; far above it, concurrent calls of one action need containers of their own,
     * which evicts others, and the pool thrashes.
     */
    private static double mixedRate(final String[] args)
    {
        return args.length > 2 ? Double.parseDouble(args[2]) : 3;
    }

    /** One scenario of a run. */
    private interface Scenario
    {
        void run() throws Exception;
    }

    /** The scenarios that share one warm platform with a no-op action. */
    private void warmPlatform(final String which) throws Exception
    {
        final boolean all = "all".equals(which) || "profile".equals(which);
        try (ChildPlatform platform = new ChildPlatform("warm", WARM_PLATFORM))
        {
            platform.putNodeAction(NOOP, 0, 256);
            final byte[] invoke = platform.invokeRequest(NOOP, true);
            try (RawHttpClient c = new RawHttpClient("127.0.0.1", platform.port()))
            {
                check(c.exchange(invoke, null), "first invoke of noop");
            }
            if (all || "latency".equals(which))
            {
                latency(platform);
            }
            if (all || "connections".equals(which))
            {
                connections(platform, quick ? new int[] {1, 4} : new int[] {1, 2, 4, 8, 16, 32, 64});
                if (!quick)
                {
                    concurrentContainer(platform, 32);
                }
            }
            if (!quick && ("all".equals(which) || "nonblocking".equals(which)))
            {
                nonBlocking(platform);
            }
            if (all || "floor".equals(which))
            {
                floor(platform);
            }
        }
    }

    /**
     * The front door's own throughput, closed loop: an authenticated {@code GET} of an action (no invoke) and a
     * blocking no-op invoke, each at 1, 8 and 32 keep-alive connections; every answer must be a 200.
     */
    private void frontDoor() throws Exception
    {
        final double seconds = quick ? 3 : 10;
        try (ChildPlatform platform = new ChildPlatform("frontdoor", WARM_PLATFORM))
        {
            platform.putNodeAction(NOOP, 0, 256);
            final byte[] invoke = platform.invokeRequest(NOOP, true);
            try (RawHttpClient c = new RawHttpClient("127.0.0.1", platform.port()))
            {
                check(c.exchange(invoke, null), "first invoke of noop");
            }
            final byte[] get = RawHttpClient.get("127.0.0.1", "/api/v1/namespaces/_/actions/" + NOOP,
                platform.authHeader());
            System.out.printf("%nfrontdoor: closed-loop throughput of an authenticated GET and a blocking no-op " +
                "invoke%n");
            summary.line("frontdoor, closed loop, requests/s at 1 / 8 / 32 keep-alive connections:");
            for (final String what : new String[] {"GET action", "blocking no-op invoke"})
            {
                final byte[] request = what.startsWith("GET") ? get : invoke;
                final StringBuilder row = new StringBuilder("  " + what + ":");
                for (final int c : new int[] {1, 8, 32})
                {
                    final List<Load.Connection> conns = new ArrayList<>();
                    for (int i = 0; i < c; i++)
                    {
                        conns.add(Load.fixed("127.0.0.1", platform.port(), request));
                    }
                    Load.run(Load.Plan.closed("warm-up " + what + " x" + c, conns, 1_000_000, quick ? 1 : 3));
                    final Load.Outcome o = Load.run(Load.Plan.closed(what + " x" + c, conns, 10_000_000, seconds));
                    if (o.errors() > 0)
                    {
                        throw new IllegalStateException(what + " x" + c + ": " + o.errors() + " answers not 200");
                    }
                    row.append(String.format(Locale.ROOT, " %,.0f", o.throughput()));
                }
                summary.line(row.toString());
            }
        }
    }

    /** Warm blocking no-op at a low, open-loop rate, interleaved with direct {@code /run} to its container. */
    private void latency(final ChildPlatform platform) throws Exception
    {
        final double rate = 100;
        final double seconds = quick ? 10 : 30;
        final String ip = platform.containerIps(NOOP).get(0);
        final Load.Connection viaPlatform = Load.fixed("127.0.0.1", platform.port(),
            platform.invokeRequest(NOOP, true));
        final Load.Connection direct = Load.fixed(ip, 8080, runBody(ip, NOOP, platform.tokenHeader(ip)));
        System.out.printf("%nlatency: warm blocking no-op at %.0f/s, open loop, interleaved with direct /run and " +
            "a bare forwarder to the same container%n", rate);
        final List<Load.Outcome> o;
        final ChildPlatform.Snapshot before;
        final ChildPlatform.Snapshot after;
        final double idleCpuPerSecond;
        final double forwarderCpuUsPerCall;
        try (ServerChild forwarder = forwarder(List.of(ip), platform))
        {
            final Load.Connection viaForwarder = Load.fixed("127.0.0.1", forwarder.port(),
                platform.invokeRequest(NOOP, true));
            Load.runTogether(List.of(Load.Plan.closed("warm-up platform", List.of(viaPlatform), 3_000, 10),
                Load.Plan.closed("warm-up direct", List.of(direct), 3_000, 10),
                Load.Plan.closed("warm-up forwarder", List.of(viaForwarder), 3_000, 10)));
            idleCpuPerSecond = idleCpuNsPerSecond(platform);
            before = platform.snapshot();
            final long forwarderCpu0 = forwarder.cpuNs();
            o = Load.runTogether(List.of(
                Load.Plan.open("platform", List.of(viaPlatform), rate, (long)(rate * seconds), seconds),
                Load.Plan.open("direct /run", List.of(direct), rate, (long)(rate * seconds), seconds),
                Load.Plan.open("forwarder", List.of(viaForwarder), rate, (long)(rate * seconds), seconds)));
            after = platform.snapshot();
            forwarderCpuUsPerCall = (forwarder.cpuNs() - forwarderCpu0) / 1e3 / Math.max(1, o.get(2).calls());
        }
        final ObjectNode file = Results.loadScenario("latency", "warm blocking invoke of a no-op at " +
            (int)rate + "/s (open loop) beside a direct /run to the same warm container, interleaved");
        final Cost cost = Cost.of(before, after, o.get(0).calls());
        Results.addRun(file, "platform", o.get(0), cost.cpuUsPerCall(), cost.bytesPerCall());
        Results.addRun(file, "baseline", o.get(1), Double.NaN, Double.NaN);
        Results.addRun(file, "forwarder", o.get(2), forwarderCpuUsPerCall, Double.NaN);
        final ObjectNode f = (ObjectNode)file.get("figures");
        f.put("idleCpuMsPerSecond", idleCpuPerSecond / 1e6);
        f.put("cpuUsPerCallLessIdle", (cost.cpuNs() - idleCpuPerSecond * cost.seconds()) / 1e3 / o.get(0).calls());
        Results.write(out.resolve("load-latency.json"), file);
        summary.latency(o.get(0), o.get(1), cost, idleCpuPerSecond);
        summary.forwarder("at " + (int)rate + "/s", o.get(2), o.get(1), forwarderCpuUsPerCall, cost.cpuUsPerCall());
    }

    /**
     * The bare forwarder ({@link ForwarderServer}) to the given warm containers of the no-op, each with the secret its
     * proxy requires.
     */
    private static ServerChild forwarder(final List<String> ips, final ChildPlatform platform)
        throws IOException, InterruptedException
    {
        final List<String> args = new ArrayList<>();
        args.add(runJson());
        for (final String ip : ips)
        {
            final String header = platform.tokenHeader(ip);
            args.add(header == null ? ip : ip + "|" + header.substring(header.indexOf(':') + 1).trim());
        }
        return new ServerChild(ForwarderServer.class, args.toArray(new String[0]));
    }

    /** Closed-loop no-op throughput at each number of connections, through the platform and direct. */
    private void connections(final ChildPlatform platform, final int[] levels) throws Exception
    {
        final double seconds = quick ? 3 : 6;
        System.out.printf("%nconnections: closed-loop no-op throughput through the platform vs direct /run%n");
        final ObjectNode file = Results.loadScenario("connections",
            "closed-loop blocking no-op invokes at 1 to 16 keep-alive connections, beside direct /run to the " +
            "same containers with as many connections");
        for (final int c : levels)
        {
            final List<Load.Connection> platformConns = new ArrayList<>();
            for (int i = 0; i < c; i++)
            {
                platformConns.add(Load.fixed("127.0.0.1", platform.port(), platform.invokeRequest(NOOP, true)));
            }
            Load.run(Load.Plan.closed("warm-up x" + c, platformConns, 100_000, 2));
            final ChildPlatform.Snapshot before = platform.snapshot();
            final Load.Outcome p = Load.run(Load.Plan.closed("platform x" + c, platformConns, 1_000_000, seconds));
            final ChildPlatform.Snapshot after = platform.snapshot();
            final List<String> ips = platform.containerIps(NOOP);
            final List<Load.Connection> directConns = new ArrayList<>();
            for (int i = 0; i < c; i++)
            {
                final String ip = ips.get(i % ips.size());
                directConns.add(Load.fixed(ip, 8080, runBody(ip, NOOP, platform.tokenHeader(ip))));
            }
            Load.run(Load.Plan.closed("warm-up direct x" + c, directConns, 100_000, 1));
            final Load.Outcome d = Load.run(Load.Plan.closed("direct x" + c, directConns, 1_000_000, seconds));
            final Load.Outcome fw;
            final double fwCpuUsPerCall;
            try (ServerChild forwarder = forwarder(ips, platform))
            {
                final List<Load.Connection> fwConns = new ArrayList<>();
                for (int i = 0; i < c; i++)
                {
                    fwConns.add(Load.fixed("127.0.0.1", forwarder.port(), platform.invokeRequest(NOOP, true)));
                }
                Load.run(Load.Plan.closed("warm-up forwarder x" + c, fwConns, 100_000, 1));
                final long cpu0 = forwarder.cpuNs();
                fw = Load.run(Load.Plan.closed("forwarder x" + c, fwConns, 1_000_000, seconds));
                fwCpuUsPerCall = (forwarder.cpuNs() - cpu0) / 1e3 / Math.max(1, fw.calls());
            }
            final Cost cost = Cost.of(before, after, p.calls());
            summary.line(String.format(Locale.ROOT, "  x%d: during the platform's run: %.0f cold starts, %.0f " +
                "resumes, %.0f pauses", c, after.delta(before, "whisk_pool_cold_starts_total"),
                after.delta(before, "whisk_pool_resumes_total"), after.delta(before, "whisk_pool_pauses_total")));
            Results.addRun(file, "platform", p, cost.cpuUsPerCall(), cost.bytesPerCall())
                .put("containers", ips.size());
            Results.addRun(file, "baseline", d, Double.NaN, Double.NaN).put("containers", ips.size());
            Results.addRun(file, "forwarder", fw, fwCpuUsPerCall, Double.NaN).put("containers", ips.size());
            summary.connections(c, p, d, cost, ips.size());
            summary.forwarder("x" + c, fw, d, fwCpuUsPerCall, cost.cpuUsPerCall());
        }
        Results.write(out.resolve("load-connections.json"), file);
    }

    /**
     * A no-op with {@code limits.concurrency} = {@code c} at {@code c} closed-loop connections, beside {@code c}
     * connections direct to its one container.
     */
    private void concurrentContainer(final ChildPlatform platform, final int c) throws Exception
    {
        final double seconds = 6;
        final String action = "noopc";
        platform.putAction(action, "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"function main() { return {}; }\"}," +
            "\"limits\":{\"concurrency\":" + c + "}}");
        System.out.printf("%nconcurrent container: a concurrency-%d no-op at %d connections vs direct to its " +
            "container%n", c, c);
        final List<Load.Connection> platformConns = new ArrayList<>();
        for (int i = 0; i < c; i++)
        {
            platformConns.add(Load.fixed("127.0.0.1", platform.port(), platform.invokeRequest(action, true)));
        }
        Load.run(Load.Plan.closed("warm-up concurrent x" + c, platformConns, 100_000, 2));
        final ChildPlatform.Snapshot before = platform.snapshot();
        final Load.Outcome p = Load.run(Load.Plan.closed("platform concurrent x" + c, platformConns, 1_000_000,
            seconds));
        final ChildPlatform.Snapshot after = platform.snapshot();
        final List<String> ips = platform.containerIps(action);
        final List<Load.Connection> directConns = new ArrayList<>();
        for (int i = 0; i < c; i++)
        {
            directConns.add(Load.fixed(ips.get(0), 8080, runBody(ips.get(0), action,
                platform.tokenHeader(ips.get(0)))));
        }
        Load.run(Load.Plan.closed("warm-up direct concurrent x" + c, directConns, 100_000, 1));
        final Load.Outcome d = Load.run(Load.Plan.closed("direct concurrent x" + c, directConns, 1_000_000,
            seconds));
        final Cost cost = Cost.of(before, after, p.calls());
        summary.line(String.format(Locale.ROOT, "concurrency-%d action x%d: platform %,.0f/s (p50 %.0f µs, p99 " +
            "%.0f µs) on %d container(s) vs direct to one container %,.0f/s (p50 %.0f µs): %.0f%%; CPU %.1f µs/call",
            c, c, p.throughput(), p.latencyNs().getValueAtPercentile(50) / 1e3,
            p.latencyNs().getValueAtPercentile(99) / 1e3, ips.size(), d.throughput(),
            d.latencyNs().getValueAtPercentile(50) / 1e3, 100 * p.throughput() / d.throughput(), cost.cpuUsPerCall()));
        summary.goal("concurrency-" + c + " throughput vs direct", 100 * p.throughput() / d.throughput(), "%", 70,
            false);
    }

    /** Non-blocking invokes (202) as fast as 4 connections go, then the time until all have completed. */
    private void nonBlocking(final ChildPlatform platform) throws Exception
    {
        final int c = 4;
        // Below the pool's bound on waiting jobs (4096), so that the backlog is never refused.
        final long calls = 4_000;
        System.out.printf("%nnon-blocking: %d invokes answered 202 over %d connections, then drained%n", calls, c);
        final List<Load.Connection> conns = new ArrayList<>();
        for (int i = 0; i < c; i++)
        {
            conns.add(Load.fixed("127.0.0.1", platform.port(), platform.invokeRequest(NOOP, false)));
        }
        final ChildPlatform.Snapshot before = platform.snapshot();
        final Load.Outcome p = Load.run(Load.Plan.closed("accept x" + c, conns, calls, 30));
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        ChildPlatform.Snapshot after = platform.snapshot();
        while (after.delta(before, "whisk_invocations_completed_total") < p.calls() && System.nanoTime() < deadline)
        {
            Thread.sleep(20);
            after = platform.snapshot();
        }
        final double completed = after.delta(before, "whisk_invocations_completed_total");
        final double drainSeconds = (after.nanoTime() - before.nanoTime()) / 1e9;
        final List<String> ips = platform.containerIps(NOOP);
        final List<Load.Connection> directConns = new ArrayList<>();
        for (int i = 0; i < c; i++)
        {
            final String ip = ips.get(i % ips.size());
            directConns.add(Load.fixed(ip, 8080, runBody(ip, NOOP, platform.tokenHeader(ip))));
        }
        final Load.Outcome d = Load.run(Load.Plan.closed("direct x" + c, directConns, 1_000_000, 4));
        final Cost cost = Cost.of(before, after, (long)completed);
        final ObjectNode file = Results.loadScenario("nonblocking", "non-blocking no-op invokes (answered 202 " +
            "once journaled) over 4 connections, the activations run until all completed; direct /run beside");
        Results.addRun(file, "platform", p, cost.cpuUsPerCall(), cost.bytesPerCall());
        Results.addRun(file, "baseline", d, Double.NaN, Double.NaN);
        final ObjectNode f = (ObjectNode)file.get("figures");
        f.put("completed", completed);
        f.put("secondsUntilAllCompleted", drainSeconds);
        f.put("completedPerSecond", completed / drainSeconds);
        Results.write(out.resolve("load-nonblocking.json"), file);
        summary.line(String.format(Locale.ROOT, "non-blocking: %,.0f accepted/s (p50 %.0f µs to the 202), %,.0f " +
            "completed/s end to end; direct /run x4 %,.0f/s; CPU %.1f µs and %,.0f B per activation", p.throughput(),
            p.latencyNs().getValueAtPercentile(50) / 1e3, completed / drainSeconds, d.throughput(),
            cost.cpuUsPerCall(), cost.bytesPerCall()));
    }

    /** The front door's floor: a plain Netty echo vs an authenticated GET of an action, same client. */
    private void floor(final ChildPlatform platform) throws Exception
    {
        final double seconds = quick ? 3 : 5;
        System.out.printf("%nfloor: authenticated GET through the front door vs a plain Netty HTTP echo%n");
        final ObjectNode file = Results.loadScenario("floor", "authenticated GET of an action through the " +
            "front door beside a plain Netty HTTP/1.1 echo server (child JVM, one event loop), same client");
        try (ServerChild echo = new ServerChild(EchoServer.class))
        {
            final byte[] get = RawHttpClient.get("127.0.0.1", "/api/v1/namespaces/guest/actions/" + NOOP,
                platform.authHeader());
            final byte[] echoGet = RawHttpClient.get("127.0.0.1", "/", null);
            for (final int c : new int[] {1, 8})
            {
                final List<Load.Connection> p = new ArrayList<>();
                final List<Load.Connection> e = new ArrayList<>();
                for (int i = 0; i < c; i++)
                {
                    p.add(Load.fixed("127.0.0.1", platform.port(), get));
                    e.add(Load.fixed("127.0.0.1", echo.port(), echoGet));
                }
                Load.run(Load.Plan.closed("warm-up GET x" + c, p, 20_000, 2));
                Load.run(Load.Plan.closed("warm-up echo x" + c, e, 20_000, 2));
                final ChildPlatform.Snapshot before = platform.snapshot();
                final Load.Outcome po = Load.run(Load.Plan.closed("front door GET x" + c, p, 2_000_000, seconds));
                final ChildPlatform.Snapshot after = platform.snapshot();
                final Load.Outcome eo = Load.run(Load.Plan.closed("netty echo x" + c, e, 2_000_000, seconds));
                final Cost cost = Cost.of(before, after, po.calls());
                Results.addRun(file, "platform", po, cost.cpuUsPerCall(), cost.bytesPerCall());
                Results.addRun(file, "baseline", eo, Double.NaN, Double.NaN);
                summary.line(String.format(Locale.ROOT, "front door x%d: authenticated GET %,.0f/s p50 %.0f µs vs " +
                    "Netty echo %,.0f/s p50 %.0f µs (%.0f%% of the echo's throughput); %.1f µs CPU, %,.0f B per GET",
                    c, po.throughput(), po.latencyNs().getValueAtPercentile(50) / 1e3, eo.throughput(),
                    eo.latencyNs().getValueAtPercentile(50) / 1e3, 100 * po.throughput() / eo.throughput(),
                    cost.cpuUsPerCall(), cost.bytesPerCall()));
            }
        }
        Results.write(out.resolve("load-floor.json"), file);
    }

    /** The platform's CPU time per second of wall time while nothing is sent to it, over two seconds. */
    static double idleCpuNsPerSecond(final ChildPlatform platform) throws IOException, InterruptedException
    {
        final long c0 = platform.cpuNs();
        final long t0 = System.nanoTime();
        Thread.sleep(2_000);
        return (platform.cpuNs() - c0) * 1e9 / (System.nanoTime() - t0);
    }

    /** The runtime proxy's {@code /run} body for a warm container of {@code guest/<action>}. */
    static byte[] runBody(final String ip, final String action, final String tokenHeader)
    {
        return RawHttpClient.post(ip, "/run", null, tokenHeader, runJson(action).getBytes(StandardCharsets.UTF_8));
    }

    private static String runJson()
    {
        return runJson(NOOP);
    }

    private static String runJson(final String action)
    {
        return "{\"value\":{},\"namespace\":\"guest\",\"action_name\":\"/guest/" + action +
            "\",\"action_version\":\"0.0.1\",\"activation_id\":\"" + "0".repeat(32) +
            "\",\"transaction_id\":\"0\",\"deadline\":\"" + (System.currentTimeMillis() + 3_600_000) + "\"}";
    }

    static void check(final int status, final String what)
    {
        if (status != 200 && status != 202)
        {
            throw new IllegalStateException(what + " answered " + status);
        }
    }

    /** The platform's CPU time and allocation over a window, per call. */
    record Cost(long cpuNs, double allocatedBytes, double seconds, long calls)
    {
        static Cost of(final ChildPlatform.Snapshot before, final ChildPlatform.Snapshot after, final long calls)
        {
            return new Cost(after.cpuNs() - before.cpuNs(), after.delta(before, "whisk_jvm_allocated_bytes_total"),
                (after.nanoTime() - before.nanoTime()) / 1e9, calls);
        }

        double cpuUsPerCall()
        {
            return calls == 0 ? Double.NaN : cpuNs / 1e3 / calls;
        }

        double bytesPerCall()
        {
            return calls == 0 ? Double.NaN : allocatedBytes / calls;
        }
    }

    /**
     * A baseline server in a child JVM of its own ({@link EchoServer}, {@link ForwarderServer}), measured from
     * another process as the platform is, with its CPU time read from {@code /proc}.
     */
    private static final class ServerChild implements AutoCloseable
    {
        private static final long CLOCK_TICKS = ChildPlatform.clockTicks();
        private final Process process;
        private final int port;

        ServerChild(final Class<?> main, final String... args) throws IOException, InterruptedException
        {
            try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
            {
                port = s.getLocalPort();
            }
            final List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Dio.netty.tryReflectionSetAccessible=true"));
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName(), Integer.toString(port)));
            cmd.addAll(List.of(args));
            process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true)
            {
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", port))
                {
                    return;
                }
                catch (final IOException ex)
                {
                    if (System.nanoTime() > deadline || !process.isAlive())
                    {
                        close();
                        throw new IOException(main.getSimpleName() + " did not start", ex);
                    }
                    Thread.sleep(50);
                }
            }
        }

        int port()
        {
            return port;
        }

        long cpuNs() throws IOException
        {
            return ChildPlatform.cpuNs(process.pid(), CLOCK_TICKS);
        }

        @Override
        public void close()
        {
            process.destroy();
            try
            {
                process.waitFor(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
