package dev.whisk.scheduler;

import java.nio.file.Path;

/**
 * Settings of the scheduler.
 *
 * @param journalDir    where the Chronicle Queue journal lives.
 * @param ringSize      slots of the front door's ring, a power of two; a full ring answers 503.
 * @param waitSleepNs   how long an idle ring handler parks between checks after spinning and yielding.
 */
public record SchedulerConfig(Path journalDir, int ringSize, long waitSleepNs)
{
    public SchedulerConfig
    {
        if (Integer.bitCount(ringSize) != 1)
        {
            throw new IllegalArgumentException("ring size " + ringSize + " is not a power of two");
        }
        if (waitSleepNs < 1)
        {
            throw new IllegalArgumentException("wait sleep " + waitSleepNs + " ns must be positive");
        }
    }

    public static SchedulerConfig defaults(final Path journalDir)
    {
        return new SchedulerConfig(journalDir, 16_384, 1_000);
    }
}
