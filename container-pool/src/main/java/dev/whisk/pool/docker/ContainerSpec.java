package dev.whisk.pool.docker;

import java.util.List;

/**
 * What to start: image, unique name, memory limit, environment and the labels that tie it to its invoker.
 *
 * @param actionLabel the action the container is created for; {@code null} for a stem cell, created before it has one.
 * @param cpuShares the container's relative CPU weight ({@code --cpu-shares}); 0 leaves the engine's default.
 * @param tmpMb     size of the writable tmpfs at {@code /tmp}, the only writable place of its read-only root.
 */
public record ContainerSpec(String image, String name, int memoryMb, List<String> env, String invokerLabel,
                            String actionLabel, int cpuShares, int tmpMb)
{
    /** The smallest weight the kernel accepts, and the floor OpenWhisk applies. */
    public static final int MIN_CPU_SHARES = 2;
    /** Docker's default weight: a container that reserves the whole budget gets this much. */
    public static final int FULL_CPU_SHARES = 1024;

    public ContainerSpec
    {
        if (cpuShares < 0 || tmpMb < 1)
        {
            throw new IllegalArgumentException("cpu shares " + cpuShares + " or /tmp " + tmpMb + " MB out of range");
        }
    }

    /** A spec with the engine's default CPU weight and a /tmp of half its memory. */
    public ContainerSpec(final String image, final String name, final int memoryMb, final List<String> env,
        final String invokerLabel, final String actionLabel)
    {
        this(image, name, memoryMb, env, invokerLabel, actionLabel, 0, tmpMbFor(memoryMb));
    }

    /**
     * CPU shares in proportion to memory, as OpenWhisk's {@code ContainerPoolConfig.cpuShare} does: a container
     * reserving 1/n of the invoker's memory budget gets 1024/n shares (n by whole division), at least 2.
     * With a 4096 MB budget a 256 MB action gets 64 and a 512 MB one 128, so under contention the CPU divides as
     * the memory does.
     */
    public static int cpuSharesFor(final int memoryMb, final int budgetMb)
    {
        final long parts = Math.max(1, budgetMb / Math.max(1, memoryMb));
        return (int)Math.max(MIN_CPU_SHARES, FULL_CPU_SHARES / parts);
    }

    /**
     * The /tmp quota: half the container's memory, at least 16 MB. A tmpfs is charged to the memory cgroup, so
     * this leaves the rest to the action's heap; a disk-filling action hits ENOSPC before the host's disk sees a
     * byte.
     */
    public static int tmpMbFor(final int memoryMb)
    {
        return Math.max(16, memoryMb / 2);
    }
}
