package dev.whisk.launcher;

import dev.whisk.frontdoor.FrontDoorConfig;
import dev.whisk.pool.ContainerPoolConfig;
import dev.whisk.scheduler.SchedulerConfig;

import java.nio.file.Path;

/**
 * Everything a standalone platform needs, gathered from defaults, environment and flags by the launcher.
 *
 * @param dataDir        journal, stores and credentials live here.
 * @param agentMaxParkNs the longest an idle agent parks when nobody wakes it; in-process producers wake it at once,
 *                       so this bounds only how late polled work (timers, remote messages) is noticed.
 */
public record StandaloneConfig(Path dataDir, FrontDoorConfig frontDoor, SchedulerConfig scheduler,
                               ContainerPoolConfig pool, String aeronChannel, long agentMaxParkNs)
{
    public static final String INVOKER_LABEL = "standalone";

    /** IPC terms of 16 MB let one message carry a 1 MB request or result with room to spare. */
    public static final String DEFAULT_CHANNEL = "aeron:ipc?term-length=16m";

    public static StandaloneConfig defaults(final Path dataDir, final String host, final int port)
    {
        final FrontDoorConfig d = FrontDoorConfig.defaults();
        final FrontDoorConfig fd = new FrontDoorConfig(host, port, d.ioThreads(), d.maxBodyBytes(),
            d.maxInvokeBodyBytes(), d.maxBlockingWaitMs());
        return new StandaloneConfig(dataDir, fd, SchedulerConfig.defaults(dataDir.resolve("journal")),
            ContainerPoolConfig.defaults(INVOKER_LABEL, "http://" + host + ":" + port), DEFAULT_CHANNEL, 1_000_000);
    }

    public StandaloneConfig withFrontDoor(final FrontDoorConfig fd)
    {
        return new StandaloneConfig(dataDir, fd, scheduler, pool, aeronChannel, agentMaxParkNs);
    }

    public StandaloneConfig withPool(final ContainerPoolConfig p)
    {
        return new StandaloneConfig(dataDir, frontDoor, scheduler, p, aeronChannel, agentMaxParkNs);
    }
}
