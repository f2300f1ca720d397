package dev.whisk.launcher.node;

import dev.whisk.frontdoor.FrontDoorConfig;
import dev.whisk.pool.ContainerPoolConfig;
import dev.whisk.scheduler.SchedulerConfig;

import java.nio.file.Path;

/**
 * Everything a standalone platform needs, gathered from defaults, environment and flags by the launcher.
 *
 * @param dataDir        journal, stores and credentials live here.
 * @param sealKey        where the key that seals webhook secrets and keys at rest lives, outside the data directory.
 * @param agentMaxParkNs the longest the invoker's duty cycle sleeps when nothing wakes it and none of its timers is
 *                       due: it only bounds how late the completion agent's health checks run on an idle platform.
 */
public record StandaloneConfig(Path dataDir, FrontDoorConfig frontDoor, SchedulerConfig scheduler,
                               ContainerPoolConfig pool, long agentMaxParkNs, SealKey sealKey)
{
    public static final String INVOKER_LABEL = "standalone";


    public static StandaloneConfig defaults(final Path dataDir, final String host, final int port)
    {
        final FrontDoorConfig d = FrontDoorConfig.defaults();
        final ContainerPoolConfig pool = ContainerPoolConfig.defaults(INVOKER_LABEL, "http://" + host + ":" + port);
        final FrontDoorConfig fd = new FrontDoorConfig(host, port, d.ioThreads(), d.maxBodyBytes(),
            d.maxInvokeBodyBytes(), d.maxBlockingWaitMs()).withRuntimeImages(pool.runtimeImages());
        return new StandaloneConfig(dataDir, fd, SchedulerConfig.defaults(dataDir.resolve("journal")), pool,
            1_000_000_000L, SealKey.defaults());
    }

    public StandaloneConfig withFrontDoor(final FrontDoorConfig fd)
    {
        return new StandaloneConfig(dataDir, fd, scheduler, pool, agentMaxParkNs, sealKey);
    }

    public StandaloneConfig withScheduler(final SchedulerConfig s)
    {
        return new StandaloneConfig(dataDir, frontDoor, s, pool, agentMaxParkNs, sealKey);
    }

    public StandaloneConfig withPool(final ContainerPoolConfig p)
    {
        return new StandaloneConfig(dataDir, frontDoor, scheduler, p, agentMaxParkNs, sealKey);
    }

    public StandaloneConfig withSealKey(final SealKey key)
    {
        return new StandaloneConfig(dataDir, frontDoor, scheduler, pool, agentMaxParkNs, key);
    }
}
