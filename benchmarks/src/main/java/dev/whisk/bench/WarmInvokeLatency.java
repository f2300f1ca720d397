package dev.whisk.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.whisk.launcher.node.Standalone;
import dev.whisk.launcher.node.StandaloneConfig;
import dev.whisk.pool.ContainerPoolConfig;
import dev.whisk.pool.docker.DockerDriver;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Warm blocking invoke of a no-op action through the whole platform, side by side with a direct {@code /run} to the
 * very same warm container, from one keep-alive client each, in one run. The two alternate call by call, so drift
 * (JIT, page cache, the other core's load) hits both alike.
 *
 * <p>Usage: {@code WarmInvokeLatency [calls-per-side] [warmup-calls] [blocking|accept] [results.json]}; defaults
 * 5000, 2000, blocking and no file. The file, when named, gets both histograms for {@code whisk report}. {@code accept} measures a non-blocking invoke instead: the time until the request is journaled and
 * answered 202, the front half of the path.
 */
public final class WarmInvokeLatency
{
    /**
     * Calls alternate one by one. The pool of this harness never pauses (a direct call to a paused container would
     * wait forever, and on a loaded machine one gap past the 50 ms grace was enough to hang a run).
     */
    private static final int BLOCK = 1;
    private static final String LABEL = "bench-warm-" + ProcessHandle.current().pid();

    private WarmInvokeLatency()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int calls = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        final int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        final String query = args.length > 2 && "accept".equals(args[2]) ? "" : "?blocking=true&result=true";
        final Path dataDir = Files.createTempDirectory("whisk-bench");
        // No stem cells: the no-op gets a container of its own, labelled with its name, for the direct baseline.
        // A label of its own: a pool removes every container of its label at start, another platform's included.
        final StandaloneConfig defaults = StandaloneConfig.defaults(dataDir, "127.0.0.1", 0);
        final ContainerPoolConfig p = defaults.pool();
        // WHISK_NODEJS_IMAGE picks the runtime image (as build-image.sh's), e.g. one of this checkout's proxy.
        final String image = System.getenv("WHISK_NODEJS_IMAGE");
        final ContainerPoolConfig pool = new ContainerPoolConfig(p.dockerHost(), p.network(), LABEL,
            image == null || image.isBlank() ? p.runtimeImages() : Map.of("nodejs:20", image), p.apiHost(),
            p.memoryBudgetMb(), p.dockerThreads(), p.logWaitMs(), p.idleTimeoutMs(),
            p.clientThreads(), List.of(), -1, p.maxWaiting());
        try (Standalone platform = new Standalone(defaults.withPool(pool)))
        {
            final String auth = "Basic " + Base64.getEncoder().encodeToString(
                platform.guestAuth().getBytes(StandardCharsets.UTF_8));
            deploy(platform.apiHost(), auth);

            final String host = platform.address().getHostString();
            final byte[] viaPlatform = RawHttpClient.post(host,
                "/api/v1/namespaces/guest/actions/noop" + query, auth,
                "{}".getBytes(StandardCharsets.UTF_8));
            try (RawHttpClient platformClient = new RawHttpClient(host, platform.address().getPort()))
            {
                check(platformClient.exchange(RawHttpClient.post(host,
                    "/api/v1/namespaces/guest/actions/noop?blocking=true", auth,
                    "{}".getBytes(StandardCharsets.UTF_8)), null), "platform invoke");
                final String[] container = container();
                final String ip = container[0];
                final byte[] direct = RawHttpClient.post(ip, "/run", null, container[1], runBody());
                try (RawHttpClient directClient = new RawHttpClient(ip, 8080))
                {
                    final Histogram platformNs = new Histogram(3_600_000_000_000L, 3);
                    final Histogram directNs = new Histogram(3_600_000_000_000L, 3);
                    System.out.printf("warming up: %d calls per side%n", warmup);
                    measure(platformClient, viaPlatform, directClient, direct, warmup, null, null);
                    System.out.printf("measuring: %d calls per side, alternating%n", calls);
                    measure(platformClient, viaPlatform, directClient, direct, calls, platformNs, directNs);
                    report(platformNs, directNs);
                    if (args.length > 3)
                    {
                        Results.writeLatency(Path.of(args[3]), "warm blocking invoke of a no-op action",
                            platformNs, directNs);
                    }
                }
            }
        }
    }

    private static void measure(final RawHttpClient platformClient, final byte[] viaPlatform,
        final RawHttpClient directClient, final byte[] direct, final int calls, final Histogram platformNs,
        final Histogram directNs) throws Exception
    {
        for (int done = 0; done < calls; done += BLOCK)
        {
            final int n = Math.min(BLOCK, calls - done);
            for (int i = 0; i < n; i++)
            {
                final long t0 = System.nanoTime();
                check(platformClient.exchange(viaPlatform, null), "platform invoke");
                if (platformNs != null)
                {
                    platformNs.recordValue(System.nanoTime() - t0);
                }
            }
            for (int i = 0; i < n; i++)
            {
                final long t0 = System.nanoTime();
                check(directClient.exchange(direct, null), "direct /run");
                if (directNs != null)
                {
                    directNs.recordValue(System.nanoTime() - t0);
                }
            }
        }
    }

    private static void report(final Histogram platform, final Histogram direct)
    {
        System.out.printf("%n%-28s %10s %10s %10s %10s %10s%n", "microseconds", "p50", "p90", "p99", "p99.9", "mean");
        row("platform (blocking invoke)", platform);
        row("direct /run (same container)", direct);
        System.out.printf("%-28s %10.1f %10.1f %10.1f %10.1f %10.1f%n", "difference",
            us(platform.getValueAtPercentile(50)) - us(direct.getValueAtPercentile(50)),
            us(platform.getValueAtPercentile(90)) - us(direct.getValueAtPercentile(90)),
            us(platform.getValueAtPercentile(99)) - us(direct.getValueAtPercentile(99)),
            us(platform.getValueAtPercentile(99.9)) - us(direct.getValueAtPercentile(99.9)),
            platform.getMean() / 1e3 - direct.getMean() / 1e3);
        System.out.printf("ratio p50 %.2fx, p99 %.2fx; samples %d + %d; cores %d; java %s%n",
            (double)platform.getValueAtPercentile(50) / direct.getValueAtPercentile(50),
            (double)platform.getValueAtPercentile(99) / direct.getValueAtPercentile(99),
            platform.getTotalCount(), direct.getTotalCount(), Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"));
    }

    private static void row(final String name, final Histogram h)
    {
        System.out.printf("%-28s %10.1f %10.1f %10.1f %10.1f %10.1f%n", name, us(h.getValueAtPercentile(50)),
            us(h.getValueAtPercentile(90)), us(h.getValueAtPercentile(99)), us(h.getValueAtPercentile(99.9)),
            h.getMean() / 1e3);
    }

    private static double us(final long ns)
    {
        return ns / 1e3;
    }

    private static void check(final int status, final String what)
    {
        if (status != 200 && status != 202)
        {
            throw new IllegalStateException(what + " answered " + status);
        }
    }

    private static void deploy(final String apiHost, final String auth) throws Exception
    {
        final HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(apiHost + "/api/v1/namespaces/guest/actions/noop?overwrite=true"))
            .header("Authorization", auth).header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(
                "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"function main() { return {}; }\"}}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        check(r.statusCode(), "create noop");
    }

    /**
     * The address of the warm container of {@code guest/noop} on the pool's network, and the header line with its
     * secret (null when it has none), which its proxy requires on every {@code /run}.
     */
    private static String[] container() throws Exception
    {
        final var cfg = DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost("unix:///var/run/docker.sock").build();
        try (DockerClient docker = DockerClientImpl.getInstance(cfg,
            new ZerodepDockerHttpClient.Builder().dockerHost(cfg.getDockerHost()).build()))
        {
            final long deadline = System.nanoTime() + 30_000_000_000L;
            List<Container> found = List.of();
            while (found.size() != 1 && System.nanoTime() < deadline)
            {
                found = docker.listContainersCmd()
                    .withLabelFilter(Map.of(DockerDriver.LABEL_INVOKER, LABEL, DockerDriver.LABEL_ACTION, "guest/noop"))
                    .exec();
                Thread.sleep(found.size() == 1 ? 0 : 50);
            }
            if (found.size() != 1)
            {
                throw new IllegalStateException("expected one warm container of guest/noop, found " + found.size());
            }
            final String ip = found.get(0).getNetworkSettings().getNetworks()
                .get(ContainerPoolConfig.DEFAULT_NETWORK).getIpAddress();
            String tokenHeader = null;
            for (final String env : docker.inspectContainerCmd(found.get(0).getId()).exec().getConfig().getEnv())
            {
                if (env.startsWith("__OW_PROXY_TOKEN="))
                {
                    tokenHeader = "X-Whisk-Proxy-Token: " + env.substring("__OW_PROXY_TOKEN=".length());
                }
            }
            return new String[] {ip, tokenHeader};
        }
    }

    private static byte[] runBody()
    {
        return ("{\"value\":{},\"namespace\":\"guest\",\"action_name\":\"/guest/noop\",\"action_version\":\"0.0.1\"," +
            "\"activation_id\":\"00000000000000000000000000000000\",\"transaction_id\":\"0\",\"deadline\":\"" +
            (System.currentTimeMillis() + 3_600_000) + "\"}").getBytes(StandardCharsets.UTF_8);
    }
}
