package dev.whisk.pool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Eviction}: when a new action needs memory the budget has not, idle containers go, paused first, then idle,
 * then stem cells, least recently used first within each; a busy container never goes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EvictionTest
{
    @Test
    void aNewActionEvictsTheLeastRecentlyUsedIdleContainerAndTheOtherStaysWarm()
    {
        final FakeEngine engine = new FakeEngine(5);
        try (PoolHarness h = new PoolHarness(engine, c -> c.withMemoryBudgetMb(512).withPauseGraceMs(-1)))
        {
            for (final String name : List.of("a", "b", "c"))
            {
                h.action("guest/" + name, "sleep:0");
            }
            final String a = h.run(h.job("guest/a", "{}", PoolHarness.limits(256))).container();
            final String b = h.run(h.job("guest/b", "{}", PoolHarness.limits(256))).container();
            assertThat(h.run(h.job("guest/a", "{}", PoolHarness.limits(256))).container()).isEqualTo(a);

            final String c = h.run(h.job("guest/c", "{}", PoolHarness.limits(256))).container();

            assertThat(h.pool.metrics().evictions()).isEqualTo(1);
            h.awaitThat(() -> !engine.containers.containsKey(b));
            assertThat(engine.containers.keySet()).containsExactlyInAnyOrder(a, c);
            final PoolHarness.Completed again = h.run(h.job("guest/a", "{}", PoolHarness.limits(256)));
            assertThat(again.container()).as("a, used after b, was kept").isEqualTo(a);
            assertThat(again.result()).contains("\"run\":3");
            assertThat(engine.starts.get()).isEqualTo(3);
        }
    }

    @Test
    void idleContainersGoBeforeAnOlderStemCell()
    {
        final FakeEngine engine = new FakeEngine(5);
        try (PoolHarness h = new PoolHarness(engine, c -> c.withMemoryBudgetMb(512).withPauseGraceMs(-1)
            .withStemCells(List.of(new StemCell(PoolHarness.NODEJS, 256, 1)))))
        {
            h.awaitThat(() -> h.pool.metrics().prewarmedContainers() == 1);
            final String stem = engine.containers.keySet().iterator().next();
            for (final String name : List.of("a", "b", "c", "d"))
            {
                h.action("guest/" + name, "sleep:0");
            }
            final String a = h.run(h.job("guest/a", "{}", PoolHarness.limits(128))).container();
            final String b = h.run(h.job("guest/b", "{}", PoolHarness.limits(128))).container();

            final String c = h.run(h.job("guest/c", "{}", PoolHarness.limits(128))).container();

            assertThat(h.pool.metrics().evictions()).isEqualTo(1);
            h.awaitThat(() -> !engine.containers.containsKey(a));
            assertThat(engine.containers.keySet()).containsExactlyInAnyOrder(stem, b, c);
            final PoolHarness.Completed d = h.run(h.job("guest/d", "{}", PoolHarness.limits(256)));
            assertThat(d.container()).as("the stem cell, kept").isEqualTo(stem);
            assertThat(h.pool.metrics().prewarmStarts()).isEqualTo(1);
        }
    }

    @Test
    void thePausedContainerGoesFirstEvenWhenAnIdleOneWasUsedLongerAgoAndABusyOneNever()
    {
        final PoolBook book = new PoolBook(c -> true);
        final PooledContainer stem = container(book, 1, 0, PooledContainer.State.PREWARMED);
        final PooledContainer idle = container(book, 2, 100, PooledContainer.State.IDLE);
        final PooledContainer paused = container(book, 3, 200, PooledContainer.State.IDLE);
        paused.moveTo(PooledContainer.State.PAUSED);
        final PooledContainer busy = container(book, 4, 0, PooledContainer.State.BUSY);
        busy.active = 1;

        assertThat(book.evictionVictim()).isSameAs(paused);
        book.remove(paused);
        assertThat(book.evictionVictim()).isSameAs(idle);
        book.remove(idle);
        assertThat(book.evictionVictim()).isSameAs(stem);
        book.remove(stem);
        assertThat(book.evictionVictim()).isNull();
        assertThat(book.evictableMb()).isZero();
    }

    private static PooledContainer container(final PoolBook book, final long seq, final long lastUsedNs,
        final PooledContainer.State state)
    {
        final PooledContainer c = new PooledContainer(seq, PoolHarness.NODEJS, 256, null);
        c.moveTo(state);
        c.lastUsedNs = lastUsedNs;
        book.add(c);
        return c;
    }
}
