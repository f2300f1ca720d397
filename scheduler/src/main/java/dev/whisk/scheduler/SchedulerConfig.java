package dev.whisk.scheduler;

import java.nio.file.Path;

/**
 * Settings of the scheduler.
 *
 * @param journalDir    where the Chronicle Queue journal lives.
 * @param ringSize      slots of the front door's ring, a power of two; a full ring answers 503.
 * @param stageThreads  1: journal and dispatch run one after the other on one thread (one wake-up per request,
 *                      the right choice for a small machine); 2: each stage has its own thread.
 */
public record SchedulerConfig(Path journalDir, int ringSize, int stageThreads)
{
    public SchedulerConfig
    {
        if (Integer.bitCount(ringSize) != 1)
        {
            throw new IllegalArgumentException("ring size " + ringSize + " is not a power of two");
        }
        if (stageThreads != 1 && stageThreads != 2)
        {
            throw new IllegalArgumentException("stage threads " + stageThreads + " must be 1 or 2");
        }
    }

    public static SchedulerConfig defaults(final Path journalDir)
    {
        return new SchedulerConfig(journalDir, 16_384, Runtime.getRuntime().availableProcessors() <= 4 ? 1 : 2);
    }
}
