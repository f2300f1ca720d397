package dev.whisk.bench.pool;

import dev.whisk.core.entity.ActionLimits;
import dev.whisk.pool.ActionCode;
import dev.whisk.pool.ContainerPool;
import dev.whisk.pool.ContainerPoolConfig;
import dev.whisk.pool.Job;
import dev.whisk.pool.JobListener;
import dev.whisk.pool.RunOutcome;
import dev.whisk.pool.StemCell;
import dev.whisk.pool.docker.CgroupFreezer;
import dev.whisk.pool.docker.ContainerSpec;
import dev.whisk.pool.docker.DockerDriver;
import dev.whisk.pool.docker.StartedContainer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Start latency of the container pool, side by side in one run: time from {@code submit} to the job's result for a
 * cold start (no stem cell), a pre-warmed stem cell, a paused container (resume, then run) and a warm one; with the
 * baselines a raw container start until its first HTTP answer and a direct {@code /run} to a warm container on a
 * keep-alive socket; and the cost of one pause plus resume through the cgroup freezer and through the Docker API.
 *
 * <p>The benchmark's thread is the pool's owner: it submits, then calls {@code doWork()} until the result arrives,
 * parking when there is nothing to do and woken by the pool's commands, as the invoker agent is. Every container carries this run's invoker label and is removed at the end.
 *
 * <p>Usage: {@code PoolStartLatency [start-samples] [warm-samples]}; defaults 20 and 200.
 */
public final class PoolStartLatency implements JobListener
{
    private static final String IMAGE = ContainerPoolConfig.DEFAULT_NODEJS_IMAGE;
    private static final String KIND = "nodejs:20";
    private static final String CODE = "function main(p) { return { ok: true }; }";
    private static final ActionLimits LIMITS = new ActionLimits(60_000, 256, 10, 1);
    private static final long WAIT_NS = 60_000_000_000L;
    private static final long IDLE_GAP_NS = 60_000_000L;
    private static final long IDLE_PARK_NS = 1_000_000L;

    private final String label = "bench-pool-" + ProcessHandle.current().pid();
    private volatile long resultNs;
    private volatile boolean completed;
    private volatile int lastInitTimeMs;

    public static void main(final String[] args) throws Exception
    {
        final int starts = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        final int warm = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        new PoolStartLatency().run(starts, warm);
    }

