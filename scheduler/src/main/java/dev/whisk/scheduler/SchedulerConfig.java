package dev.whisk.scheduler;

import java.nio.file.Path;

/**
 * Settings of the scheduler.
 *
 * @param journalDir    where the Chronicle Queue journal lives.
 * @param ringSize      slots of the front door's ring, a power of two; a full ring answers 503.
 * @param stageThreads  1: journal and dispatch run one after the other on one thread (one wake-up per request,
 *                      the right choice for a small machine); 2: each stage has its own thread.
 * @param rollCycle     the journal's roll cycle by name ({@code FIVE_MINUTELY}, {@code FAST_HOURLY}, ...; tests may
 *                      use Chronicle's {@code TEST_SECONDLY}): the unit retention deletes.
 * @param minFreeBytes  below this much free space under a store, new invokes and fires are refused with 503; 0 for
 *                      the default, {@link DiskGuard#defaultMinFreeBytes} of the largest request.
 * @param diskCheckMs   how often free space is looked at.
 * @param trimMs        how often the journal's finished cycles are looked for and deleted; 0 keeps them all.
 */
public record SchedulerConfig(Path journalDir, int ringSize, int stageThreads, String rollCycle, long minFreeBytes,
                              long diskCheckMs, long trimMs)
{
    public static final String DEFAULT_ROLL_CYCLE = "FIVE_MINUTELY";
    public static final long DEFAULT_DISK_CHECK_MS = 100;
    public static final long DEFAULT_TRIM_MS = 10_000;

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
        ChronicleJournal.rollCycle(rollCycle);
        if (minFreeBytes < 0 || diskCheckMs < 1 || trimMs < 0)
        {
            throw new IllegalArgumentException("min free bytes, disk check and trim periods must not be negative");
        }
    }

    public SchedulerConfig(final Path journalDir, final int ringSize, final int stageThreads)
    {
        this(journalDir, ringSize, stageThreads, DEFAULT_ROLL_CYCLE, 0, DEFAULT_DISK_CHECK_MS, DEFAULT_TRIM_MS);
    }

    public static SchedulerConfig defaults(final Path journalDir)
    {
        return new SchedulerConfig(journalDir, 16_384, Runtime.getRuntime().availableProcessors() <= 4 ? 1 : 2);
    }

    /** These settings with the journal's roll cycle, free-space threshold (0: default) and trim period. */
    public SchedulerConfig withJournal(final String newRollCycle, final long newMinFreeBytes, final long newTrimMs)
    {
        return new SchedulerConfig(journalDir, ringSize, stageThreads, newRollCycle, newMinFreeBytes, diskCheckMs,
            newTrimMs);
    }
}
