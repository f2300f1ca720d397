package dev.whisk.pool;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When an action's queue would be drained, from its containers' states: the pool's start decisions rest on it. */
class PoolBookDrainTest
{
    private static final long MS = 1_000_000L;
    private final ContainerKey key = new ContainerKey("guest", "guest/a", "0.0.1", 1, 256);
    private final PoolBook book = new PoolBook(c -> true);
    private final long now = 1_000_000 * MS;

    private PooledContainer container(final PooledContainer.State state)
    {
        final PooledContainer c = new PooledContainer(1, "nodejs:20", 256, null);
        c.key = key;
        c.state = state;
        book.add(c);
        book.assign(c);
        return c;
    }

    @Test
    void anActionWithNoContainerNeverDrains()
    {
        assertThat(book.drainNs(key, now, 20 * MS, 400 * 20 * MS, new long[4])).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void readyContainersShareTheWorkFromNow()
    {
        container(PooledContainer.State.IDLE);
        container(PooledContainer.State.IDLE);

        assertThat(book.drainNs(key, now, 20 * MS, 100 * 20 * MS, new long[4])).isEqualTo(1_000 * MS);
    }

    @Test
    void aBusyContainerServesFromWhenItsRunShouldEnd()
    {
        final PooledContainer busy = container(PooledContainer.State.BUSY);
        busy.busySinceNs = now - 5 * MS;

        // 15 ms left of its 20 ms run, then 10 runs of 20 ms.
        assertThat(book.drainNs(key, now, 20 * MS, 10 * 20 * MS, new long[4])).isEqualTo(215 * MS);
    }

    @Test
    void aStartingContainerHelpsOnlyFromWhenItIsReadyAndNotAtAllWhenTheQueueIsDrainedBefore()
    {
        container(PooledContainer.State.IDLE);
        final PooledContainer starting = container(PooledContainer.State.STARTING);
        starting.expectedReadyNs = now + 400 * MS;

        // 1 s of work: alone the ready one needs 1,000 ms; with the other from 400 ms both finish at 700 ms.
        assertThat(book.drainNs(key, now, 20 * MS, 1_000 * MS, new long[4])).isEqualTo(700 * MS);
        // 300 ms of work is done before the starting one is ready.
        assertThat(book.drainNs(key, now, 20 * MS, 300 * MS, new long[4])).isEqualTo(300 * MS);
    }

    @Test
    void aStartPastItsExpectedTimeIsTakenToNeedAsLongAgainAsItIsLate()
    {
        final PooledContainer late = container(PooledContainer.State.STARTING);
        late.expectedReadyNs = now - 300 * MS;
        // 300 ms late: expected in another 300 ms, then 10 runs of 20 ms.
        assertThat(book.drainNs(key, now, 20 * MS, 10 * 20 * MS, new long[4])).isEqualTo(500 * MS);
    }

    @Test
    void aContainerRunningSeveralJobsAtOnceCountsEachSlot()
    {
        container(PooledContainer.State.IDLE).concurrency = 4;

        assertThat(book.drainNs(key, now, 20 * MS, 400 * MS, new long[8])).isEqualTo(100 * MS);
    }
}