    private void run(final int starts, final int warmSamples) throws Exception
    {
        final ContainerPoolConfig base = new ContainerPoolConfig("unix:///var/run/docker.sock",
            ContainerPoolConfig.DEFAULT_NETWORK, label,
            Map.of(KIND, IMAGE), "http://127.0.0.1:1", 8192, 4, 2_000, 600_000L, 1, List.of(), -1, 64);
        final long[] cold = new long[starts];
        final long[] coldInit = new long[starts];
        final long[] rawStart = new long[starts];
        final long[] prewarmed = new long[starts];
        final long[] prewarmedInit = new long[starts];
        final long[] warm = new long[warmSamples];
        final long[] direct = new long[warmSamples];
        final long[] resumed = new long[warmSamples / 2];
        final long[] directAfterIdle = new long[warmSamples / 2];
        final long[] warmAfterIdle = new long[warmSamples / 2];
        final long[] freezer = new long[warmSamples / 2];
        final long[] dockerApi = new long[Math.max(1, warmSamples / 10)];
        try (DockerDriver docker = new DockerDriver("unix:///var/run/docker.sock",
            ContainerPoolConfig.DEFAULT_NETWORK))
        {
            try
            {
                // Cold starts and raw starts alternate, so that the machine's load weighs on both alike.
                try (ContainerPool pool = open(base.withIdleTimeoutMs(1)))
                {
                    for (int i = 0; i < starts; i++)
                    {
                        awaitOwner(pool, () -> isEmpty(pool, docker));
                        cold[i] = timeJob(pool, i + 1L);
                        coldInit[i] = lastInitTimeMs * 1_000_000L;
                        awaitOwner(pool, () -> isEmpty(pool, docker));
                        rawStart[i] = rawStart(docker, i);
                    }
                }
                try (ContainerPool pool = open(base.withIdleTimeoutMs(1)
                    .withStemCells(List.of(new StemCell(KIND, 256, 1)))))
                {
                    for (int i = 0; i < starts; i++)
                    {
                        awaitOwner(pool, () -> pool.metrics().liveContainers() == 1 &&
                            pool.metrics().prewarmedContainers() == 1 && docker.containerIds(label).size() == 1);
                        prewarmed[i] = timeJob(pool, i + 1L);
                        prewarmedInit[i] = lastInitTimeMs * 1_000_000L;
                    }
                }
                // Warm runs (a pool that never pauses) and direct runs alternate, each also after a 60 ms gap.
                try (ContainerPool pool = open(base.withPauseGraceMs(-1)))
                {
                    // Started after the pool, whose start removes every container of this label.
                    final StartedContainer c = docker.start(spec("direct"));
                    final RawClient client = RawClient.connectRetrying(c.ip(), System.nanoTime() + WAIT_NS);
                    check(client.post("/init", "{\"value\":{\"name\":\"noop\",\"main\":\"main\","
                        + "\"binary\":false,\"code\":\"" + CODE + "\"}}"), "/init");
                    final String run = "{\"value\":{},\"activation_id\":\"" + "0".repeat(32) + "\"}";
                    timeJob(pool, 1);
                    for (int i = 0; i < warmSamples; i++)
                    {
                        warm[i] = timeJob(pool, 1);
                        direct[i] = timePost(client, run);
                        if (i < warmAfterIdle.length)
                        {
                            LockSupport.parkNanos(IDLE_GAP_NS);
                            warmAfterIdle[i] = timeJob(pool, 1);
                            LockSupport.parkNanos(IDLE_GAP_NS);
                            directAfterIdle[i] = timePost(client, run);
                        }
                    }
                    if (pool.metrics().pauses() != 0 || pool.metrics().coldStarts() != 1)
                    {
                        throw new IllegalStateException("the never-pausing pool paused or started again");
                    }
                    final Path file = docker.freezeFile(c.id());
                    for (int i = 0; i < freezer.length && file != null; i++)
                    {
                        final long t0 = System.nanoTime();
                        CgroupFreezer.freeze(file);
                        while (!isFrozenNow(file))
                        {
                            Thread.onSpinWait();
                        }
                        CgroupFreezer.thaw(file);
                        freezer[i] = System.nanoTime() - t0;
                        check(client.post("/run", run), "/run after thaw");
                    }
                    for (int i = 0; i < dockerApi.length; i++)
                    {
                        final long t0 = System.nanoTime();
                        docker.pause(c.id());
                        docker.unpause(c.id());
                        dockerApi[i] = System.nanoTime() - t0;
                        check(client.post("/run", run), "/run after unpause");
                    }
                    client.close();
                }
                // Paused runs: each waits for the 50 ms grace to pause the container, then submits.
                try (ContainerPool pool = open(base.withPauseGraceMs(50)))
                {
                    timeJob(pool, 1);
                    for (int i = 0; i < resumed.length; i++)
                    {
                        awaitOwner(pool, () -> pool.metrics().pausedContainers() == 1);
                        resumed[i] = timeJob(pool, 1);
                    }
                    if (pool.metrics().resumes() != resumed.length)
                    {
                        throw new IllegalStateException("expected " + resumed.length + " resumes, saw "
                            + pool.metrics().resumes());
                    }
                }
            }
            finally
            {
                docker.removeAll(label);
            }
        }
        final long[] prewarmedLessInit = new long[starts];
        final long[] coldLessInit = new long[starts];
        for (int i = 0; i < starts; i++)
        {
            prewarmedLessInit[i] = prewarmed[i] - prewarmedInit[i];
            coldLessInit[i] = cold[i] - coldInit[i];
        }

        final List<String[]> rows = new ArrayList<>();
        rows.add(row("cold start (no stem cell), submit -> result", cold));
        rows.add(row("cold start, less the action's own /init time", coldLessInit));
        rows.add(row("baseline: raw container create+start -> first HTTP answer", rawStart));
        rows.add(row("pre-warmed stem cell (/init + /run), submit -> result", prewarmed));
        rows.add(row("pre-warmed stem cell, less the action's own /init time", prewarmedLessInit));
        rows.add(row("paused -> resume + /run, submit -> result", resumed));
        rows.add(row("warm /run after 60 ms idle (pool that never pauses), submit -> result", warmAfterIdle));
        rows.add(row("baseline: direct /run after 60 ms idle (no pause)", directAfterIdle));
        rows.add(row("warm /run (pool that never pauses), submit -> result", warm));
        rows.add(row("baseline: direct /run to a warm container (keep-alive)", direct));
        rows.add(row("pause + resume via cgroup freezer (until FROZEN, then THAWED)", freezer));
        rows.add(row("pause + resume via Docker API", dockerApi));
        System.out.println();
        System.out.println("| measurement | samples | p50 ms | p99 ms |");
        System.out.println("| --- | ---: | ---: | ---: |");
        for (final String[] r : rows)
        {
            System.out.println("| " + String.join(" | ", r) + " |");
        }
        System.out.printf("%nresume adds (p50 paused - p50 warm): %.3f ms; over the same idle gap unpaused: "
            + "%.3f ms%n", ms(p(resumed, 50) - p(warm, 50)), ms(p(resumed, 50) - p(warmAfterIdle, 50)));
        System.out.printf("pre-warmed start less /init adds over warm (p50): %.3f ms%n",
            ms(p(prewarmedLessInit, 50) - p(warm, 50)));
        System.out.printf("cold start minus raw start to first answer (p50): %.3f ms; less /init: %.3f ms%n",
            ms(p(cold, 50) - p(rawStart, 50)), ms(p(coldLessInit, 50) - p(rawStart, 50)));
        System.out.printf("load average at the end: %.2f on %d cores%n",
            java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
            Runtime.getRuntime().availableProcessors());
    }

