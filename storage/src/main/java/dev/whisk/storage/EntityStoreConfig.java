package dev.whisk.storage;

import dev.whisk.storage.log.LogWriter;
import org.agrona.concurrent.IdleStrategy;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How a {@link FileEntityStore} is set up.
 *
 * @param dir           the data directory; the store keeps {@value FileEntityStore#FILE_NAME} there.
 * @param queueCapacity writes that may wait for the writer thread before {@code put} and {@code delete} fail fast.
 * @param idleStrategy  makes the writer thread's idle strategy (one per store).
 */
public record EntityStoreConfig(Path dir, int queueCapacity, Supplier<IdleStrategy> idleStrategy)
{
    public static final int DEFAULT_QUEUE_CAPACITY = 4096;

    public EntityStoreConfig
    {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(idleStrategy, "idleStrategy");
        if (queueCapacity < 2 || queueCapacity > LogWriter.MAX_QUEUE_CAPACITY)
        {
            throw new IllegalArgumentException(
                "queue capacity " + queueCapacity + " is outside 2.." + LogWriter.MAX_QUEUE_CAPACITY);
        }
    }

    public static EntityStoreConfig defaults(final Path dir)
    {
        return new EntityStoreConfig(dir, DEFAULT_QUEUE_CAPACITY, LogWriter::defaultIdleStrategy);
    }
}
