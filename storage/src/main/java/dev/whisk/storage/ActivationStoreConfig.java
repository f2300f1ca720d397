package dev.whisk.storage;

import dev.whisk.storage.log.LogWriter;
import org.agrona.concurrent.IdleStrategy;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How a {@link FileActivationStore} is set up.
 *
 * @param dir              the data directory; the store keeps its segments in {@code activations/} there.
 * @param commitIntervalMs the longest a written record waits to be forced to disk; 0 forces after every batch.
 * @param queueCapacity    records that may wait for the writer before {@code append} returns false.
 * @param idleStrategy     makes the writer thread's idle strategy (one per store).
 */
public record ActivationStoreConfig(Path dir, int commitIntervalMs, int queueCapacity,
                                    Supplier<IdleStrategy> idleStrategy)
{
    public static final int DEFAULT_COMMIT_INTERVAL_MS = 10;
    public static final int MAX_COMMIT_INTERVAL_MS = 60_000;
    public static final int DEFAULT_QUEUE_CAPACITY = 64 * 1024;

    public ActivationStoreConfig
    {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(idleStrategy, "idleStrategy");
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
    }

    public static ActivationStoreConfig defaults(final Path dir)
    {
        return new ActivationStoreConfig(dir, DEFAULT_COMMIT_INTERVAL_MS, DEFAULT_QUEUE_CAPACITY,
            LogWriter::defaultIdleStrategy);
    }
}