    private boolean isEmpty(final ContainerPool pool, final DockerDriver docker)
    {
        return pool.metrics().liveContainers() == 0 && docker.containerIds(label).isEmpty();
    }

    private long rawStart(final DockerDriver docker, final int i) throws IOException
    {
        final long t0 = System.nanoTime();
        final StartedContainer c = docker.start(spec("raw-" + i));
        final long elapsed;
        try (RawClient client = RawClient.connectRetrying(c.ip(), t0 + WAIT_NS))
        {
            client.post("/run", "{}");
            elapsed = System.nanoTime() - t0;
        }
        docker.remove(c.id());
        return elapsed;
    }

    private static long timePost(final RawClient client, final String body) throws IOException
    {
        final long t0 = System.nanoTime();
        check(client.post("/run", body), "/run");
        return System.nanoTime() - t0;
    }

    private static boolean isFrozenNow(final Path file) throws IOException
    {
        final String s = java.nio.file.Files.readString(file).trim();
        return "FROZEN".equals(s) || "1".equals(s);
    }

    private ContainerPool open(final ContainerPoolConfig config)
    {
        final ContainerPool pool = new ContainerPool(config,
            (path, version, revision) -> new ActionCode(KIND, IMAGE, CODE, "main", false, Map.of()), this,
            DockerDriver.forPool(config), null);
        pool.start();
        // As in the invoker: the owner parks when idle and any command for it unparks it at once, so the owner does
        // not take one of the machine's cores from the containers while they start.
        final Thread owner = Thread.currentThread();
        pool.wakeOwnerWith(() -> LockSupport.unpark(owner));
        return pool;
    }

    private ContainerSpec spec(final String name)
    {
        return new ContainerSpec(IMAGE, "whisk_" + label + "_" + name, 256, List.of(), label, "bench/raw");
    }

