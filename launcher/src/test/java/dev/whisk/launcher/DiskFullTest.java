package dev.whisk.launcher;

import dev.whisk.launcher.node.Standalone;
import dev.whisk.launcher.node.StandaloneConfig;
import dev.whisk.testkit.NeedsDocker;
import dev.whisk.testkit.Tmpfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A full disk (fault injection on a real file system): the data directory is a 40 MB tmpfs, mostly taken by a filler
 * file, and non-blocking invokes with 20 KB of params arrive from 8 clients until the platform refuses them. Every
 * request answered 202 ends in its record, every refusal is a 503 naming the stores short of space (no hang, no
 * fault on the mapped journal), fires are refused the same way, and once the filler is deleted the platform serves
 * again by itself.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@NeedsDocker
class DiskFullTest
{
    private static final long MB = 1024 * 1024;
    private static final long MIN_FREE = 8 * MB;
    private static final int CLIENTS = 8;
    private static final int MAX_INVOKES = 6_000;
    private static final int REFUSALS_WANTED = 40;

    /** The data directory's file system, unmounted after {@link #stop()} closed the platform. */
    @RegisterExtension
    final Tmpfs tmpfs = new Tmpfs(40);
    private Path mount;
    private Standalone platform;

    @AfterEach
    void stop()
    {
        if (platform != null)
        {
            platform.close();
        }
    }

    @Test
    void aFullDiskRefusesNewWorkWith503LosesNothingAcknowledgedAndRecoversWhenSpaceReturns() throws Exception
    {
        TestPlatform.requireDockerAndImage();
        mount = tmpfs.path();
        platform = start(mount.resolve("data"));
        final Api api = new Api(platform.apiHost(), platform.guestAuth());
        assertThat(api.putAction("fill", "function main(p) { return { n: p.pad.length }; }", null).status())
            .isEqualTo(200);
        assertThat(api.post("/namespaces/_/actions/fill?blocking=true", "{\"pad\":\"x\"}").status()).isEqualTo(200);
        assertThat(api.put("/namespaces/_/triggers/tick", "{}").status()).isEqualTo(200);
        assertThat(api.put("/namespaces/_/rules/ticking", "{\"trigger\":\"/_/tick\",\"action\":\"/_/fill\"}")
            .status()).isEqualTo(200);

        // Leave about 12 MB above the threshold, for the invokes to fill.
        final Path filler = mount.resolve("filler");
        final long usable = Files.getFileStore(mount).getUsableSpace();
        Tmpfs.fill(filler, usable - MIN_FREE - 12 * MB);

        final String body = "{\"pad\":\"" + "x".repeat(20 * 1024) + "\"}";
        final List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        final List<String> refusals = Collections.synchronizedList(new ArrayList<>());
        final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
        final AtomicLong slowestRefusalMs = new AtomicLong();
        final AtomicInteger sent = new AtomicInteger();
        final AtomicBoolean stop = new AtomicBoolean();
        final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        final List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++)
        {
            done.add(clients.submit(() ->
            {
                while (!stop.get() && sent.incrementAndGet() <= MAX_INVOKES)
                {
                    final long startNs = System.nanoTime();
                    final Api.Reply r = api.post("/namespaces/_/actions/fill", body);
                    final long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
                    if (r.status() == 202)
                    {
                        acknowledged.add(r.json().path("activationId").asText());
                    }
                    else if (r.status() == 503)
                    {
                        refusals.add(r.body());
                        slowestRefusalMs.accumulateAndGet(ms, Math::max);
                        if (refusals.size() >= REFUSALS_WANTED)
                        {
                            stop.set(true);
                        }
                    }
                    else
                    {
                        unexpected.add(r.status() + " " + r.body());
                    }
                }
                return null;
            }));
        }
        for (final Future<?> f : done)
        {
            f.get(4, TimeUnit.MINUTES);
        }
        clients.shutdown();
        System.out.printf("disk full: %d invokes sent, %d answered 202, %d refused with 503 (slowest refusal %d ms)%n",
            Math.min(sent.get(), MAX_INVOKES), acknowledged.size(), refusals.size(), slowestRefusalMs.get());
        assertThat(unexpected).as("every answer is 202 or 503").isEmpty();
        assertThat(refusals).as("the disk filled up and invokes were refused").hasSizeGreaterThanOrEqualTo(
            REFUSALS_WANTED);
        assertThat(acknowledged).as("invokes were taken before the disk filled").isNotEmpty();
        for (final String refusal : refusals)
        {
            assertThat(refusal).as("a refusal says why, in OpenWhisk's error shape").contains("\"error\"")
                .contains("short of disk space").contains("journal");
        }
        final Api.Reply fire = api.post("/namespaces/_/triggers/tick", "{}");
        assertThat(fire.status()).as("a fire is refused as well").isEqualTo(503);
        assertThat(fire.body()).contains("short of disk space");

        // Every request answered 202 ends in its record, while the disk is still short.
        awaitRecords(api, acknowledged);

        Files.delete(filler);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
            api.post("/namespaces/_/actions/fill", body).status() == 202);
        final Api.Reply served = api.post("/namespaces/_/actions/fill?blocking=true&result=true", "{\"pad\":\"abc\"}");
        assertThat(served.status()).as("serves again once space returns").isEqualTo(200);
        assertThat(served.json().path("n").asInt()).isEqualTo(3);
        assertThat(api.post("/namespaces/_/triggers/tick", "{}").status()).as("fires again").isEqualTo(202);
        awaitRecords(api, acknowledged);
    }

    private static void awaitRecords(final Api api, final List<String> ids)
    {
        final List<String> missing = new ArrayList<>(ids);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
        {
            missing.removeIf(id ->
            {
                try
                {
                    return api.get("/namespaces/_/activations/" + id).status() == 200;
                }
                catch (final IOException | InterruptedException ex)
                {
                    return false;
                }
            });
            return missing.isEmpty();
        });
    }

    private static Standalone start(final Path dataDir) throws IOException, InterruptedException
    {
        final StandaloneConfig d = TestPlatform.config(dataDir);
        return new Standalone(d.withScheduler(d.scheduler().withJournal(d.scheduler().rollCycle(), MIN_FREE, d.scheduler().trimMs())));
    }
}
