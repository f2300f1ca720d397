package dev.whisk.bench;

import dev.whisk.frontdoor.FrontDoorConfig;
import dev.whisk.launcher.node.Controller;
import dev.whisk.scheduler.SchedulerConfig;
import org.HdrHistogram.Histogram;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A controller in this JVM and 1, 2 and 3 invoker processes over Aeron UDP on 127.0.0.1, with the same total
 * container memory: closed-loop no-op throughput and latency from several keep-alive clients, then the time from an
 * invoker's SIGKILL until the controller routes around it.
 *
 * <p>Usage: {@code ScaleOutBench [seconds-per-run] [clients] [total-memory-mb]}; defaults 10, 4, 4096. Each invoker
 * keeps its default two 256 MB stem cells, so the total must leave room for them beside one container per client.
 */
public final class ScaleOutBench
{
    private static final String TOKEN = "scale-out-bench-token-0123456789";

    private ScaleOutBench()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        final int clients = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        final int totalMemoryMb = args.length > 2 ? Integer.parseInt(args[2]) : 4096;
        System.out.println("-- the Aeron hop: one client, one invoker, IPC (standalone) vs UDP (controller + invoker)");
        standaloneLatency(seconds);
        System.out.printf("%-9s %10s %10s %10s %10s%n", "invokers", "req/s", "p50 us", "p99 us", "errors");
        run(1, seconds, 1, totalMemoryMb, false, 100);
        // The same with the Aeron threads of both sides parking at most 20 µs instead of 100 when idle.
        run(1, seconds, 1, totalMemoryMb, false, 20);
        if (args.length > 3 && "hop".equals(args[3]))
        {
            return; // the hop only: e.g. under a profiler
        }
        System.out.println("-- throughput with " + clients + " clients, " + totalMemoryMb + " MB of containers in all");
        System.out.printf("%-9s %10s %10s %10s %10s%n", "invokers", "req/s", "p50 us", "p99 us", "errors");
        for (int invokers = 1; invokers <= 3; invokers++)
        {
            run(invokers, seconds, clients, totalMemoryMb / invokers, invokers == 3, 100);
        }
    }

    /** The same single-client loop against a standalone platform (invoker in-process, Aeron IPC). */
    private static void standaloneLatency(final int seconds) throws Exception
    {
        final Path dir = Files.createTempDirectory("whisk-standalone");
        try (dev.whisk.launcher.node.Standalone platform = new dev.whisk.launcher.node.Standalone(
            dev.whisk.launcher.node.StandaloneConfig.defaults(dir, "127.0.0.1", 0)))
        {
            final String auth = "Basic " + Base64.getEncoder().encodeToString(
                platform.guestAuth().getBytes(StandardCharsets.UTF_8));
            final List<String> actions = List.of(deploy(platform.apiHost(), auth, "noop0"));
            final URI api = URI.create(platform.apiHost());
            final Histogram latency = new Histogram(60_000_000_000L, 3);
            final AtomicLong done = new AtomicLong();
            final AtomicLong errors = new AtomicLong();
            loop(api, auth, actions, 1, TimeUnit.SECONDS.toNanos(Math.max(2, seconds / 3)), null, done, errors);
            done.set(0);
            final long start = System.nanoTime();
            loop(api, auth, actions, 1, TimeUnit.SECONDS.toNanos(seconds), latency, done, errors);
            System.out.printf("%-9s %10.0f %10.0f %10.0f %10d%n", "ipc", done.get() / ((System.nanoTime() - start) / 1e9),
                latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(99) / 1e3, errors.get());
        }
    }

    private static void run(final int invokers, final int seconds, final int clients, final int memoryMb,
        final boolean measureFailover, final int idleParkUs) throws Exception
    {
        final Path dir = Files.createTempDirectory("whisk-scale");
        final String completions = "127.0.0.1:" + freeUdpPort();
        final FrontDoorConfig d = FrontDoorConfig.defaults();
        final List<Process> processes = new ArrayList<>();
        try (Controller controller = new Controller(new Controller.Config(dir,
            new FrontDoorConfig("127.0.0.1", 0, 1, d.maxBodyBytes(), d.maxInvokeBodyBytes(), 60_000),
            SchedulerConfig.defaults(dir.resolve("journal")), completions, new InetSocketAddress("127.0.0.1", 0),
            TOKEN, invokers, 2_000, dev.whisk.scheduler.InvokerTable.DEFAULT_BLACKBOX_FRACTION,
            TimeUnit.MICROSECONDS.toNanos(idleParkUs))))
        {
            for (int id = 0; id < invokers; id++)
            {
                processes.add(startInvoker(dir, id, completions, "http://127.0.0.1:" +
                    controller.codeAddress().getPort(), memoryMb, idleParkUs));
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (controller.healthyInvokers() < invokers && System.nanoTime() < deadline)
            {
                Thread.sleep(50);
            }
            final String auth = "Basic " + Base64.getEncoder().encodeToString(
                controller.guestAuth().getBytes(StandardCharsets.UTF_8));
            final URI api = URI.create(controller.apiHost());
            final List<String> actions = new ArrayList<>();
            // The same work for every fleet size: one action per client, so each run asks for the same containers.
            for (int i = 0; i < clients; i++)
            {
                actions.add(deploy(controller.apiHost(), auth, "noop" + i));
            }
            final Histogram latency = new Histogram(60_000_000_000L, 3);
            final AtomicLong done = new AtomicLong();
            final AtomicLong errors = new AtomicLong();
            loop(api, auth, actions, clients, TimeUnit.SECONDS.toNanos(Math.max(2, seconds / 3)), null, done, errors);
            done.set(0);
            errors.set(0);
            final long start = System.nanoTime();
            loop(api, auth, actions, clients, TimeUnit.SECONDS.toNanos(seconds), latency, done, errors);
            final double elapsedS = (System.nanoTime() - start) / 1e9;
            System.out.printf("%-9s %10.0f %10.0f %10.0f %10d%n", clients == 1 ? "udp/" + idleParkUs + "us" :
                Integer.toString(invokers),
                done.get() / elapsedS,
                latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(99) / 1e3, errors.get());
            if (measureFailover)
            {
                final long killNs = System.nanoTime();
                processes.get(invokers - 1).destroyForcibly();
                while (controller.healthyInvokers() == invokers)
                {
                    Thread.onSpinWait();
                }
                System.out.printf("SIGKILL of an invoker to the controller routing around it: %.0f ms" +
                    " (silence threshold 2000 ms, checked every 100 ms)%n", (System.nanoTime() - killNs) / 1e6);
            }
        }
        finally
        {
            for (final Process p : processes)
            {
                p.destroy();
            }
            for (final Process p : processes)
            {
                if (!p.waitFor(30, TimeUnit.SECONDS))
                {
                    p.destroyForcibly();
                }
            }
            // The invoker killed for the failover figure could not remove its containers: its label says whose.
            try (dev.whisk.pool.docker.DockerDriver docker = new dev.whisk.pool.docker.DockerDriver(
                "unix:///var/run/docker.sock", dev.whisk.pool.ContainerPoolConfig.DEFAULT_NETWORK))
            {
                for (int id = 0; id < invokers; id++)
                {
                    docker.removeAll("invoker-" + id, 10_000);
                }
            }
        }
    }

    private static void loop(final URI api, final String auth, final List<String> actions, final int clients,
        final long durationNs, final Histogram latency, final AtomicLong done, final AtomicLong errors)
        throws InterruptedException
    {
        final long end = System.nanoTime() + durationNs;
        final List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++)
        {
            final int client = c;
            final Thread t = new Thread(() ->
            {
                try (RawHttpClient http = new RawHttpClient(api.getHost(), api.getPort()))
                {
                    final List<byte[]> requests = new ArrayList<>();
                    for (final String a : actions)
                    {
                        requests.add(RawHttpClient.post(api.getHost(), "/api/v1/namespaces/guest/actions/" + a +
                            "?blocking=true&result=true", auth, "{}".getBytes(StandardCharsets.UTF_8)));
                    }
                    int i = client;
                    while (System.nanoTime() < end)
                    {
                        final long t0 = System.nanoTime();
                        final int status = http.exchange(requests.get(i++ % requests.size()), null);
                        if (status == 200)
                        {
                            done.incrementAndGet();
                            if (latency != null)
                            {
                                synchronized (latency)
                                {
                                    latency.recordValue(System.nanoTime() - t0);
                                }
                            }
                        }
                        else
                        {
                            errors.incrementAndGet();
                        }
                    }
                }
                catch (final IOException ex)
                {
                    errors.incrementAndGet();
                }
            }, "client-" + c);
            t.start();
            threads.add(t);
        }
        for (final Thread t : threads)
        {
            t.join();
        }
    }

    private static String deploy(final String apiHost, final String auth, final String name) throws Exception
    {
        final HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(apiHost + "/api/v1/namespaces/guest/actions/" + name + "?overwrite=true"))
            .header("Authorization", auth).header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(
                "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"function main() { return {}; }\"}}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200)
        {
            throw new IllegalStateException("creating " + name + " answered " + r.statusCode() + " " + r.body());
        }
        return name;
    }

    private static Process startInvoker(final Path dir, final int id, final String completions, final String codeUrl,
        final int memoryMb, final int idleParkUs) throws IOException
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-") || arg.startsWith("-D"))
            {
                cmd.add(arg);
            }
        }
        // -Dwhisk.invoker.jvmArgs="..." adds options to each invoker's JVM, e.g. a profiler's -agentpath.
        for (final String arg : System.getProperty("whisk.invoker.jvmArgs", "").trim().split("\\s+"))
        {
            if (!arg.isEmpty())
            {
                cmd.add(arg.replace("%id", Integer.toString(id)));
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.whisk.launcher.Whisk", "invoker",
            "--id", Integer.toString(id), "--listen", "127.0.0.1:" + freeUdpPort(), "--controller", completions,
            "--code-url", codeUrl, "--invoker-token", TOKEN, "--memory-mb", Integer.toString(memoryMb),
            "--idle-park-us", Integer.toString(idleParkUs)));
        final File log = dir.resolve("invoker-" + id + ".log").toFile();
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
    }

    private static int freeUdpPort() throws IOException
    {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return s.getLocalPort();
        }
    }
}
