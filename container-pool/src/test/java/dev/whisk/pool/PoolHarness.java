package dev.whisk.pool;

import dev.whisk.core.entity.ActionLimits;
import dev.whisk.pool.docker.DockerDriver;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real {@link ContainerPool} on the local Docker engine, driven from the test thread: the test thread is the
 * pool's owner, and every wait runs {@link ContainerPool#doWork()} until its condition holds or its deadline passes.
 * Records what the pool reports per activation and checks the listener contract (one onResult, then one
 * onCompleted).
 */
final class PoolHarness implements JobListener, AutoCloseable
{
    static final String IMAGE = ContainerPoolConfig.DEFAULT_NODEJS_IMAGE;
    static final String NODEJS = "nodejs:20";
    static final Duration DEADLINE = Duration.ofSeconds(30);

    final String label = "pool-test-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString()
        .substring(0, 8);
    /** The real engine, or {@code null} when the pool runs on a {@link FakeEngine}. */
    final DockerDriver docker;
    /** The fake engine, or {@code null} on Docker. */
    final FakeEngine fake;
    final Map<String, ActionCode> actions = new ConcurrentHashMap<>();
    final Map<String, RunOutcome> results = new ConcurrentHashMap<>();
    final Map<String, Completed> completed = new ConcurrentHashMap<>();
    final List<String> contractViolations = new ArrayList<>();
    final ContainerPool pool;
    private final AtomicInteger revision = new AtomicInteger();

    record Completed(RunOutcome outcome, List<String> logs)
    {
        String result()
        {
            return new String(outcome.result(), StandardCharsets.UTF_8);
        }

        /** On a {@link FakeEngine}: the id of the container that ran it, as its answer says. */
        String container()
        {
            try
            {
                return dev.whisk.core.json.Json.MAPPER.readTree(outcome.result()).path("container").asText();
            }
            catch (final java.io.IOException ex)
            {
                throw new java.io.UncheckedIOException(ex);
            }
        }
    }

    PoolHarness(final UnaryOperator<ContainerPoolConfig> tweak)
    {
        this(tweak, dev.whisk.pool.docker.CgroupFreezer.system());
    }

    /** With the cgroup mount the pool looks for freezer files in. */
    PoolHarness(final UnaryOperator<ContainerPoolConfig> tweak, final dev.whisk.pool.docker.CgroupFreezer freezer)
    {
        fake = null;
        docker = new DockerDriver("unix:///var/run/docker.sock", ContainerPoolConfig.DEFAULT_NETWORK);
        Assumptions.assumeTrue(docker.isReachable() || "true".equalsIgnoreCase(System.getenv("WHISK_REQUIRE_DOCKER")),
            "no Docker engine");
        assertThat(docker.hasImage(IMAGE)).as("image %s (runtimes/nodejs/build-image.sh)", IMAGE).isTrue();
        final ContainerPoolConfig config = tweak.apply(baseConfig());
        pool = new ContainerPool(config, (path, version, rev) -> actions.get(path), this,
            new DockerDriver(config.dockerHost(), config.network(), freezer), null);
        pool.start();
    }

    /** A pool on {@code engine}, no Docker: for fast tests of the pool's decisions. */
    PoolHarness(final FakeEngine engine, final UnaryOperator<ContainerPoolConfig> tweak)
    {
        fake = engine;
        docker = null;
        pool = new ContainerPool(tweak.apply(baseConfig()), (path, version, rev) -> actions.get(path), this, engine,
            null);
        pool.start();
    }

    private ContainerPoolConfig baseConfig()
    {
        return new ContainerPoolConfig("unix:///var/run/docker.sock", ContainerPoolConfig.DEFAULT_NETWORK, label,
            Map.of(NODEJS, IMAGE), "http://127.0.0.1:1", 2048, 4, 2_000, 600_000L, 1, List.of(), 50, 64);
    }

    /** Deploys a Node.js action under {@code path}. */
    void action(final String path, final String code)
    {
        actions.put(path, new ActionCode(NODEJS, IMAGE, code, "main", false, Map.of()));
    }

    void blackbox(final String path, final String image, final String code)
    {
        actions.put(path, new ActionCode("blackbox", image, code, "main", false, Map.of()));
    }

    Job job(final String path, final String params, final ActionLimits limits)
    {
        return job("guest", path, 1, params, limits, NODEJS);
    }

    Job job(final String namespace, final String path, final long rev, final String params,
        final ActionLimits limits, final String kind)
    {
        return new Job(UUID.randomUUID().toString().replace("-", ""), namespace, namespace, path, "0.0.1", rev, kind,
            limits, params.getBytes(StandardCharsets.UTF_8), System.currentTimeMillis(), null, null, true, null);
    }

    Job submit(final Job job)
    {
        pool.submit(job);
        return job;
    }

    /** Submits and waits for the completion. */
    Completed run(final Job job)
    {
        submit(job);
        return awaitCompleted(job);
    }

    boolean isCompleted(final Job job)
    {
        return completed.containsKey(job.activationId());
    }

    Completed awaitCompleted(final Job job)
    {
        awaitThat(() -> completed.containsKey(job.activationId()));
        return completed.get(job.activationId());
    }

    void awaitThat(final BooleanSupplier condition)
    {
        awaitThat(condition, DEADLINE);
    }

    void awaitThat(final BooleanSupplier condition, final Duration deadline)
    {
        Awaitility.await().atMost(deadline).pollInSameThread().pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofMillis(1)).until(() ->
            {
                pool.doWork();
                return condition.getAsBoolean();
            });
    }

    /** Containers the engine holds for this pool, running or not. */
    int engineContainers()
    {
        return docker == null ? fake.containers.size() : docker.containerIds(label).size();
    }

    @Override
    public void onResult(final Job job, final RunOutcome outcome)
    {
        if (results.putIfAbsent(job.activationId(), outcome) != null)
        {
            contractViolations.add("second onResult for " + job.activationId());
        }
    }

    @Override
    public void onCompleted(final Job job, final RunOutcome outcome, final List<String> logs)
    {
        if (!results.containsKey(job.activationId()))
        {
            contractViolations.add("onCompleted before onResult for " + job.activationId());
        }
        if (completed.putIfAbsent(job.activationId(), new Completed(outcome, logs)) != null)
        {
            contractViolations.add("second onCompleted for " + job.activationId());
        }
    }

    @Override
    public void close()
    {
        pool.close();
        try
        {
            assertThat(engineContainers()).as("containers left after close").isZero();
            assertThat(contractViolations).isEmpty();
        }
        finally
        {
            if (docker != null)
            {
                docker.close();
            }
        }
    }

    static ActionLimits limits(final int memoryMb)
    {
        return new ActionLimits(60_000, memoryMb, 10, 1);
    }
}
