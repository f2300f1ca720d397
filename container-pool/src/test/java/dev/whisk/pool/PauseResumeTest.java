package dev.whisk.pool;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.core.json.Json;
import dev.whisk.pool.docker.CgroupFreezer;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
@NeedsDocker
class PauseResumeTest
{
    /**
     * Counts its runs in process memory and lists the remote ports of the TCP connections established to its
     * port 8080 (0x1F90), read from the container's own /proc/net/tcp: the invoker's keep-alive connections.
     */
    static final String COUNTER = """
        const fs = require('fs');
        let count = 0;
        function main() {
            count++;
            const ports = fs.readFileSync('/proc/net/tcp', 'utf8').split('\\n').slice(1)
                .map((l) => l.trim().split(/\\s+/))
                .filter((f) => f.length > 3 && f[1].endsWith(':1F90') && f[3] === '01')
                .map((f) => parseInt(f[2].split(':')[1], 16));
            return { count, pid: process.pid, ports };
        }
        """;

    @Test
    void anIdleContainerIsFrozenAfterTheGraceAndResumedWithTheSameConnectionAndProcessState() throws IOException
    {
        try (PoolHarness h = new PoolHarness(c -> c.withPauseGraceMs(50)))
        {
            h.action("guest/counter", COUNTER);
            final JsonNode first = Json.MAPPER.readTree(h.run(h.job("guest/counter", "{}",
                PoolHarness.limits(256))).outcome().result());

            h.awaitThat(() -> h.pool.metrics().pausedContainers() == 1);
            final String id = h.docker.containerIds(h.label).get(0);
            final Path freezeFile = h.docker.freezeFile(id);
            assertThat(freezeFile).as("this machine's cgroup freezer is reachable").isNotNull();
            assertThat(CgroupFreezer.isFrozen(freezeFile)).isTrue();

            final JsonNode second = Json.MAPPER.readTree(h.run(h.job("guest/counter", "{}",
                PoolHarness.limits(256))).outcome().result());

            assertThat(second.get("count").asInt()).isEqualTo(2);
            assertThat(second.get("pid")).isEqualTo(first.get("pid"));
            assertThat(first.get("ports")).hasSize(1);
            assertThat(second.get("ports")).as("the same keep-alive connection").isEqualTo(first.get("ports"));
            assertThat(h.pool.metrics().resumes()).isEqualTo(1);
            assertThat(h.pool.metrics().coldStarts()).isEqualTo(1);
            h.awaitThat(() -> h.pool.metrics().pausedContainers() == 1);
        }
    }

    @Test
    void withoutAReachableFreezerThePoolPausesAndResumesThroughTheDockerApi(@TempDir final Path noCgroups)
        throws IOException
    {
        try (PoolHarness h = new PoolHarness(c -> c.withPauseGraceMs(50), new CgroupFreezer(noCgroups)))
        {
            h.action("guest/counter", COUNTER);
            final JsonNode first = Json.MAPPER.readTree(h.run(h.job("guest/counter", "{}",
                PoolHarness.limits(256))).outcome().result());
            h.awaitThat(() -> h.pool.metrics().pausedContainers() == 1);
            final String id = h.docker.containerIds(h.label).get(0);
            h.awaitThat(() -> h.docker.isPausedByEngine(id));

            final JsonNode second = Json.MAPPER.readTree(h.run(h.job("guest/counter", "{}",
                PoolHarness.limits(256))).outcome().result());

            assertThat(second.get("count").asInt()).isEqualTo(2);
            assertThat(second.get("ports")).as("the same keep-alive connection").isEqualTo(first.get("ports"));
            assertThat(h.pool.metrics().resumes()).isEqualTo(1);
        }
    }

    @Test
    void aContainerThatKeepsGettingWorkWithinTheGraceIsNeverPaused()
    {
        try (PoolHarness h = new PoolHarness(c -> c.withPauseGraceMs(60_000)))
        {
            h.action("guest/counter", COUNTER);
            h.run(h.job("guest/counter", "{}", PoolHarness.limits(256)));
            h.run(h.job("guest/counter", "{}", PoolHarness.limits(256)));

            assertThat(h.pool.metrics().pauses()).isZero();
            assertThat(h.pool.metrics().idleContainers()).isEqualTo(1);
        }
    }

    @Test
    void aContainerCalledEveryFewHundredMillisecondsStopsBeingPausedBetweenCallsButIsPausedWhenTheCallsStop()
        throws InterruptedException
    {
        try (PoolHarness h = new PoolHarness(c -> c.withPauseGraceMs(50)))
        {
            h.action("guest/counter", COUNTER);
            final int calls = 10;
            for (int i = 0; i < calls; i++)
            {
                h.run(h.job("guest/counter", "{}", PoolHarness.limits(256)));
                Thread.sleep(150); // the caller's own pace: longer than the 50 ms grace
            }

            // A fixed grace would pause and resume it for every one of the 9 gaps; the pool learns the pace after two.
            assertThat(h.pool.metrics().resumes()).as("resumes over %d gaps of 150 ms", calls - 1).isLessThanOrEqualTo(4);
            assertThat(h.pool.metrics().coldStarts()).isEqualTo(1);
            // Once the calls stop, the container is still paused: the saving on truly idle containers stays.
            h.awaitThat(() -> h.pool.metrics().pausedContainers() == 1);
        }
    }

    @Test
    void thePauseDelayFollowsTheReuseGapsUpToTheCapAndFallsBackToTheGraceForRareCalls()
    {
        final long grace = TimeUnit.MILLISECONDS.toNanos(50);
        final PooledContainer c = new PooledContainer(1, "nodejs:20", 256, null);
        assertThat(c.pauseDelayNs(grace)).as("nothing known yet").isEqualTo(grace);

        c.onReused(TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(c.pauseDelayNs(grace)).as("one reuse is not a pace").isEqualTo(grace);
        c.onReused(TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(c.pauseDelayNs(grace)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(400));

        c.onReused(TimeUnit.MILLISECONDS.toNanos(1));
        c.onReused(TimeUnit.MILLISECONDS.toNanos(1));
        c.onReused(TimeUnit.MILLISECONDS.toNanos(1));
        c.onReused(TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(c.pauseDelayNs(grace)).as("never below the grace").isGreaterThanOrEqualTo(grace);

        for (int i = 0; i < 8; i++)
        {
            c.onReused(TimeUnit.SECONDS.toNanos(8));
        }
        assertThat(c.pauseDelayNs(grace)).as("capped").isEqualTo(PooledContainer.PAUSE_DELAY_CAP_NS);

        c.onReused(TimeUnit.SECONDS.toNanos(60));
        c.onReused(TimeUnit.SECONDS.toNanos(60));
        assertThat(c.pauseDelayNs(grace)).as("calls minutes apart: paused after the grace").isEqualTo(grace);
    }
}
