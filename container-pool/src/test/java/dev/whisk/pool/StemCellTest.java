package dev.whisk.pool;

import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
@NeedsDocker
class StemCellTest
{
    @Test
    void aJobWithNoWarmContainerTakesAStemCellAndThePoolRefillsItInTheBackground()
    {
        try (PoolHarness h = new PoolHarness(c -> c.withStemCells(List.of(new StemCell(PoolHarness.NODEJS, 256, 2)))))
        {
            h.awaitThat(() -> h.pool.metrics().prewarmedContainers() == 2);
            assertThat(h.engineContainers()).isEqualTo(2);
            h.action("guest/hello", "function main(p) { return { hello: p.name }; }");

            final var done = h.run(h.job("guest/hello", "{\"name\":\"stem\"}", PoolHarness.limits(256)));

            assertThat(done.outcome().status()).isEqualTo(ActivationStatus.SUCCESS);
            assertThat(done.result()).isEqualTo("{\"hello\":\"stem\"}");
            assertThat(done.outcome().initTimeMs()).as("initTime on a stem cell start").isGreaterThanOrEqualTo(0);
            assertThat(h.pool.metrics().prewarmStarts()).isEqualTo(1);
            assertThat(h.pool.metrics().coldStarts()).isZero();
            h.awaitThat(() -> h.pool.metrics().prewarmedContainers() == 2 && h.engineContainers() == 3);
            assertThat(h.pool.metrics().memoryInUseMb()).isEqualTo(3 * 256);
        }
    }

    @Test
    void aStemCellServesOnlyItsKindAndMemory()
    {
        try (PoolHarness h = new PoolHarness(c -> c.withStemCells(List.of(new StemCell(PoolHarness.NODEJS, 256, 1)))))
        {
            h.awaitThat(() -> h.pool.metrics().prewarmedContainers() == 1);
            h.action("guest/small", "function main() { return { ok: true }; }");

            final var done = h.run(h.job("guest/small", "{}", PoolHarness.limits(128)));

            assertThat(done.outcome().status()).isEqualTo(ActivationStatus.SUCCESS);
            assertThat(h.pool.metrics().prewarmStarts()).isZero();
            assertThat(h.pool.metrics().coldStarts()).isEqualTo(1);
            assertThat(h.pool.metrics().prewarmedContainers()).isEqualTo(1);
        }
    }
}
