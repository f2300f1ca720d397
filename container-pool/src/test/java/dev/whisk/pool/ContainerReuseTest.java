package dev.whisk.pool;

import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
@NeedsDocker
class ContainerReuseTest
{
    private static final String PID = "function main(p) { console.log('run ' + p.n); return { pid: process.pid }; }";

    @Test
    void aSecondRunOfTheSameActionReusesTheWarmContainerAndReportsNoInitTime()
    {
        try (PoolHarness h = new PoolHarness(c -> c))
        {
            h.action("guest/pid", PID);
            final Job firstJob = h.job("guest/pid", "{\"n\":1}", PoolHarness.limits(256));
            final var first = h.run(firstJob);
            final var second = h.run(h.job("guest/pid", "{\"n\":2}", PoolHarness.limits(256)));

            assertThat(first.outcome().status()).isEqualTo(ActivationStatus.SUCCESS);
            assertThat(second.result()).isEqualTo(first.result());
            assertThat(first.outcome().initTimeMs()).isGreaterThanOrEqualTo(0);
            assertThat(second.outcome().initTimeMs()).isEqualTo(-1);
            assertThat(first.outcome().startMs() - firstJob.acceptedMs())
                .as("creating the container counts as waitTime, not initTime").isGreaterThanOrEqualTo(50);
            assertThat(first.outcome().initTimeMs())
                .isLessThanOrEqualTo((int)(first.outcome().endMs() - first.outcome().startMs()));
            assertThat(first.logs()).singleElement().asString().endsWith("stdout: run 1");
            assertThat(second.logs()).singleElement().asString().endsWith("stdout: run 2");
            assertThat(h.pool.metrics().coldStarts()).isEqualTo(1);
            assertThat(h.pool.metrics().warmStarts()).isEqualTo(1);
            assertThat(h.engineContainers()).isEqualTo(1);
        }
    }

    @Test
    void aNewRevisionOfTheActionNeverRunsInTheOldContainer()
    {
        try (PoolHarness h = new PoolHarness(c -> c))
        {
            h.action("guest/pid", PID);
            final var v1 = h.run(h.job("guest", "guest/pid", 1, "{}", PoolHarness.limits(256), PoolHarness.NODEJS));
            final var v2 = h.run(h.job("guest", "guest/pid", 2, "{}", PoolHarness.limits(256), PoolHarness.NODEJS));

            assertThat(v2.outcome().initTimeMs()).as("cold").isGreaterThanOrEqualTo(0);
            assertThat(h.pool.metrics().coldStarts()).isEqualTo(2);
            assertThat(h.engineContainers()).isEqualTo(2);
            assertThat(v1.outcome().status()).isEqualTo(ActivationStatus.SUCCESS);
        }
    }

    @Test
    void containersOfOneNamespaceNeverServeAnother()
    {
        try (PoolHarness h = new PoolHarness(c -> c))
        {
            h.action("shared/pid", PID);
            h.run(h.job("alice", "shared/pid", 1, "{}", PoolHarness.limits(256), PoolHarness.NODEJS));
            final var bob = h.run(h.job("bob", "shared/pid", 1, "{}", PoolHarness.limits(256), PoolHarness.NODEJS));

            assertThat(bob.outcome().initTimeMs()).as("cold").isGreaterThanOrEqualTo(0);
            assertThat(h.pool.metrics().coldStarts()).isEqualTo(2);
            assertThat(h.pool.metrics().warmStarts()).isZero();
        }
    }

    @Test
    void containersLeftByAnEarlierRunOfTheInvokerAreRemovedAtStart()
    {
        try (PoolHarness h = new PoolHarness(c -> c))
        {
            final String id = h.docker.start(new dev.whisk.pool.docker.ContainerSpec(PoolHarness.IMAGE,
                "whisk_" + h.label + "_leftover", 128, java.util.List.of(), h.label, "guest/old")).id();
            assertThat(h.engineContainers()).isEqualTo(1);

            h.pool.start();

            assertThat(h.docker.containerIds(h.label)).doesNotContain(id).isEmpty();
        }
    }
}
