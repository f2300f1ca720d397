package dev.whisk.pool;

import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.entity.Messages;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
@NeedsDocker
class ContainerLimitsTest
{
    /** Fills memory outside the JS heap (touched Buffers) until the kernel kills it, when asked to. */
    private static final String HOG = """
        function main(p) {
            if (p.hog) {
                const kept = [];
                for (;;) { kept.push(Buffer.alloc(8 * 1024 * 1024, 1)); }
            }
            return { pid: process.pid };
        }
        """;

    @Test
    void anActionThatExhaustsItsMemoryGetsTheSpecsDeveloperErrorAndItsContainerIsReplaced()
    {
        try (PoolHarness h = new PoolHarness(c -> c))
        {
            h.action("guest/hog", HOG);
            h.run(h.job("guest/hog", "{}", PoolHarness.limits(128)));

            final var oom = h.run(h.job("guest/hog", "{\"hog\":true}", PoolHarness.limits(128)));

            assertThat(oom.outcome().status()).isEqualTo(ActivationStatus.DEVELOPER_ERROR);
            assertThat(oom.result()).isEqualTo("{\"error\":\"" + Messages.MEMORY_EXHAUSTED + "\"}");
            final var after = h.run(h.job("guest/hog", "{}", PoolHarness.limits(128)));
            assertThat(after.outcome().status()).isEqualTo(ActivationStatus.SUCCESS);
            assertThat(after.outcome().initTimeMs()).as("a new container").isGreaterThanOrEqualTo(0);
            assertThat(h.pool.metrics().coldStarts()).isEqualTo(2);
            h.awaitThat(() -> h.engineContainers() == 1);
        }
    }

    @Test
    void logsOverTheActionsLimitAreCutWithTheSpecsLastLine()
    {
        try (PoolHarness h = new PoolHarness(c -> c))
        {
            h.action("guest/chatty", "function main() { const l = 'x'.repeat(1000);"
                + " for (let i = 0; i < 1200; i++) { console.log(l); } return {}; }");

            final var done = h.run(h.job("guest/chatty", "{}", new ActionLimits(60_000, 256, 1, 1)));

            assertThat(done.outcome().status()).isEqualTo(ActivationStatus.SUCCESS);
            assertThat(done.logs()).hasSizeBetween(1000, 1050);
            assertThat(done.logs().get(done.logs().size() - 1)).endsWith(
                "stderr: " + String.format(Messages.LOGS_TRUNCATED, 1024 * 1024));
        }
    }

    @Test
    void aResultOverTheLimitIsATruncatedApplicationErrorAndTheContainerStaysWarm()
    {
        try (PoolHarness h = new PoolHarness(c -> c))
        {
            h.action("guest/big", "function main(p) { return { big: 'x'.repeat(p.n) }; }");

            final var big = h.run(h.job("guest/big", "{\"n\":1200000}", PoolHarness.limits(256)));
            final var small = h.run(h.job("guest/big", "{\"n\":3}", PoolHarness.limits(256)));

            assertThat(big.outcome().status()).isEqualTo(ActivationStatus.APPLICATION_ERROR);
            assertThat(big.result()).startsWith("{\"error\":\"The action produced a response that exceeded the "
                + "allowed length: 1200010 > 1048576 bytes.");
            assertThat(small.result()).isEqualTo("{\"big\":\"xxx\"}");
            assertThat(h.pool.metrics().coldStarts()).isEqualTo(1);
        }
    }

    @Test
    void aContainerKilledMidRunGivesItsActivationARecordSayingSoAndIsReplaced()
    {
        try (PoolHarness h = new PoolHarness(c -> c))
        {
            h.action("guest/sleepy", "function main(p) { return new Promise((r) => setTimeout(() => r({}),"
                + " p.ms || 0)); }");
            h.run(h.job("guest/sleepy", "{}", PoolHarness.limits(256)));
            final Job running = h.submit(h.job("guest/sleepy", "{\"ms\":30000}", PoolHarness.limits(256)));
            h.awaitThat(() -> h.pool.metrics().busyContainers() == 1);
            final List<String> ids = h.docker.containerIds(h.label);
            assertThat(ids).hasSize(1);

            h.docker.kill(ids.get(0));

            final var killed = h.awaitCompleted(running);
            assertThat(killed.outcome().status()).isEqualTo(ActivationStatus.DEVELOPER_ERROR);
            assertThat(killed.result()).isEqualTo("{\"error\":\"" + Messages.ABNORMAL_RUN + "\"}");
            final var next = h.run(h.job("guest/sleepy", "{}", PoolHarness.limits(256)));
            assertThat(next.outcome().status()).isEqualTo(ActivationStatus.SUCCESS);
            assertThat(h.pool.metrics().coldStarts()).isEqualTo(2);
            h.awaitThat(() -> h.docker.containerIds(h.label).size() == 1
                && !h.docker.containerIds(h.label).contains(ids.get(0)));
        }
    }

    @Test
    void anIdleContainerThatDiesIsNoticedAndNotReused()
    {
        try (PoolHarness h = new PoolHarness(c -> c.withPauseGraceMs(-1)))
        {
            h.action("guest/ok", "function main() { return { pid: process.pid }; }");
            h.run(h.job("guest/ok", "{}", PoolHarness.limits(256)));
            h.docker.kill(h.docker.containerIds(h.label).get(0));

            h.awaitThat(() -> h.pool.metrics().liveContainers() == 0);
            final var next = h.run(h.job("guest/ok", "{}", PoolHarness.limits(256)));

            assertThat(next.outcome().status()).isEqualTo(ActivationStatus.SUCCESS);
            assertThat(h.pool.metrics().coldStarts()).isEqualTo(2);
        }
    }

    @Test
    void aRunPastItsTimeLimitIsADeveloperErrorMarkedTimedOut()
    {
        try (PoolHarness h = new PoolHarness(c -> c))
        {
            h.action("guest/forever", "function main() { return new Promise(() => {}); }");

            final var done = h.run(h.job("guest/forever", "{}", new ActionLimits(500, 256, 10, 1)));

            assertThat(done.outcome().status()).isEqualTo(ActivationStatus.DEVELOPER_ERROR);
            assertThat(done.outcome().timedOut()).isTrue();
            assertThat(done.result()).contains(String.format(Messages.TIMED_OUT_RUN, 500));
            h.awaitThat(() -> h.pool.metrics().liveContainers() == 0);
        }
    }
}
