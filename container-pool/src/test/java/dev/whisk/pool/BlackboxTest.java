package dev.whisk.pool;

import dev.whisk.core.activation.ActivationStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BlackboxTest
{
    @Test
    void aBlackboxActionRunsInItsOwnImageAndNeverTakesAStemCell()
    {
        try (PoolHarness h = new PoolHarness(c -> c.withStemCells(List.of(new StemCell(PoolHarness.NODEJS, 256, 1)))))
        {
            h.awaitThat(() -> h.pool.metrics().prewarmedContainers() == 1);
            h.blackbox("guest/box", PoolHarness.IMAGE, "function main(p) { console.log('in the box');"
                + " return { echo: p.v }; }");

            final var done = h.run(h.job("guest", "guest/box", 1, "{\"v\":42}", PoolHarness.limits(256),
                "blackbox"));
            final var again = h.run(h.job("guest", "guest/box", 1, "{\"v\":43}", PoolHarness.limits(256),
                "blackbox"));

            assertThat(done.outcome().status()).isEqualTo(ActivationStatus.SUCCESS);
            assertThat(done.result()).isEqualTo("{\"echo\":42}");
            assertThat(done.logs()).singleElement().asString().endsWith("stdout: in the box");
            assertThat(again.result()).isEqualTo("{\"echo\":43}");
            assertThat(h.pool.metrics().prewarmStarts()).isZero();
            assertThat(h.pool.metrics().coldStarts()).isEqualTo(1);
            assertThat(h.pool.metrics().warmStarts()).isEqualTo(1);
        }
    }
}
