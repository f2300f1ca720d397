package dev.whisk.storage;

import dev.whisk.storage.log.LogWriter;
import org.agrona.concurrent.IdleStrategy;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How a {@link FileSubjectStore} is set up.
 *
 * @param dir            the data directory; the store keeps {@value FileSubjectStore#FILE_NAME} there.
 * @param hashIterations PBKDF2 iterations for keys created from now on (each record keeps its own count).
 * @param queueCapacity  creates that may wait for the writer thread.
 * @param idleStrategy   makes the writer thread's idle strategy (one per store).
 */
public record SubjectStoreConfig(Path dir, int hashIterations, int queueCapacity, Supplier<IdleStrategy> idleStrategy)
{
    /** About a few milliseconds per cold check: a key is slow-hashed once per process, then cached as a digest. */
    public static final int DEFAULT_HASH_ITERATIONS = 10_000;
    public static final int DEFAULT_QUEUE_CAPACITY = 1024;
    public static final int MAX_HASH_ITERATIONS = 10_000_000;

    public SubjectStoreConfig
    {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(idleStrategy, "idleStrategy");
        if (hashIterations < 1 || hashIterations > MAX_HASH_ITERATIONS)
        {
            throw new IllegalArgumentException(
                "hash iterations " + hashIterations + " are outside 1.." + MAX_HASH_ITERATIONS);
        }
        if (queueCapacity < 2 || queueCapacity > LogWriter.MAX_QUEUE_CAPACITY)
        {
            throw new IllegalArgumentException(
                "queue capacity " + queueCapacity + " is outside 2.." + LogWriter.MAX_QUEUE_CAPACITY);
        }
    }

    public static SubjectStoreConfig defaults(final Path dir)
    {
        return new SubjectStoreConfig(dir, DEFAULT_HASH_ITERATIONS, DEFAULT_QUEUE_CAPACITY,
            LogWriter::defaultIdleStrategy);
    }
}
