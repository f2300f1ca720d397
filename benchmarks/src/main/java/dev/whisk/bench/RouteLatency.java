package dev.whisk.bench;

import dev.whisk.launcher.node.Standalone;
import dev.whisk.launcher.node.StandaloneConfig;
import dev.whisk.pool.ContainerPoolConfig;
import org.HdrHistogram.Histogram;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * A call through an API gateway route ({@code GET /api/guest/bench/noop}) beside a direct call of the same web action
 * ({@code GET /api/v1/web/guest/default/noop.json}), same warm container, one keep-alive client each, alternating
 * call by call in one run so drift hits both alike. The difference is what the route lookup adds.
 *
 * <p>Usage: {@code RouteLatency [calls-per-side] [warmup-calls]}; defaults 3000 and 1000.
 */
public final class RouteLatency
{
    private static final String LABEL = "bench-route-" + ProcessHandle.current().pid();

    private RouteLatency()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int calls = args.length > 0 ? Integer.parseInt(args[0]) : 3_000;
        final int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        final Path dataDir = Files.createTempDirectory("whisk-bench-route");
        final StandaloneConfig defaults = StandaloneConfig.defaults(dataDir, "127.0.0.1", 0);
        final ContainerPoolConfig p = defaults.pool();
        final ContainerPoolConfig pool = new ContainerPoolConfig(p.dockerHost(), p.network(), LABEL,
            p.runtimeImages(), p.apiHost(), p.memoryBudgetMb(), p.dockerThreads(), p.logWaitMs(), p.idleTimeoutMs(),
            p.clientThreads(), List.of(), p.pauseGraceMs(), p.maxWaiting());
        try (Standalone platform = new Standalone(defaults.withPool(pool)))
        {
            final String auth = "Basic " + Base64.getEncoder().encodeToString(
                platform.guestAuth().getBytes(StandardCharsets.UTF_8));
            final ApiCalls api = new ApiCalls(platform.apiHost(), auth);
            api.ok("PUT", "/api/v1/namespaces/guest/actions/noop?overwrite=true",
                "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"function main() { return {ok: true}; }\"}," +
                "\"annotations\":[{\"key\":\"web-export\",\"value\":true}]}");
            api.ok("POST", "/api/v1/web/whisk.system/apimgmt/createApi.http?responsetype=json",
                "{\"apidoc\":{\"namespace\":\"_\",\"gatewayBasePath\":\"/bench\",\"gatewayPath\":\"/noop\"," +
                "\"gatewayMethod\":\"GET\",\"action\":{\"name\":\"noop\",\"namespace\":\"_\"," +
                "\"backendMethod\":\"GET\",\"backendUrl\":\"x\",\"authkey\":\"x\"}}}");
            final String host = platform.address().getHostString();
            final int port = platform.address().getPort();
            final byte[] routed = RawHttpClient.get(host, "/api/guest/bench/noop", null);
            final byte[] direct = RawHttpClient.get(host, "/api/v1/web/guest/default/noop.json", null);
            try (RawHttpClient routedClient = new RawHttpClient(host, port);
                RawHttpClient directClient = new RawHttpClient(host, port))
            {
                final Histogram routedNs = new Histogram(3_600_000_000_000L, 3);
                final Histogram directNs = new Histogram(3_600_000_000_000L, 3);
                System.out.printf("warming up: %d calls per side%n", warmup);
                measure(routedClient, routed, directClient, direct, warmup, null, null);
                System.out.printf("measuring: %d calls per side, alternating%n", calls);
                measure(routedClient, routed, directClient, direct, calls, routedNs, directNs);
                System.out.printf("%n%-26s %10s %10s %10s %10s %10s%n", "microseconds", "p50", "p90", "p99",
                    "p99.9", "mean");
                row("routed /api/guest/bench", routedNs);
                row("direct web action .json", directNs);
                System.out.printf("%-26s %10.1f %10.1f %10.1f %10.1f %10.1f%n", "added by the route",
                    diff(routedNs, directNs, 50), diff(routedNs, directNs, 90), diff(routedNs, directNs, 99),
                    diff(routedNs, directNs, 99.9), (routedNs.getMean() - directNs.getMean()) / 1e3);
                System.out.printf("samples %d + %d; cores %d; java %s%n", routedNs.getTotalCount(),
                    directNs.getTotalCount(), Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"));
            }
        }
    }

    private static void measure(final RawHttpClient routedClient, final byte[] routed,
        final RawHttpClient directClient, final byte[] direct, final int calls, final Histogram routedNs,
        final Histogram directNs) throws Exception
    {
        for (int i = 0; i < calls; i++)
        {
            // Which side goes first alternates too, so neither always follows the other's container wake-up.
            if ((i & 1) == 0)
            {
                one(routedClient, routed, routedNs, "routed");
                one(directClient, direct, directNs, "direct");
            }
            else
            {
                one(directClient, direct, directNs, "direct");
                one(routedClient, routed, routedNs, "routed");
            }
        }
    }

    private static void one(final RawHttpClient client, final byte[] request, final Histogram into,
        final String what) throws Exception
    {
        final long t0 = System.nanoTime();
        final int status = client.exchange(request, null);
        final long ns = System.nanoTime() - t0;
        if (status != 200)
        {
            throw new IllegalStateException(what + " call answered " + status);
        }
        if (into != null)
        {
            into.recordValue(ns);
        }
    }

    private static void row(final String name, final Histogram h)
    {
        System.out.printf("%-26s %10.1f %10.1f %10.1f %10.1f %10.1f%n", name, h.getValueAtPercentile(50) / 1e3,
            h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3,
            h.getMean() / 1e3);
    }

    private static double diff(final Histogram a, final Histogram b, final double percentile)
    {
        return (a.getValueAtPercentile(percentile) - b.getValueAtPercentile(percentile)) / 1e3;
    }
}
