package dev.whisk.pool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pool's decisions on an engine without Docker ({@link FakeEngine}): what it starts for a burst, when it pauses,
 * what a stop removes. Seconds, not minutes; the same pool code as on Docker.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PoolDecisionsTest
{
    @Test
    void aBurstGetsAFewContainersThatAllFindWorkAndEveryJobCompletesWithItsLogs()
    {
        final FakeEngine engine = new FakeEngine(150);
        try (PoolHarness h = new PoolHarness(engine, c -> c))
        {
            h.action("guest/sleeper", "sleep:20");
            final List<Job> jobs = new ArrayList<>();
            for (int i = 0; i < 200; i++)
            {
                jobs.add(h.submit(h.job("guest/sleeper", "{}", PoolHarness.limits(256))));
            }
            for (final Job job : jobs)
            {
                final PoolHarness.Completed done = h.awaitCompleted(job);
                assertThat(done.result()).contains("\"container\":\"fake-");
                assertThat(done.logs()).singleElement().asString().startsWith("run ");
            }

            // 4 s of work and 150 ms starts: one container alone would take 4 s, one per job would waste 199 starts.
            assertThat(engine.starts.get()).isBetween(2, 12);
            final long idle = engine.runsPerContainer().stream().filter(runs -> runs == 0).count();
            assertThat(idle).as("containers started that found no work").isLessThanOrEqualTo(1);
            // Boots one after another (one fewer than the start lane's threads): each is decided on the queue and
            // run times of when the last was ready, and none waits behind another for the machine's cores.
            assertThat(engine.mostStartsAtOnce.get()).as("starts at once")
                .isLessThanOrEqualTo(h.pool.starts.bootLimit());
            assertThat(h.pool.metrics().queuedJobs()).isZero();
        }
    }

    @Test
    void aQueueBehindAnActionsFirstContainerStillBootingTakesAStemCellAsSoonAsOneIsReady()
    {
        final FakeEngine engine = new FakeEngine(300);
        try (PoolHarness h = new PoolHarness(engine, c -> c.withStemCells(List.of(new StemCell(PoolHarness.NODEJS, 256,
            1)))))
        {
            h.action("guest/first", "sleep:10");
            // The stem cell is booting (300 ms) when the action's first call comes, so that call starts a container
            // of its own, a slow one; twenty more queue behind it.
            h.awaitThat(() -> engine.startsUnderWay.get() == 1);
            engine.startMs = 3_000;
            final Job first = h.submit(h.job("guest/first", "{}", PoolHarness.limits(256)));
            final List<Job> queued = new ArrayList<>();
            for (int i = 0; i < 20; i++)
            {
                queued.add(h.submit(h.job("guest/first", "{}", PoolHarness.limits(256))));
            }

            // The queue waits for a container that is seconds from ready: the stem cell, ready first, serves it.
            final PoolHarness.Completed earliest = h.awaitCompleted(queued.get(0));
            assertThat(engine.starts.get()).as("containers up when the first queued call completed").isEqualTo(1);
            assertThat(earliest.container()).as("the stem cell").isEqualTo("fake-1");
            queued.forEach(h::awaitCompleted);
            assertThat(h.awaitCompleted(first).container()).as("the first call, on its own container")
                .isEqualTo("fake-2");
            assertThat(h.pool.metrics().queuedJobs()).isZero();
        }
    }

    @Test
    void aQueueThatNeverEmptiesUnderClientsThatSendAgainAtOnceGetsMoreContainersButNoMoreThanItsClients()
        throws InterruptedException
    {
        final FakeEngine engine = new FakeEngine(100);
        try (PoolHarness h = new PoolHarness(engine, c -> c))
        {
            h.action("guest/loop", "sleep:10");
            final int clients = 6;
            final List<Job> inFlight = new ArrayList<>();
            for (int i = 0; i < clients; i++)
            {
                inFlight.add(h.submit(h.job("guest/loop", "{}", PoolHarness.limits(256))));
            }
            // A closed loop: each client sends its next call as soon as its last one completed, for 4 s. A queue of
            // five 10 ms runs drains in 50 ms, less than a start: by that measure alone one container serves them.
            final long endNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            int completed = 0;
            while (System.nanoTime() < endNs)
            {
                h.pool.doWork(); // this thread owns the pool, as the harness's waits do
                for (int i = 0; i < clients; i++)
                {
                    if (h.isCompleted(inFlight.get(i)))
                    {
                        completed++;
                        inFlight.set(i, h.submit(h.job("guest/loop", "{}", PoolHarness.limits(256))));
                    }
                }
                Thread.sleep(1);
            }
            inFlight.forEach(h::awaitCompleted);

            assertThat(engine.starts.get()).as("containers for 6 clients whose queue never emptied")
                .isBetween(3, clients);
            assertThat(completed).as("runs completed in 4 s").isPositive();
            assertThat(engine.runsPerContainer()).as("runs per container: every added one took work")
                .allSatisfy(runs -> assertThat(runs).isPositive());
            assertThat(h.pool.metrics().queuedJobs()).isZero();
        }
    }

    @Test
    void aContainerInSteadyUseIsNotPausedBetweenCallsButIsOnceTheCallsStop() throws InterruptedException
    {
        final FakeEngine engine = new FakeEngine(10);
        try (PoolHarness h = new PoolHarness(engine, c -> c.withPauseGraceMs(50)))
        {
            h.action("guest/steady", "sleep:1");
            for (int i = 0; i < 10; i++)
            {
                h.run(h.job("guest/steady", "{}", PoolHarness.limits(256)));
                Thread.sleep(150); // the caller's pace, three times the grace
            }

            assertThat(engine.starts.get()).isEqualTo(1);
            assertThat(h.pool.metrics().resumes()).as("resumes over 9 gaps of 150 ms").isLessThanOrEqualTo(4);
            h.awaitThat(() -> h.pool.metrics().pausedContainers() == 1);
            h.awaitThat(() -> engine.pauses.get() == engine.unpauses.get() + 1);
        }
    }

    @Test
    void aStopRemovesEveryContainerOfThePool()
    {
        final FakeEngine engine = new FakeEngine(5);
        final PoolHarness h = new PoolHarness(engine, c -> c.withPauseGraceMs(-1).withMemoryBudgetMb(50 * 128));
        try
        {
            final List<Job> jobs = new ArrayList<>();
            for (int i = 0; i < 50; i++)
            {
                h.action("guest/a" + i, "sleep:0");
                jobs.add(h.submit(h.job("guest/a" + i, "{}", PoolHarness.limits(128))));
            }
            jobs.forEach(h::awaitCompleted);
            assertThat(engine.containers).hasSize(50);
        }
        finally
        {
            h.close(); // asserts that the engine holds none of the pool's containers
        }
        assertThat(engine.removals.get()).isEqualTo(50);
    }
}
