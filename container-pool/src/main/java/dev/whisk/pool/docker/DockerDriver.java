package dev.whisk.pool.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.Ulimit;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The Docker Engine calls the pool needs, each blocking: callers run them on the pool's Docker executor, never on an
 * event loop or agent thread. Every container it creates carries the label {@value #LABEL_INVOKER} so that leftovers
 * of this invoker can be found and removed, and nothing else is ever touched.
 */
public final class DockerDriver implements dev.whisk.pool.ContainerEngine
{
    public static final String LABEL_INVOKER = "dev.whisk.invoker";
    /** The action a container was created for; absent on a stem cell, which is created before it has one. */
    public static final String LABEL_ACTION = "dev.whisk.action";
    /**
     * {@value #STARTED_AS_STEM_CELL} on a container started as a pre-warmed stem cell. Labels cannot change after
     * creation, so a stem cell carries no action label at all rather than one that stops being true when it is
     * initialised for an action.
     */
    public static final String LABEL_STARTED_AS = "dev.whisk.started-as";
    public static final String STARTED_AS_STEM_CELL = "stem-cell";
    /** The bridge driver's option that lets containers of one network talk to each other. */
    public static final String ICC_OPTION = "com.docker.network.bridge.enable_icc";
    private static final Logger LOG = LoggerFactory.getLogger(DockerDriver.class);
    private static final long PAUSE_SETTLE_NS = 2_000_000_000L;
    private static final long PAUSE_RETRY_NS = 1_000_000L;
    /** Removals at once on an orderly stop: the engine removes containers in parallel well beyond two cores. */
    private static final int REMOVE_PARALLELISM = 16;

    private final DockerClient docker;
    private final String network;
    private final CgroupFreezer freezer;

    public DockerDriver(final String dockerHost, final String network)
    {
        this(dockerHost, network, CgroupFreezer.system());
    }

    /** The engine a pool of {@code config} runs on: its Docker host and network, the system's cgroup freezer. */
    public static DockerDriver forPool(final dev.whisk.pool.ContainerPoolConfig config)
    {
        return new DockerDriver(config.dockerHost(), config.network(), CgroupFreezer.system());
    }

    /** @param freezer where containers' cgroup freezer files are looked for. */
    public DockerDriver(final String dockerHost, final String network, final CgroupFreezer freezer)
    {
        this.freezer = freezer;
        final DefaultDockerClientConfig cfg = DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost(dockerHost)
            .build();
        final ZerodepDockerHttpClient http = new ZerodepDockerHttpClient.Builder()
            .dockerHost(cfg.getDockerHost())
            .maxConnections(32)
            .connectionTimeout(Duration.ofSeconds(5))
            .responseTimeout(Duration.ofSeconds(60))
            .build();
        this.docker = DockerClientImpl.getInstance(cfg, http);
        this.network = network;
    }

    /** Pings the engine; false when no engine answers. */
    public boolean isReachable()
    {
        try
        {
            docker.pingCmd().exec();
            return true;
        }
        catch (final RuntimeException ex)
        {
            LOG.debug("docker ping failed", ex);
            return false;
        }
    }

    public boolean hasImage(final String image)
    {
        try
        {
            docker.inspectImageCmd(image).exec();
            return true;
        }
        catch (final NotFoundException ex)
        {
            return false;
        }
    }

    /** The value of an image's label, or {@code null} when the image or the label is missing. */
    public String imageLabel(final String image, final String label)
    {
        try
        {
            final var config = docker.inspectImageCmd(image).exec().getConfig();
            final Map<String, String> labels = config == null ? null : config.getLabels();
            return labels == null ? null : labels.get(label);
        }
        catch (final NotFoundException ex)
        {
            return null;
        }
    }

    /**
     * Creates the pool's bridge network when it does not exist yet, with traffic between its containers off
     * ({@value #ICC_OPTION}=false): a container reaches the host (the invoker, the API on the gateway address) and
     * nothing else on the network, so no action can call another container's {@code /init} or {@code /run}.
     *
     * @return the network's gateway address, the host as its containers see it; {@code null} when the engine
     *     names none.
     * @throws IllegalStateException when a network of that name exists with inter-container traffic on.
     */
    public String ensureNetwork()
    {
        Network found = findNetwork();
        if (found == null)
        {
            try
            {
                docker.createNetworkCmd().withName(network).withDriver("bridge").withCheckDuplicate(true)
                    .withOptions(Map.of(ICC_OPTION, "false"))
                    .exec();
                LOG.info("event=network-created network={} icc=false", network);
            }
            catch (final com.github.dockerjava.api.exception.ConflictException ex)
            {
                LOG.debug("network {} was created by another pool at the same time", network);
            }
            found = findNetwork();
        }
        if (found == null)
        {
            throw new IllegalStateException("network " + network + " could not be created");
        }
        if (!"false".equals(found.getOptions() == null ? null : found.getOptions().get(ICC_OPTION)))
        {
            throw new IllegalStateException("network " + network + " lets containers reach each other (" +
                ICC_OPTION + " is not false); remove it or name another network");
        }
        final Network.Ipam ipam = found.getIpam();
        if (ipam != null && ipam.getConfig() != null)
        {
            for (final Network.Ipam.Config c : ipam.getConfig())
            {
                if (c.getGateway() != null && !c.getGateway().isEmpty())
                {
                    return c.getGateway();
                }
            }
        }
        return null;
    }

    private Network findNetwork()
    {
        return docker.listNetworksCmd().withNameFilter(network).exec().stream()
            .filter(n -> network.equals(n.getName())).findFirst().orElse(null);
    }

    /**
     * Creates and starts a container with its limits: memory without swap, CPU shares, pids, open files, no
     * capabilities, no new privileges, a read-only root with a size-limited tmpfs at {@code /tmp}. Returns once the
     * engine reports it running (the process inside may still be booting).
     */
    public StartedContainer start(final ContainerSpec spec)
    {
        final HostConfig host = HostConfig.newHostConfig()
            .withMemory(spec.memoryMb() * 1024L * 1024L)
            .withMemorySwap(spec.memoryMb() * 1024L * 1024L)
            .withCapDrop(Capability.ALL)
            .withSecurityOpts(List.of("no-new-privileges"))
            .withPidsLimit(1024L)
            .withUlimits(List.of(new Ulimit("nofile", 1024L, 1024L)))
            .withCpuShares(spec.cpuShares())
            .withReadonlyRootfs(true)
            .withTmpFs(Map.of("/tmp", "rw,nosuid,nodev,size=" + spec.tmpMb() + "m"))
            .withNetworkMode(network)
            .withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE, Map.of("max-size", "50m")));
        final String id = docker.createContainerCmd(spec.image())
            .withName(spec.name())
            .withLabels(spec.actionLabel() == null ?
                Map.of(LABEL_INVOKER, spec.invokerLabel(), LABEL_STARTED_AS, STARTED_AS_STEM_CELL) :
                Map.of(LABEL_INVOKER, spec.invokerLabel(), LABEL_ACTION, spec.actionLabel()))
            .withEnv(spec.env())
            .withHostConfig(host)
            .exec()
            .getId();
        try
        {
            docker.startContainerCmd(id).exec();
            final var inspect = docker.inspectContainerCmd(id).exec();
            final ContainerNetwork net = inspect.getNetworkSettings().getNetworks().get(network);
            if (net == null || net.getIpAddress() == null || net.getIpAddress().isEmpty())
            {
                throw new IllegalStateException("container " + id + " has no address on network " + network);
            }
            return new StartedContainer(id, net.getIpAddress(), inspect.getLogPath(), spec.image());
        }
        catch (final RuntimeException ex)
        {
            remove(id);
            throw ex;
        }
    }

    /** The freezer file of a started container, or {@code null} when only the Docker API can pause it. */
    public java.nio.file.Path freezeFile(final String id)
    {
        return freezer.locate(id);
    }

    /**
     * Removes a container, running, paused or frozen; a container already gone is fine. A container frozen through
     * its cgroup is thawed first: a frozen process does not act on the engine's SIGKILL.
     */
    public void remove(final String id)
    {
        final java.nio.file.Path freezeFile = freezer.locate(id);
        if (freezeFile != null)
        {
            try
            {
                if (CgroupFreezer.isFrozen(freezeFile))
                {
                    CgroupFreezer.thaw(freezeFile);
                }
            }
            catch (final IOException ex)
            {
                LOG.debug("thawing {} before removal failed", id, ex);
            }
        }
        try
        {
            docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
        }
        catch (final NotFoundException ex)
        {
            LOG.debug("container {} was already gone", id);
        }
    }

    public void pause(final String id)
    {
        docker.pauseContainerCmd(id).exec();
    }

    /**
     * Unpauses a container paused through the engine. The engine records a pause a moment after its pause call
     * returns, so an unpause that comes right after one is refused ("is not paused"): then this waits, up to
     * {@code PAUSE_SETTLE_NS}, for the pause to be recorded and tries again.
     */
    public void unpause(final String id)
    {
        final long deadlineNs = System.nanoTime() + PAUSE_SETTLE_NS;
        while (true)
        {
            try
            {
                docker.unpauseContainerCmd(id).exec();
                return;
            }
            catch (final com.github.dockerjava.api.exception.InternalServerErrorException ex)
            {
                if (System.nanoTime() > deadlineNs || !isRunning(id))
                {
                    throw ex;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(PAUSE_RETRY_NS);
            }
        }
    }

    /**
     * True when the engine says the container was killed for running out of memory. The engine learns of the exit
     * a little after the container's connections drop, so this waits up to {@code waitMs} for the container to stop
     * running before it answers.
     */
    public boolean wasOomKilled(final String id, final long waitMs)
    {
        final long deadlineNs = System.nanoTime() + waitMs * 1_000_000L;
        try
        {
            while (true)
            {
                final var state = docker.inspectContainerCmd(id).exec().getState();
                final boolean running = Boolean.TRUE.equals(state.getRunning());
                if (!running || System.nanoTime() > deadlineNs)
                {
                    return Boolean.TRUE.equals(state.getOOMKilled());
                }
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
            }
        }
        catch (final NotFoundException ex)
        {
            return false;
        }
    }

    /** Whether the engine reports the container running. */
    public boolean isRunning(final String id)
    {
        try
        {
            return Boolean.TRUE.equals(docker.inspectContainerCmd(id).exec().getState().getRunning());
        }
        catch (final NotFoundException ex)
        {
            return false;
        }
    }

    /** Whether the engine itself reports the container paused (a Docker-API pause, not a direct freeze). */
    public boolean isPausedByEngine(final String id)
    {
        try
        {
            return Boolean.TRUE.equals(docker.inspectContainerCmd(id).exec().getState().getPaused());
        }
        catch (final NotFoundException ex)
        {
            return false;
        }
    }

    /** Ids of the containers labelled for {@code invokerLabel}, running or not. */
    @Override
    public List<String> containerIds(final String invokerLabel)
    {
        return docker.listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(Map.of(LABEL_INVOKER, invokerLabel))
            .exec().stream().map(Container::getId).toList();
    }

    /** Kills the container's processes at once (tests: a container that dies unexpectedly). */
    public void kill(final String id)
    {
        docker.killContainerCmd(id).exec();
    }

    /**
     * Removes every container labelled for {@code invokerLabel}, {@value #REMOVE_PARALLELISM} at a time, waiting at
     * most {@code timeoutMs}; returns how many were removed. Those still there at the deadline are named in a
     * warning (an orderly stop that cannot finish says what it left).
     */
    public int removeAll(final String invokerLabel, final long timeoutMs)
    {
        final List<Container> leftovers = docker.listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(Map.of(LABEL_INVOKER, invokerLabel))
            .exec();
        if (leftovers.isEmpty())
        {
            return 0;
        }
        final java.util.concurrent.ExecutorService removers = java.util.concurrent.Executors.newFixedThreadPool(
            Math.min(REMOVE_PARALLELISM, leftovers.size()), r ->
            {
                final Thread t = new Thread(r, "docker-remove");
                t.setDaemon(true);
                return t;
            });
        final java.util.concurrent.atomic.AtomicInteger removed = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.Set<String> left = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (final Container c : leftovers)
        {
            left.add(c.getId());
            removers.execute(() ->
            {
                try
                {
                    remove(c.getId());
                    left.remove(c.getId());
                    removed.incrementAndGet();
                }
                catch (final RuntimeException ex)
                {
                    LOG.warn("event=container-remove-failed container={}", c.getId(), ex);
                }
            });
        }
        removers.shutdown();
        try
        {
            if (!removers.awaitTermination(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS))
            {
                removers.shutdownNow();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (!left.isEmpty())
        {
            LOG.warn("event=containers-left invoker={} count={} containers={}", invokerLabel, left.size(), left);
        }
        return removed.get();
    }

    /** Removes every container labelled for {@code invokerLabel}, waiting as long as that takes. */
    public int removeAll(final String invokerLabel)
    {
        return removeAll(invokerLabel, Long.MAX_VALUE / 2_000_000L);
    }

    @Override
    public void close()
    {
        try
        {
            docker.close();
        }
        catch (final IOException ex)
        {
            LOG.warn("closing the docker client failed", ex);
        }
    }
}
