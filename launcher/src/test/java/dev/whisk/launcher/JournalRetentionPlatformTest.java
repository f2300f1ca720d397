package dev.whisk.launcher;

import dev.whisk.launcher.node.Standalone;
import dev.whisk.launcher.node.StandaloneConfig;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Journal retention on a real standalone platform with one-second journal cycles, trimmed every half second: while
 * a slow run is pending, the cycle file it was journaled in stays (and so do the later ones); once it is recorded,
 * all but the newest cycle file go. A restart on the trimmed data serves, keeps every record, and replays nothing.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@NeedsDocker
class JournalRetentionPlatformTest
{
    @TempDir
    Path dir;
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
    void finishedCyclesGoPendingOnesStayAndARestartAfterTrimmingRecovers() throws Exception
    {
        TestPlatform.requireDockerAndImage();
        final Path data = dir.resolve("data");
        platform = start(data);
        Api api = new Api(platform.apiHost(), platform.guestAuth());
        assertThat(api.putAction("nap", "function main(p) { return new Promise(r => setTimeout(() => r({ ms: p.ms })," +
            " p.ms)); }", "\"limits\":{\"timeout\":60000}").status()).isEqualTo(200);
        assertThat(api.post("/namespaces/_/actions/nap?blocking=true", "{\"ms\":1}").status()).isEqualTo(200);

        final String slow = api.post("/namespaces/_/actions/nap", "{\"ms\":6000}").json().path("activationId").asText();
        final Path slowCycle = newestCycle(data);
        final List<String> quick = new ArrayList<>();
        final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < until)
        {
            quick.add(api.post("/namespaces/_/actions/nap", "{\"ms\":1}").json().path("activationId").asText());
            Thread.sleep(100);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> recorded(platform, quick));
        assertThat(api.get("/namespaces/_/activations/" + slow).status()).as("the slow run is still going")
            .isEqualTo(404);
        Thread.sleep(1_000); // two trim passes with every quick run recorded
        assertThat(Files.exists(slowCycle)).as("the cycle of the pending run is kept").isTrue();
        assertThat(cycleFiles(data)).as("and the cycles after it").hasSizeGreaterThan(1);

        await().atMost(Duration.ofSeconds(30)).until(() -> recorded(platform, List.of(slow)));
        await().atMost(Duration.ofSeconds(10)).until(() -> cycleFiles(data).size() == 1);
        assertThat(Files.exists(slowCycle)).isFalse();

        platform.close();
        platform = start(data);
        api = new Api(platform.apiHost(), platform.guestAuth());
        final Api.Reply again = api.post("/namespaces/_/actions/nap?blocking=true&result=true", "{\"ms\":2}");
        assertThat(again.status()).as("serves after a restart on the trimmed journal").isEqualTo(200);
        assertThat(again.json().path("ms").asInt()).isEqualTo(2);
        final Api.Reply slowRecord = api.get("/namespaces/_/activations/" + slow);
        assertThat(slowRecord.status()).isEqualTo(200);
        assertThat(slowRecord.json().path("response").path("status").asText()).isEqualTo("success");
        assertThat(api.get("/namespaces/_/activations?count=true&name=nap").json().path("activations").asInt())
            .as("one record per run, none added by recovery").isEqualTo(quick.size() + 3);
    }

    private static boolean recorded(final Standalone platform, final List<String> ids) throws Exception
    {
        final Api api = new Api(platform.apiHost(), platform.guestAuth());
        for (final String id : ids)
        {
            if (api.get("/namespaces/_/activations/" + id).status() != 200)
            {
                return false;
            }
        }
        return true;
    }

    private static List<Path> cycleFiles(final Path data) throws IOException
    {
        try (Stream<Path> files = Files.list(data.resolve("journal")))
        {
            return files.filter(f -> f.getFileName().toString().endsWith(".cq4")).sorted().toList();
        }
    }

    private static Path newestCycle(final Path data) throws IOException
    {
        final List<Path> files = cycleFiles(data);
        return files.get(files.size() - 1);
    }

    private static Standalone start(final Path dataDir) throws IOException, InterruptedException
    {
        final StandaloneConfig d = TestPlatform.config(dataDir);
        return new Standalone(d.withScheduler(d.scheduler().withJournal("TEST_SECONDLY", d.scheduler().minFreeBytes(), 500)));
    }
}
