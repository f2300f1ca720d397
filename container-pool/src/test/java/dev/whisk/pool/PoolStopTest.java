package dev.whisk.pool;

import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.Messages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PoolStop} on a {@link FakeEngine}: a stop ends every open job with a record, removes every container, and
 * names those the engine would not remove.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PoolStopTest
{
    @Test
    void aStopEndsTheRunningJobRemovesTheContainersAndNamesTheOneTheEngineWouldNotRemove()
    {
        final FakeEngine engine = new FakeEngine(5);
        final PoolHarness h = new PoolHarness(engine, c -> c.withPauseGraceMs(-1));
        String stuck = null;
        try
        {
            h.action("guest/a", "sleep:0");
            h.action("guest/b", "sleep:0");
            h.action("guest/slow", "sleep:20000");
            stuck = h.run(h.job("guest/a", "{}", PoolHarness.limits(128))).container();
            h.run(h.job("guest/b", "{}", PoolHarness.limits(128)));
            final Job slow = h.submit(h.job("guest/slow", "{}", PoolHarness.limits(128)));
            h.awaitThat(() -> h.pool.metrics().busyContainers() == 1 && engine.containers.size() == 3);
            engine.stuck.add(stuck);

            h.pool.close();

            final PoolHarness.Completed ended = h.completed.get(slow.activationId());
            assertThat(ended).as("the running job's record").isNotNull();
            assertThat(ended.outcome().status()).isEqualTo(ActivationStatus.WHISK_ERROR);
            assertThat(ended.result()).contains(Messages.PLATFORM_RESTARTED);
            final PoolStop.Report report = h.pool.stopReport();
            assertThat(report.jobsFailed()).isEqualTo(1);
            assertThat(report.removed()).isEqualTo(2);
            assertThat(report.left()).containsExactly(stuck);
            assertThat(report.cleanupFailed()).isFalse();
            assertThat(engine.containers.keySet()).containsExactly(stuck);
        }
        finally
        {
            engine.stuck.clear();
            if (stuck != null)
            {
                engine.remove(stuck);
            }
            h.close(); // asserts that none is left and that every job had one result and one completion
        }
    }

    @Test
    void aStopOfAnIdlePoolRemovesEveryContainerAndSaysNoneIsLeft()
    {
        final FakeEngine engine = new FakeEngine(5);
        final PoolHarness h = new PoolHarness(engine, c -> c.withStemCells(List.of(new StemCell(PoolHarness.NODEJS,
            256, 2))));
        try
        {
            h.awaitThat(() -> h.pool.metrics().prewarmedContainers() == 2);
            h.action("guest/a", "sleep:0");
            h.run(h.job("guest/a", "{}", PoolHarness.limits(128)));
        }
        finally
        {
            h.close();
        }
        final PoolStop.Report report = h.pool.stopReport();
        assertThat(report).isEqualTo(new PoolStop.Report(0, 3, List.of(), false));
        assertThat(engine.removals.get()).isEqualTo(3);
    }
}
