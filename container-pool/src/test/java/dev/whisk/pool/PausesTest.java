package dev.whisk.pool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Pauses}: an idle container is paused after its delay and resumed for its next job; the delay is the grace
 * for a container used now and then, and grows with steady reuse (up to the cap) so that one in steady use is not
 * frozen between its calls.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PausesTest
{
    private static final long GRACE_NS = TimeUnit.MILLISECONDS.toNanos(50);

    @Test
    void aContainerUsedOnceIsPausedAfterTheGraceAndItsNextJobResumesTheSameContainer()
    {
        final FakeEngine engine = new FakeEngine(5);
        try (PoolHarness h = new PoolHarness(engine, c -> c.withPauseGraceMs(50)))
        {
            h.action("guest/once", "sleep:0");
            final String first = h.run(h.job("guest/once", "{}", PoolHarness.limits(256))).container();
            h.awaitThat(() -> h.pool.metrics().pausedContainers() == 1 && engine.pauses.get() == 1);

            final PoolHarness.Completed next = h.run(h.job("guest/once", "{}", PoolHarness.limits(256)));

            assertThat(next.container()).isEqualTo(first);
            assertThat(next.result()).contains("\"run\":2");
            assertThat(h.pool.metrics().resumes()).isEqualTo(1);
            assertThat(engine.unpauses.get()).isEqualTo(1);
            assertThat(engine.starts.get()).isEqualTo(1);
        }
    }

    @Test
    void theDelayIsTheGraceUntilTheContainerIsReusedSteadilyThenTwiceItsGapUpToTheCap()
    {
        final PooledContainer c = new PooledContainer(1, PoolHarness.NODEJS, 256, null);
        assertThat(c.pauseDelayNs(GRACE_NS)).as("never reused").isEqualTo(GRACE_NS);

        c.onReused(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(c.pauseDelayNs(GRACE_NS)).as("reused once").isEqualTo(GRACE_NS);

        c.onReused(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(c.pauseDelayNs(GRACE_NS)).as("reused steadily every 100 ms")
            .isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));

        c.onReused(PooledContainer.PAUSE_DELAY_CAP_NS + 1);
        assertThat(c.pauseDelayNs(GRACE_NS)).as("after a gap beyond the cap").isEqualTo(GRACE_NS);

        for (int i = 0; i < 10; i++)
        {
            c.onReused(TimeUnit.SECONDS.toNanos(8));
        }
        assertThat(c.pauseDelayNs(GRACE_NS)).as("reused every 8 s").isEqualTo(PooledContainer.PAUSE_DELAY_CAP_NS);
    }

    @Test
    void withAGraceBelowZeroNoContainerIsEverPaused()
    {
        final FakeEngine engine = new FakeEngine(5);
        try (PoolHarness h = new PoolHarness(engine, c -> c.withPauseGraceMs(-1)))
        {
            h.action("guest/never", "sleep:0");
            h.run(h.job("guest/never", "{}", PoolHarness.limits(256)));

            assertThat(h.pool.nextDeadlineNs()).as("no pause is ever due").isGreaterThan(System.nanoTime());
            assertThat(h.pool.metrics().idleContainers()).isEqualTo(1);
            assertThat(h.pool.metrics().pauses()).isZero();
        }
    }
}
