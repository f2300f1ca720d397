package dev.whisk.pool;

import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.Messages;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
@NeedsDocker
class CapacityTest
{
    private static final String OK = "function main() { return { ok: true }; }";
    private static final String SLOW = "function main() { return new Promise((r) => setTimeout(() => r({ ok: true }),"
        + " 1500)); }";

    @Test
    void underASmallBudgetTheLeastRecentlyUsedPausedContainerIsEvictedAndStemCellsLast()
    {
        // 512 MB: one 256 MB stem cell and room for two 128 MB actions.
        try (PoolHarness h = new PoolHarness(c -> c.withMemoryBudgetMb(512)
            .withStemCells(List.of(new StemCell(PoolHarness.NODEJS, 256, 1)))))
        {
            h.awaitThat(() -> h.pool.metrics().prewarmedContainers() == 1);
            for (final String name : List.of("a", "b", "c", "d"))
            {
                h.action("guest/" + name, OK);
            }
            h.run(h.job("guest/a", "{}", PoolHarness.limits(128)));
            h.run(h.job("guest/b", "{}", PoolHarness.limits(128)));
            h.awaitThat(() -> h.pool.metrics().pausedContainers() == 2);
            assertThat(h.pool.metrics().memoryInUseMb()).isEqualTo(512);

            h.run(h.job("guest/c", "{}", PoolHarness.limits(128)));
            assertThat(h.pool.metrics().evictions()).isEqualTo(1);
            final var bAgain = h.run(h.job("guest/b", "{}", PoolHarness.limits(128)));
            assertThat(bAgain.outcome().initTimeMs()).as("b was kept: warm").isEqualTo(-1);
            final var aAgain = h.run(h.job("guest/a", "{}", PoolHarness.limits(128)));
            assertThat(aAgain.outcome().initTimeMs()).as("a was evicted first: cold again").isGreaterThanOrEqualTo(0);

            assertThat(h.pool.metrics().evictions()).isEqualTo(2);
            assertThat(h.pool.metrics().prewarmedContainers()).as("the stem cell goes last").isEqualTo(1);
            assertThat(h.pool.metrics().memoryInUseMb()).isLessThanOrEqualTo(512);
            h.awaitThat(() -> h.engineContainers() == 3);
        }
    }

    @Test
    void whenNoMemoryCanBeFreedAJobWaitsAndRunsOnceABusyContainerIsDone()
    {
        try (PoolHarness h = new PoolHarness(c -> c.withMemoryBudgetMb(256).withMaxWaiting(1)))
        {
            h.action("guest/slow", SLOW);
            h.action("guest/other", OK);
            final Job slow = h.submit(h.job("guest/slow", "{}", PoolHarness.limits(256)));
            h.awaitThat(() -> h.pool.metrics().busyContainers() == 1);
            final Job other = h.submit(h.job("guest/other", "{}", PoolHarness.limits(256)));
            assertThat(h.pool.metrics().waitingJobs()).isEqualTo(1);
            final Job refused = h.submit(h.job("guest/other", "{}", PoolHarness.limits(256)));
            assertThat(h.completed.get(refused.activationId()).outcome().status())
                .as("the wait queue is bounded").isEqualTo(ActivationStatus.WHISK_ERROR);
            assertThat(h.completed.get(refused.activationId()).result()).contains(Messages.PROVISION_FAILED);

            final var slowDone = h.awaitCompleted(slow);
            final var otherDone = h.awaitCompleted(other);

            assertThat(slowDone.outcome().status()).isEqualTo(ActivationStatus.SUCCESS);
            assertThat(otherDone.outcome().status()).isEqualTo(ActivationStatus.SUCCESS);
            assertThat(otherDone.outcome().startMs()).isGreaterThanOrEqualTo(slowDone.outcome().endMs());
            assertThat(h.pool.metrics().waitingJobs()).isZero();
            assertThat(h.pool.metrics().evictions()).isEqualTo(1);
        }
    }

    @Test
    void anIdleContainerIsRemovedAfterTheIdleTimeout()
    {
        try (PoolHarness h = new PoolHarness(c -> c.withIdleTimeoutMs(200)))
        {
            h.action("guest/ok", OK);
            h.run(h.job("guest/ok", "{}", PoolHarness.limits(256)));
            assertThat(h.engineContainers()).isEqualTo(1);

            h.awaitThat(() -> h.pool.metrics().liveContainers() == 0 && h.engineContainers() == 0);
            assertThat(h.pool.metrics().memoryInUseMb()).isZero();
        }
    }
}
