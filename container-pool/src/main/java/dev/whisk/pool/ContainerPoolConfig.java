package dev.whisk.pool;

import java.util.List;
import java.util.Map;

/**
 * Settings of one invoker's container pool.
 *
 * @param dockerHost     engine endpoint, e.g. {@code unix:///var/run/docker.sock}.
 * @param network        the dedicated bridge network the containers join.
 * @param invokerLabel   value of the invoker label on every container; leftovers with it are removed at start.
 * @param runtimeImages  runtime kind to image, e.g. {@code nodejs:20 -> whisk/action-nodejs-v20:latest}.
 * @param apiHost        what actions see as {@code __OW_API_HOST}.
 * @param memoryBudgetMb memory all containers of this invoker may use together.
 * @param dockerThreads  threads for blocking Docker calls and log reads.
 * @param logWaitMs      how long to wait for the log sentinels after a run.
 * @param idleTimeoutMs  an idle warm container is removed after this long.
 * @param clientThreads  event loop threads of the runtime HTTP client.
 * @param stemCells      pre-warmed runtime containers to keep ready per (kind, memory).
 * @param pauseGraceMs   a warm container with nothing to do is paused after this long; negative never pauses.
 * @param maxWaiting     jobs that may wait for memory at once; beyond it a job fails at once.
 */
public record ContainerPoolConfig(String dockerHost, String network, String invokerLabel,
                                  Map<String, String> runtimeImages, String apiHost, int memoryBudgetMb,
                                  int dockerThreads, int logWaitMs, long idleTimeoutMs, int clientThreads,
                                  List<StemCell> stemCells, long pauseGraceMs, int maxWaiting)
{
    public static final String DEFAULT_NODEJS_IMAGE = "whisk/action-nodejs-v20:latest";
    /**
     * The pool's bridge network, created with inter-container traffic off. Not the {@code whisk-net} of earlier
     * versions, which allowed it: an engine may still hold that network, and it must not be reused.
     */
    public static final String DEFAULT_NETWORK = "whisk-isolated";
    /**
     * Four Node.js stem cells of 256 MB: while a burst waits, cold starts come about one every 0.3-0.5 s on two cores
     * (each keeps a core busy), so the containers ready at its first call carry most of it. The two more than
     * OpenWhisk's two cost about 26 MB each of the machine's memory (an idle Node runtime and its shim), no CPU, and
     * 256 MB each of the pool's budget: on a full pool, 512 MB less for warm containers (stem cells are evicted last).
     */
    public static final List<StemCell> DEFAULT_STEM_CELLS = List.of(new StemCell("nodejs:20", 256, 4));
    public static final long DEFAULT_PAUSE_GRACE_MS = 50;
    public static final int DEFAULT_MAX_WAITING = 4096;

    public ContainerPoolConfig
    {
        runtimeImages = Map.copyOf(runtimeImages);
        stemCells = List.copyOf(stemCells);
        if (memoryBudgetMb < 128)
        {
            throw new IllegalArgumentException("memory budget " + memoryBudgetMb + " MB is below 128 MB");
        }
        if (dockerThreads < 1 || clientThreads < 1)
        {
            throw new IllegalArgumentException("docker threads and client threads must be at least 1");
        }
        if (maxWaiting < 0)
        {
            throw new IllegalArgumentException("max waiting " + maxWaiting + " is negative");
        }
    }

    /** The settings before stem cells, pausing and the wait bound were configurable: those take their defaults. */
    public ContainerPoolConfig(final String dockerHost, final String network, final String invokerLabel,
        final Map<String, String> runtimeImages, final String apiHost, final int memoryBudgetMb,
        final int dockerThreads, final int logWaitMs, final long idleTimeoutMs, final int clientThreads)
    {
        this(dockerHost, network, invokerLabel, runtimeImages, apiHost, memoryBudgetMb, dockerThreads, logWaitMs,
            idleTimeoutMs, clientThreads, DEFAULT_STEM_CELLS, DEFAULT_PAUSE_GRACE_MS, DEFAULT_MAX_WAITING);
    }

    public static ContainerPoolConfig defaults(final String invokerLabel, final String apiHost)
    {
        return new ContainerPoolConfig("unix:///var/run/docker.sock", DEFAULT_NETWORK, invokerLabel,
            Map.of("nodejs:20", DEFAULT_NODEJS_IMAGE), apiHost, defaultMemoryBudgetMb(), 4, 2_000,
            600_000L, 1);
    }

    public ContainerPoolConfig withMemoryBudgetMb(final int mb)
    {
        return with(d -> d.memoryBudgetMb = mb);
    }

    public ContainerPoolConfig withStemCells(final List<StemCell> cells)
    {
        return with(d -> d.stemCells = cells);
    }

    public ContainerPoolConfig withPauseGraceMs(final long ms)
    {
        return with(d -> d.pauseGraceMs = ms);
    }

    public ContainerPoolConfig withIdleTimeoutMs(final long ms)
    {
        return with(d -> d.idleTimeoutMs = ms);
    }

    /** The Docker engine to use, e.g. {@code unix:///var/run/docker.sock} or {@code tcp://10.0.0.5:2375}. */
    public ContainerPoolConfig withDockerHost(final String host)
    {
        return with(d -> d.dockerHost = host);
    }

    /** What actions see as {@code __OW_API_HOST}, e.g. the API on the network's gateway address. */
    public ContainerPoolConfig withApiHost(final String host)
    {
        return with(d -> d.apiHost = host);
    }

    public ContainerPoolConfig withMaxWaiting(final int jobs)
    {
        return with(d -> d.maxWaiting = jobs);
    }

    /** A fair share of the machine: half of its physical memory, at most 16 GB. */
    public static int defaultMemoryBudgetMb()
    {
        final java.lang.management.OperatingSystemMXBean os =
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun)
        {
            return (int)Math.max(512, Math.min(16 * 1024, sun.getTotalMemorySize() / (2L * 1024 * 1024)));
        }
        return 2048;
    }

    /** A copy with {@code change} made to a draft of this config; the copy is validated as any config is. */
    private ContainerPoolConfig with(final java.util.function.Consumer<Draft> change)
    {
        final Draft d = new Draft();
        d.dockerHost = dockerHost;
        d.apiHost = apiHost;
        d.memoryBudgetMb = memoryBudgetMb;
        d.idleTimeoutMs = idleTimeoutMs;
        d.stemCells = stemCells;
        d.pauseGraceMs = pauseGraceMs;
        d.maxWaiting = maxWaiting;
        change.accept(d);
        return new ContainerPoolConfig(d.dockerHost, network, invokerLabel, runtimeImages, d.apiHost, d.memoryBudgetMb,
            dockerThreads, logWaitMs, d.idleTimeoutMs, clientThreads, d.stemCells, d.pauseGraceMs, d.maxWaiting);
    }

    /** The settings a {@code with...} method may change. */
    private static final class Draft
    {
        String dockerHost;
        String apiHost;
        int memoryBudgetMb;
        long idleTimeoutMs;
        List<StemCell> stemCells;
        long pauseGraceMs;
        int maxWaiting;
    }
}
