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
class PoolCloseTest
{
    @Test
    void closingThePoolGivesEveryOpenJobOneRecordAndRemovesEveryContainerEvenAFrozenOne()
    {
        try (PoolHarness h = new PoolHarness(c -> c.withMemoryBudgetMb(384)
            .withStemCells(List.of(new StemCell(PoolHarness.NODEJS, 256, 1)))))
        {
            // 384 MB: the stem cell (256) and the paused container (128); the second slow job cannot fit.
            h.action("guest/paused", "function main() { return {}; }");
            h.action("guest/slow", "function main() { return new Promise((r) => setTimeout(() => r({}), 30000)); }");
            h.run(h.job("guest/paused", "{}", PoolHarness.limits(128)));
            h.awaitThat(() -> h.pool.metrics().pausedContainers() == 1 && h.pool.metrics().prewarmedContainers() == 1);
            final Job running = h.submit(h.job("guest/slow", "{}", PoolHarness.limits(256)));
            h.awaitThat(() -> h.pool.metrics().busyContainers() == 1);
            final Job waiting = h.submit(h.job("guest/slow", "{\"second\":true}", PoolHarness.limits(256)));
            assertThat(h.pool.metrics().waitingJobs() + h.pool.metrics().queuedJobs()).isEqualTo(1);

            h.pool.close();

            for (final Job j : List.of(running, waiting))
            {
                final PoolHarness.Completed done = h.completed.get(j.activationId());
                assertThat(done).isNotNull();
                assertThat(done.outcome().status()).isEqualTo(ActivationStatus.WHISK_ERROR);
                assertThat(done.result()).contains(Messages.PLATFORM_RESTARTED);
            }
            assertThat(h.engineContainers()).isZero();
        }
    }
}
