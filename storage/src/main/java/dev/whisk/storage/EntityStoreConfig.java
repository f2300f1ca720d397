package dev.whisk.storage;

import dev.whisk.storage.log.LogWriter;
import org.agrona.concurrent.IdleStrategy;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How a {@link FileEntityStore} is set up.
 *
 * @param dir               the data directory; the store keeps {@value FileEntityStore#FILE_NAME} there.
 * @param queueCapacity     writes that may wait for the writer thread before {@code put} and {@code delete} fail fast.
 * @param idleStrategy      makes the writer thread's idle strategy (one per store).
 * @param compactMinBytes   the log is never compacted while smaller than this.
 * @param compactStalePercent the log is compacted in the background once at least this percentage of it is stale
 *                          (older revisions, deleted entities and tombstones).
 */
public record EntityStoreConfig(Path dir, int queueCapacity, Supplier<IdleStrategy> idleStrategy,
                                long compactMinBytes, int compactStalePercent)
{
    public static final int DEFAULT_QUEUE_CAPACITY = 4096;
    public static final long DEFAULT_COMPACT_MIN_BYTES = 4L * 1024 * 1024;
    public static final int DEFAULT_COMPACT_STALE_PERCENT = 50;

    public EntityStoreConfig
    {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(idleStrategy, "idleStrategy");
        if (queueCapacity < 2 || queueCapacity > LogWriter.MAX_QUEUE_CAPACITY)
        {
            throw new IllegalArgumentException(
                "queue capacity " + queueCapacity + " is outside 2.." + LogWriter.MAX_QUEUE_CAPACITY);
        }
        if (compactMinBytes < 0)
        {
            throw new IllegalArgumentException("compact min size " + compactMinBytes + " bytes must not be negative");
        }
        if (compactStalePercent < 1 || compactStalePercent > 100)
        {
            throw new IllegalArgumentException(
                "compact stale percentage " + compactStalePercent + " is outside 1..100");
        }
    }

    public EntityStoreConfig(final Path dir, final int queueCapacity, final Supplier<IdleStrategy> idleStrategy)
    {
        this(dir, queueCapacity, idleStrategy, DEFAULT_COMPACT_MIN_BYTES, DEFAULT_COMPACT_STALE_PERCENT);
    }

    public static EntityStoreConfig defaults(final Path dir)
    {
        return new EntityStoreConfig(dir, DEFAULT_QUEUE_CAPACITY, LogWriter::defaultIdleStrategy);
    }
}
