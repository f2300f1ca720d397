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
class DemandTest
{
    private static final String SHORT =
        "function main(p) { return new Promise(r => setTimeout(() => r({ i: p.i }), 50)); }";

    @Test
    void aBurstOfShortJobsIsServedByAFewContainersNotOneStartPerJob()
    {
        try (PoolHarness h = new PoolHarness(c -> c))
        {
            h.action("guest/short", SHORT);
            final ActionLimits limits = PoolHarness.limits(256);
            final List<Job> jobs = new ArrayList<>();
            for (int i = 0; i < 40; i++)
            {
                jobs.add(h.submit(h.job("guest/short", "{\"i\":" + i + "}", limits)));
            }
            for (int i = 0; i < jobs.size(); i++)
            {
                final PoolHarness.Completed done = h.awaitCompleted(jobs.get(i));
                assertThat(done.outcome().status()).isEqualTo(ActivationStatus.SUCCESS);
                assertThat(done.result()).isEqualTo("{\"i\":" + i + "}");
            }

            assertThat(h.pool.metrics().coldStarts()).as("queued work waits for the action's busy containers")
                .isLessThanOrEqualTo(10);
            assertThat(h.pool.metrics().warmStarts()).isGreaterThanOrEqualTo(30);
            assertThat(h.pool.metrics().queuedJobs()).isZero();
        }
    }

    @Test
    void aQueuedJobWhoseWaitWouldBeLongGetsAContainerOfItsOwn()
    {
        try (PoolHarness h = new PoolHarness(c -> c))
        {
            h.action("guest/long", "function main(p) { return new Promise(r => setTimeout(() => r({}), 3000)); }");
            final ActionLimits limits = PoolHarness.limits(256);
            h.run(h.job("guest/long", "{}", limits));
            final Job first = h.submit(h.job("guest/long", "{}", limits));
            final Job second = h.submit(h.job("guest/long", "{}", limits));

            final PoolHarness.Completed a = h.awaitCompleted(first);
            final PoolHarness.Completed b = h.awaitCompleted(second);

            assertThat(h.pool.metrics().coldStarts()).as("a 3 s wait is worth a start").isEqualTo(2);
            assertThat(b.outcome().startMs()).as("the second ran beside the first").isLessThan(a.outcome().endMs());
        }
    }
}
