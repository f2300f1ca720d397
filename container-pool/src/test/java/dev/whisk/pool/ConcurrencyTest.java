package dev.whisk.pool;

import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.ActionLimits;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
@NeedsDocker
class ConcurrencyTest
{
    private static final String OVERLAP = """
        async function main(p) {
            console.log('start ' + p.i);
            await new Promise((r) => setTimeout(r, p.ms || 1000));
            console.error('end ' + p.i);
            return { i: p.i, pid: process.pid };
        }
        """;

    @Test
    void threeOverlappingActivationsShareOneContainerAndEachGetsOnlyItsOwnLogLines()
    {
        try (PoolHarness h = new PoolHarness(c -> c))
        {
            h.action("guest/overlap", OVERLAP);
            final ActionLimits limits = new ActionLimits(60_000, 256, 10, 3);
            final List<Job> jobs = new ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                jobs.add(h.submit(h.job("guest/overlap", "{\"i\":" + i + "}", limits)));
            }
            final List<PoolHarness.Completed> done = new ArrayList<>();
            for (final Job j : jobs)
            {
                done.add(h.awaitCompleted(j));
            }

            assertThat(h.pool.metrics().coldStarts()).isEqualTo(1);
            assertThat(h.engineContainers()).isEqualTo(1);
            for (int i = 0; i < 3; i++)
            {
                final PoolHarness.Completed d = done.get(i);
                assertThat(d.outcome().status()).isEqualTo(ActivationStatus.SUCCESS);
                assertThat(d.result()).startsWith("{\"i\":" + i + ",");
                assertThat(d.logs()).hasSize(2);
                assertThat(d.logs().get(0)).endsWith("stdout: start " + i);
                assertThat(d.logs().get(1)).endsWith("stderr: end " + i);
                for (final PoolHarness.Completed other : done)
                {
                    assertThat(d.outcome().startMs()).as("runs overlap").isLessThan(other.outcome().endMs());
                }
            }
            assertThat(done.get(1).result().substring(done.get(1).result().indexOf("pid")))
                .isEqualTo(done.get(0).result().substring(done.get(0).result().indexOf("pid")));
        }
    }

    @Test
    void aWarmConcurrentContainerTakesNewJobsWhileBusyUpToItsLimit()
    {
        try (PoolHarness h = new PoolHarness(c -> c))
        {
            h.action("guest/overlap", OVERLAP);
            final ActionLimits limits = new ActionLimits(60_000, 256, 10, 2);
            h.run(h.job("guest/overlap", "{\"i\":0,\"ms\":3000}", limits));
            final List<Job> jobs = new ArrayList<>();
            // Runs of 3 s: waiting for a busy slot is clearly worse than a start, however slow starts are here.
            for (int i = 1; i <= 3; i++)
            {
                jobs.add(h.submit(h.job("guest/overlap", "{\"i\":" + i + ",\"ms\":3000}", limits)));
            }
            for (final Job j : jobs)
            {
                final PoolHarness.Completed d = h.awaitCompleted(j);
                assertThat(d.outcome().status()).isEqualTo(ActivationStatus.SUCCESS);
                assertThat(d.logs()).hasSize(2);
            }

            assertThat(h.pool.metrics().warmStarts()).isEqualTo(2);
            assertThat(h.pool.metrics().coldStarts()).as("the third job needs a second container").isEqualTo(2);
        }
    }
}
