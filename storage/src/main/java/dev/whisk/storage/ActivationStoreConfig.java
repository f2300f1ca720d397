package dev.whisk.storage;

import dev.whisk.storage.log.LogWriter;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemEpochClock;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * How a {@link FileActivationStore} is set up.
 * <p>
 * Durability policy (group commit): appends from any number of threads are queued to the one writer thread, which
 * writes each drained batch to the active segment in one write; a sync thread forces ({@code fdatasync}) what was
 * written at most every {@code commitIntervalMs} (0: as soon as something new is written), back to back when a force
 * takes longer than the interval, so a record waits for at most one interval plus one force. A record is
 * readable by {@code get} and {@code list} as soon as its batch is written, possibly before it is forced; it is
 * durable, and an {@code onDurable} listener given to
 * {@link ActivationStore#append(dev.whisk.core.activation.Activation, java.util.function.Consumer)} is called, only
 * once a force covering it has returned. A kill -9 loses at most the
 * records of the last commit interval, none of which was reported durable. {@code append} never blocks and never
 * waits for the disk.
 *
 * @param dir              the data directory; the store keeps its segments in {@code activations/} there.
 * @param commitIntervalMs the longest a written record waits to be forced to disk; 0 forces after every batch.
 * @param queueCapacity    records that may wait for the writer before {@code append} returns false.
 * @param idleStrategy     makes the writer thread's idle strategy (one per store).
 * @param segmentBytes     a segment rolls to the next one when a record would take it past this size.
 * @param retentionMs      a closed segment whose newest record started longer ago than this is deleted whole.
 * @param maxTotalBytes    while all segments together are larger, the oldest closed segment is deleted whole.
 * @param clock            wall clock for retention by age.
 */
public record ActivationStoreConfig(Path dir, int commitIntervalMs, int queueCapacity,
                                    Supplier<IdleStrategy> idleStrategy, long segmentBytes, long retentionMs,
                                    long maxTotalBytes, EpochClock clock)
{
    public static final int DEFAULT_COMMIT_INTERVAL_MS = 10;
    public static final int MAX_COMMIT_INTERVAL_MS = 60_000;
    public static final int DEFAULT_QUEUE_CAPACITY = 64 * 1024;
    public static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;
    public static final long MIN_SEGMENT_BYTES = 4096;
    /** Segment offsets take 40 bits of a position. */
    public static final long MAX_SEGMENT_BYTES = 1L << 40;
    public static final long DEFAULT_RETENTION_MS = TimeUnit.DAYS.toMillis(7);
    public static final long DEFAULT_MAX_TOTAL_BYTES = 16L * 1024 * 1024 * 1024;

    public ActivationStoreConfig
    {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(idleStrategy, "idleStrategy");
        Objects.requireNonNull(clock, "clock");
        if (commitIntervalMs < 0 || commitIntervalMs > MAX_COMMIT_INTERVAL_MS)
        {
            throw new IllegalArgumentException(
                "commit interval " + commitIntervalMs + " ms is outside 0.." + MAX_COMMIT_INTERVAL_MS);
        }
        if (queueCapacity < 2 || queueCapacity > LogWriter.MAX_QUEUE_CAPACITY)
        {
            throw new IllegalArgumentException(
                "queue capacity " + queueCapacity + " is outside 2.." + LogWriter.MAX_QUEUE_CAPACITY);
        }
        if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > MAX_SEGMENT_BYTES)
        {
            throw new IllegalArgumentException(
                "segment size " + segmentBytes + " bytes is outside " + MIN_SEGMENT_BYTES + ".." + MAX_SEGMENT_BYTES);
        }
        if (retentionMs < 1)
        {
            throw new IllegalArgumentException("retention " + retentionMs + " ms must be positive");
        }
        if (maxTotalBytes < segmentBytes)
        {
            throw new IllegalArgumentException(
                "max total size " + maxTotalBytes + " bytes is below the segment size " + segmentBytes);
        }
    }

    /** The defaults with a given commit interval, queue capacity and idle strategy. */
    public ActivationStoreConfig(final Path dir, final int commitIntervalMs, final int queueCapacity,
        final Supplier<IdleStrategy> idleStrategy)
    {
        this(dir, commitIntervalMs, queueCapacity, idleStrategy, DEFAULT_SEGMENT_BYTES, DEFAULT_RETENTION_MS,
            DEFAULT_MAX_TOTAL_BYTES, SystemEpochClock.INSTANCE);
    }

    public static ActivationStoreConfig defaults(final Path dir)
    {
        return new ActivationStoreConfig(dir, DEFAULT_COMMIT_INTERVAL_MS, DEFAULT_QUEUE_CAPACITY,
            LogWriter::defaultIdleStrategy);
    }

    public ActivationStoreConfig withSegments(final long newSegmentBytes, final long newRetentionMs,
        final long newMaxTotalBytes, final EpochClock newClock)
    {
        return new ActivationStoreConfig(dir, commitIntervalMs, queueCapacity, idleStrategy, newSegmentBytes,
            newRetentionMs, newMaxTotalBytes, newClock);
    }
}
