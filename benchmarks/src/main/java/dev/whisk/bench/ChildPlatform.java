package dev.whisk.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.whisk.pool.ContainerPoolConfig;
import dev.whisk.pool.docker.DockerDriver;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The platform under load as a child JVM of its own ({@code whisk.jar standalone --no-demo}), so that its CPU time
 * can be read from {@code /proc/<pid>/stat} apart from the harness's, and its allocation from {@code /metrics}.
 * Each child has its own data directory, port, home directory and invoker label, so it never touches another
 * platform's containers; closing it stops it with SIGTERM (its pool removes its containers) and removes leftovers.
 */
final class ChildPlatform implements AutoCloseable
{
    private static final String TOKEN_ENV = "__OW_PROXY_TOKEN=";
    private static final long START_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(90);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static int started;
    /** Where each child's log is copied when it closes; none when {@code null}. */
    static volatile Path logDir;

    private final Path dataDir;
    private final java.util.Map<String, String> tokenHeaders = new java.util.concurrent.ConcurrentHashMap<>();
    private final String label;
    private final Process process;
    private final int port;
    private final String authHeader;
    private final long clockTicksPerSecond;
    private boolean closed;

    /** Platform options as {@code whisk standalone} takes them, e.g. {@code --stem-cells none}. */
    ChildPlatform(final String name, final String... options) throws IOException, InterruptedException
    {
        dataDir = Files.createTempDirectory("whisk-bench-" + name + "-");
        label = "bench-" + ProcessHandle.current().pid() + "-" + (++started);
        port = freePort();
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle.") || arg.startsWith("-Dio.netty."))
            {
                cmd.add(arg);
            }
        }
        // bin/whisk profile attaches async-profiler to the platform this way.
        final String extra = System.getProperty("whisk.platform.jvmArgs", "").trim();
        if (!extra.isEmpty())
        {
            cmd.addAll(List.of(extra.split("\\s+")));
        }
        cmd.addAll(List.of("-Xms512m", "-Xmx1g", "-Duser.home=" + dataDir, "-jar", jar().toString(), "standalone",
            "--no-demo", "--host", "127.0.0.1", "--port", Integer.toString(port), "--data-dir",
            dataDir.resolve("data").toString(), "--invoker-label", label));
        cmd.addAll(List.of(options));
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(dataDir.resolve("platform.log").toFile()).start();
        clockTicksPerSecond = clockTicks();
        // A harness stopped with Ctrl-C or SIGTERM still stops its platform and removes its containers.
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "stop-" + label));
        try
        {
            awaitUp();
            authHeader = "Basic " + Base64.getEncoder().encodeToString(auth().getBytes(StandardCharsets.UTF_8));
        }
        catch (final IOException | RuntimeException ex)
        {
            close();
            throw ex;
        }
        System.out.printf("platform %s: pid %d, port %d, label %s, options %s%n", name, process.pid(), port, label,
            String.join(" ", options));
    }

    int port()
    {
        return port;
    }

    String authHeader()
    {
        return authHeader;
    }

    String label()
    {
        return label;
    }

    /** CPU time of the platform process, user plus system, in nanoseconds ({@code /proc} ticks, 10 ms each). */
    long cpuNs() throws IOException
    {
        return cpuNs(process.pid(), clockTicksPerSecond);
    }

    /** CPU time of process {@code pid}, user plus system, in nanoseconds. */
    static long cpuNs(final long pid, final long clockTicksPerSecond) throws IOException
    {
        final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        final String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // Fields 14 (utime) and 15 (stime) of proc(5), counted from after the command name (field 3 is f[0]).
        final long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return ticks * 1_000_000_000L / clockTicksPerSecond;
    }

    /** The unlabelled samples of {@code GET /metrics}. */
    Map<String, Double> metrics() throws IOException, InterruptedException
    {
        final HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200)
        {
            throw new IOException("/metrics answered " + r.statusCode());
        }
        final Map<String, Double> samples = new HashMap<>();
        for (final String line : r.body().split("\n"))
        {
            if (!line.startsWith("#") && !line.isBlank())
            {
                final int sp = line.lastIndexOf(' ');
                samples.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
            }
        }
        return samples;
    }

    /** CPU, metrics and time now, to divide by the invocations until the next snapshot. */
    Snapshot snapshot() throws IOException, InterruptedException
    {
        final Map<String, Double> m = metrics();
        return new Snapshot(System.nanoTime(), cpuNs(), m);
    }

    /**
     * When the last of the newest {@code count} (at most 200) activation records of {@code action} ended, as the
     * platform's wall clock in ms (the record's {@code end}); -1 when there is none.
     */
    long lastRecordEndMs(final String action, final int count) throws IOException, InterruptedException
    {
        final String page = new ApiCalls("http://127.0.0.1:" + port, authHeader).ok("GET",
            "/api/v1/namespaces/guest/activations?docs=true&name=" + action + "&limit=" + Math.min(200, count), null);
        long last = -1;
        for (final com.fasterxml.jackson.databind.JsonNode record : dev.whisk.core.json.Json.MAPPER.readTree(page))
        {
            last = Math.max(last, record.path("end").asLong(-1));
        }
        return last;
    }

    /** Creates or replaces an action of namespace {@code guest}; {@code json} is the action's body. */
    void putAction(final String name, final String json) throws IOException, InterruptedException
    {
        new ApiCalls("http://127.0.0.1:" + port, authHeader).ok("PUT",
            "/api/v1/namespaces/guest/actions/" + name + "?overwrite=true", json);
    }

    /** A Node.js action that waits {@code sleepMs} (0: returns at once) and answers {@code {}}. */
    void putNodeAction(final String name, final int sleepMs, final int memoryMb)
        throws IOException, InterruptedException
    {
        final String code = sleepMs <= 0 ? "function main() { return {}; }" :
            "function main() { return new Promise(r => setTimeout(() => r({}), " + sleepMs + ")); }";
        putAction(name, "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"" + code + "\"},\"limits\":{\"memory\":" +
            memoryMb + "}}");
    }

    /** Pre-rendered blocking invoke of {@code guest/<name>}. */
    byte[] invokeRequest(final String name, final boolean blocking)
    {
        return RawHttpClient.post("127.0.0.1", "/api/v1/namespaces/guest/actions/" + name +
            (blocking ? "?blocking=true&result=true" : ""), authHeader, "{}".getBytes(StandardCharsets.UTF_8));
    }

    /** Addresses of this platform's containers serving {@code guest/<action>}, oldest first. */
    /**
     * The header line carrying the secret of the container at {@code ip}, which its proxy requires on a direct
     * {@code /run}; known for the containers {@link #containerIps} listed, else null.
     */
    String tokenHeader(final String ip)
    {
        return tokenHeaders.get(ip);
    }

    List<String> containerIps(final String action)
    {
        final var cfg = DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost("unix:///var/run/docker.sock").build();
        try (DockerClient docker = DockerClientImpl.getInstance(cfg,
            new ZerodepDockerHttpClient.Builder().dockerHost(cfg.getDockerHost()).build()))
        {
            final List<Container> found = new ArrayList<>(docker.listContainersCmd().withLabelFilter(Map.of(
                DockerDriver.LABEL_INVOKER, label, DockerDriver.LABEL_ACTION, "guest/" + action)).exec());
            found.sort(Comparator.comparingLong(Container::getCreated));
            final List<String> ips = new ArrayList<>();
            for (final Container c : found)
            {
                // The pool's network, or the one a platform of an earlier build put its containers on.
                final var networks = c.getNetworkSettings().getNetworks();
                final var net = networks.containsKey(ContainerPoolConfig.DEFAULT_NETWORK) ?
                    networks.get(ContainerPoolConfig.DEFAULT_NETWORK) : networks.values().iterator().next();
                final String ip = net.getIpAddress();
                ips.add(ip);
                for (final String env : docker.inspectContainerCmd(c.getId()).exec().getConfig().getEnv())
                {
                    if (env.startsWith(TOKEN_ENV))
                    {
                        tokenHeaders.put(ip, "X-Whisk-Proxy-Token: " + env.substring(TOKEN_ENV.length()));
                    }
                }
            }
            return ips;
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    /** Memory in use of each of this platform's containers, in MiB, from {@code docker stats}. */
    List<Double> containerMemoryMib() throws IOException, InterruptedException
    {
        final List<String> ids;
        try (DockerDriver docker = new DockerDriver("unix:///var/run/docker.sock",
            ContainerPoolConfig.DEFAULT_NETWORK))
        {
            ids = docker.containerIds(label);
        }
        final List<Double> mib = new ArrayList<>();
        if (ids.isEmpty())
        {
            return mib;
        }
        final List<String> cmd = new ArrayList<>(List.of("docker", "stats", "--no-stream", "--format",
            "{{.MemUsage}}"));
        cmd.addAll(ids);
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        for (final String line : out.split("\n"))
        {
            final String used = line.split("/")[0].trim();
            final double scale = used.endsWith("GiB") ? 1024 : used.endsWith("MiB") ? 1 :
                used.endsWith("KiB") ? 1.0 / 1024 : Double.NaN;
            if (!Double.isNaN(scale))
            {
                mib.add(Double.parseDouble(used.replaceAll("[A-Za-z]", "")) * scale);
            }
        }
        return mib;
    }

    /** How a SIGTERM ended: ms from the signal to the process's exit and to the last container's removal. */
    record Stop(double exitMs, double removedMs, int left)
    {
    }

    /** Containers of this platform that Docker lists, in any state. */
    int containerCount()
    {
        try (DockerDriver docker = new DockerDriver("unix:///var/run/docker.sock",
            ContainerPoolConfig.DEFAULT_NETWORK))
        {
            return docker.containerIds(label).size();
        }
    }

    /**
     * Sends SIGTERM and waits up to {@code timeoutNs} for the process to exit and for Docker to list none of its
     * containers; {@link #close} afterwards only cleans up what is left.
     */
    synchronized Stop terminate(final long timeoutNs) throws InterruptedException
    {
        final long t0 = System.nanoTime();
        final long deadline = t0 + timeoutNs;
        process.destroy();
        long exitNs = -1;
        long removedNs = -1;
        int left;
        try (DockerDriver docker = new DockerDriver("unix:///var/run/docker.sock",
            ContainerPoolConfig.DEFAULT_NETWORK))
        {
            while (true)
            {
                final long now = System.nanoTime();
                if (exitNs < 0 && !process.isAlive())
                {
                    exitNs = now - t0;
                }
                left = docker.containerIds(label).size();
                if (removedNs < 0 && left == 0)
                {
                    removedNs = now - t0;
                }
                if ((exitNs >= 0 && removedNs >= 0) || now > deadline)
                {
                    break;
                }
                Thread.sleep(20);
            }
        }
        return new Stop(exitNs < 0 ? Double.NaN : exitNs / 1e6, removedNs < 0 ? Double.NaN : removedNs / 1e6, left);
    }

    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        process.destroy();
        try
        {
            if (!process.waitFor(60, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (logDir != null)
        {
            try
            {
                Files.copy(dataDir.resolve("platform.log"), logDir.resolve("platform-" + label + ".log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            catch (final IOException ex)
            {
                System.out.println("could not keep the log of " + label + ": " + ex.getMessage());
            }
        }
        try (DockerDriver docker = new DockerDriver("unix:///var/run/docker.sock",
            ContainerPoolConfig.DEFAULT_NETWORK))
        {
            docker.removeAll(label);
        }
        catch (final RuntimeException ex)
        {
            System.out.println("could not remove containers of " + label + ": " + ex.getMessage());
        }
        try (Stream<Path> files = Files.walk(dataDir))
        {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        catch (final IOException ex)
        {
            // A leftover temporary directory is harmless.
        }
    }

    private void awaitUp() throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + START_TIMEOUT_NS;
        while (true)
        {
            if (!process.isAlive())
            {
                throw new IOException("platform exited with " + process.exitValue() + ":\n" +
                    Files.readString(dataDir.resolve("platform.log")));
            }
            if (Files.exists(dataDir.resolve("data").resolve("wskprops")))
            {
                try
                {
                    metrics();
                    return;
                }
                catch (final IOException ex)
                {
                    // Not listening yet.
                }
            }
            if (System.nanoTime() > deadline)
            {
                throw new IOException("platform did not answer /metrics within 90 s");
            }
            Thread.sleep(100);
        }
    }

    private String auth() throws IOException
    {
        for (final String line : Files.readAllLines(dataDir.resolve("data").resolve("wskprops")))
        {
            if (line.startsWith("AUTH="))
            {
                return line.substring(5).trim();
            }
        }
        throw new IOException("no AUTH in " + dataDir.resolve("data").resolve("wskprops"));
    }

    private static Path jar()
    {
        final Path jar = Path.of(System.getProperty("whisk.home", "."), "launcher", "target", "whisk.jar");
        if (!Files.exists(jar))
        {
            throw new IllegalStateException("no platform jar at " + jar.toAbsolutePath() + "; build it first");
        }
        return jar;
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            return s.getLocalPort();
        }
    }

    static long clockTicks()
    {
        try
        {
            final Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return Long.parseLong(out);
        }
        catch (final IOException | NumberFormatException ex)
        {
            return 100;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    /** The platform's cost counters at one instant. */
    record Snapshot(long nanoTime, long cpuNs, Map<String, Double> metrics)
    {
        double get(final String name)
        {
            return metrics.getOrDefault(name, 0.0);
        }

        /** {@code name} now minus {@code name} at {@code earlier}. */
        double delta(final Snapshot earlier, final String name)
        {
            return get(name) - earlier.get(name);
        }
    }
}