    /** Submits one job and drives the pool until its result; returns the nanoseconds in between. */
    private long timeJob(final ContainerPool pool, final long revision)
    {
        resultNs = 0;
        completed = false;
        final Job job = new Job(UUID.randomUUID().toString().replace("-", ""), "bench", "bench", "bench/noop",
            "0.0.1", revision, KIND, LIMITS, "{}".getBytes(StandardCharsets.UTF_8), System.currentTimeMillis(), null,
            null, true, null);
        final long t0 = System.nanoTime();
        pool.submit(job);
        while (resultNs == 0)
        {
            if (pool.doWork() == 0 && resultNs == 0)
            {
                LockSupport.parkNanos(IDLE_PARK_NS);
            }
            if (System.nanoTime() - t0 > WAIT_NS)
            {
                throw new IllegalStateException("no result within 60 s");
            }
        }
        final long elapsed = resultNs - t0;
        awaitOwner(pool, () -> completed);
        return elapsed;
    }

    private static void awaitOwner(final ContainerPool pool, final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + WAIT_NS;
        while (!condition.getAsBoolean())
        {
            if (pool.doWork() == 0)
            {
                LockSupport.parkNanos(IDLE_PARK_NS);
            }
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("the pool did not settle within 60 s");
            }
        }
    }

    @Override
    public void onResult(final Job job, final RunOutcome outcome)
    {
        if (outcome.status() != dev.whisk.core.activation.ActivationStatus.SUCCESS)
        {
            throw new IllegalStateException("run failed: " + new String(outcome.result(), StandardCharsets.UTF_8));
        }
        lastInitTimeMs = Math.max(0, outcome.initTimeMs());
        resultNs = System.nanoTime();
    }

    @Override
    public void onCompleted(final Job job, final RunOutcome outcome, final List<String> logs)
    {
        completed = true;
    }

    private static void check(final int status, final String what)
    {
        if (status != 200)
        {
            throw new IllegalStateException(what + " answered " + status);
        }
    }

    private static String[] row(final String name, final long[] samples)
    {
        return new String[] {name, Integer.toString(samples.length), String.format("%.3f", ms(p(samples, 50))),
            String.format("%.3f", ms(p(samples, 99)))};
    }

    private static long p(final long[] samples, final int percentile)
    {
        final long[] sorted = samples.clone();
        Arrays.sort(sorted);
        final int index = (int)Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double ms(final long ns)
    {
        return ns / 1e6;
    }

    /** A blocking keep-alive HTTP/1.1 client on one socket, for the baselines; Content-Length responses only. */
    private static final class RawClient implements AutoCloseable
    {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final String host;

        private RawClient(final Socket socket, final String host) throws IOException
        {
            this.socket = socket;
            this.host = host;
            this.out = socket.getOutputStream();
            this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        }

        /** Connects to port 8080 of a container that may still be booting, retrying refused connections. */
        static RawClient connectRetrying(final String host, final long deadlineNs) throws IOException
        {
            while (true)
            {
                final Socket s = new Socket();
                try
                {
                    s.setTcpNoDelay(true);
                    s.connect(new InetSocketAddress(host, 8080), 1_000);
                    s.setSoTimeout(60_000);
                    return new RawClient(s, host);
                }
                catch (final IOException ex)
                {
                    s.close();
                    if (System.nanoTime() > deadlineNs)
                    {
                        throw ex;
                    }
                    LockSupport.parkNanos(1_000_000);
                }
            }
        }

        int post(final String path, final String body) throws IOException
        {
            final byte[] b = body.getBytes(StandardCharsets.UTF_8);
            out.write(("POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.flush();
            final String status = line();
            int length = 0;
            String h;
            while (!(h = line()).isEmpty())
            {
                if (h.regionMatches(true, 0, "content-length:", 0, 15))
                {
                    length = Integer.parseInt(h.substring(15).trim());
                }
            }
            if (in.readNBytes(length).length != length)
            {
                throw new IOException("connection closed inside a response");
            }
            return Integer.parseInt(status.substring(9, 12));
        }

        private String line() throws IOException
        {
            final StringBuilder sb = new StringBuilder(64);
            int c;
            while ((c = in.read()) != '\n')
            {
                if (c == -1)
                {
                    throw new IOException("connection closed");
                }
                if (c != '\r')
                {
                    sb.append((char)c);
                }
            }
            return sb.toString();
        }

        @Override
        public void close() throws IOException
        {
            socket.close();
        }
    }
}
