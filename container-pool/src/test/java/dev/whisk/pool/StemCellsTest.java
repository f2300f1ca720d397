package dev.whisk.pool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link StemCells} on a {@link FakeEngine}: which job takes a stem cell, and that the pool refills it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StemCellsTest
{
    @Test
    void aJobOfTheCellsKindAndMemoryRunsOnTheStemCellWhichIsRefilledAndTheNextJobRunsWarmOnIt()
    {
        final FakeEngine engine = new FakeEngine(5);
        try (PoolHarness h = withOneStemCell(engine))
        {
            final String stem = engine.containers.keySet().iterator().next();
            h.action("guest/hello", "sleep:0");

            final PoolHarness.Completed first = h.run(h.job("guest/hello", "{}", PoolHarness.limits(256)));

            assertThat(first.container()).as("the container that ran it").isEqualTo(stem);
            assertThat(first.outcome().initTimeMs()).as("initTime of a stem cell start").isGreaterThanOrEqualTo(0);
            assertThat(h.pool.metrics().prewarmStarts()).isEqualTo(1);
            assertThat(h.pool.metrics().coldStarts()).isZero();
            h.awaitThat(() -> h.pool.metrics().prewarmedContainers() == 1 && engine.starts.get() == 2);

            final PoolHarness.Completed second = h.run(h.job("guest/hello", "{}", PoolHarness.limits(256)));

            assertThat(second.container()).as("the warm container, not the new stem cell").isEqualTo(stem);
            assertThat(second.result()).contains("\"run\":2");
            assertThat(second.outcome().initTimeMs()).as("no init on a warm start").isEqualTo(-1);
            assertThat(h.pool.metrics().warmStarts()).isEqualTo(1);
            assertThat(h.pool.metrics().prewarmedContainers()).isEqualTo(1);
            assertThat(engine.starts.get()).isEqualTo(2);
        }
    }

    @Test
    void aJobOfAnotherMemoryStartsColdAndLeavesTheStemCellReady()
    {
        final FakeEngine engine = new FakeEngine(5);
        try (PoolHarness h = withOneStemCell(engine))
        {
            final String stem = engine.containers.keySet().iterator().next();
            h.action("guest/small", "sleep:0");

            final PoolHarness.Completed done = h.run(h.job("guest/small", "{}", PoolHarness.limits(128)));

            assertThat(done.container()).isNotEqualTo(stem);
            assertThat(h.pool.metrics().coldStarts()).isEqualTo(1);
            assertThat(h.pool.metrics().prewarmStarts()).isZero();
            assertThat(h.pool.metrics().prewarmedContainers()).isEqualTo(1);
            assertThat(h.pool.metrics().memoryInUseMb()).isEqualTo(256 + 128);
        }
    }

    /** A pool on {@code engine} whose one stem cell (Node.js, 256 MB) is ready. */
    @Test
    void stemCellsBootOneAfterAnotherSoThatACallThatFindsNoneReadyStartsBesideThemNotBehind()
    {
        final FakeEngine engine = new FakeEngine(400);
        try (PoolHarness h = new PoolHarness(engine, c -> c.withStemCells(List.of(new StemCell(PoolHarness.NODEJS,
            256, 3)))))
        {
            h.action("guest/early", "sleep:0");
            h.awaitThat(() -> engine.startsUnderWay.get() == 1);
            // A call of another memory, which no stem cell serves, comes while the first stem cell boots.
            final PoolHarness.Completed early = h.run(h.job("guest/early", "{}", PoolHarness.limits(128)));
            // The engine names containers in the order their starts end: the call's was up right after the stem
            // cells already booting (one on two cores), not after a lane's worth of them (two, then the call's).
            final int upAs = Integer.parseInt(early.container().substring("fake-".length()));
            assertThat(upAs).as("the call's container among those up, in order").isLessThanOrEqualTo(
                h.pool.starts.bootLimit() + 1);

            h.awaitThat(() -> h.pool.metrics().prewarmedContainers() == 3);
            assertThat(engine.starts.get()).isEqualTo(4);
        }
    }

    private static PoolHarness withOneStemCell(final FakeEngine engine)
    {
        final PoolHarness h = new PoolHarness(engine, c -> c.withStemCells(List.of(new StemCell(PoolHarness.NODEJS, 256,
            1))));
        h.awaitThat(() -> h.pool.metrics().prewarmedContainers() == 1);
        return h;
    }
}
