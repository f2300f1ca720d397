package dev.whisk.pool;

import dev.whisk.pool.docker.ContainerSpec;
import dev.whisk.pool.docker.StartedContainer;

import java.nio.file.Path;
import java.util.List;

/**
 * What the pool asks of a container engine. {@link dev.whisk.pool.docker.DockerDriver} is the engine in production;
 * a test may give the pool an engine of its own, so that the pool's decisions (what to start, when to pause, what to
 * remove) are tested without Docker. Every method but {@link #freezeFile} blocks on the engine: the pool calls them
 * from its lanes, never from its owner thread once started.
 */
public interface ContainerEngine extends AutoCloseable
{
    /** Whether the engine answers at all. */
    boolean isReachable();

    /** Makes sure the pool's network exists (and isolates its containers); returns its gateway address. */
    String ensureNetwork();

    boolean hasImage(String image);

    /** A label of the image, or {@code null} when it has none or the image is missing. */
    String imageLabel(String image, String label);

    /** Creates and starts a container; returns once it runs (its runtime may not listen yet). */
    StartedContainer start(ContainerSpec spec);

    /** The container's cgroup freezer file, or {@code null} when the pool must pause through the engine. */
    Path freezeFile(String id);

    void pause(String id);

    void unpause(String id);

    /** Removes the container, running or not. */
    void remove(String id);

    /** Whether the container was killed for exceeding its memory, waiting up to {@code waitMs} for the engine to say. */
    boolean wasOomKilled(String id, long waitMs);

    /** Removes every container of {@code invokerLabel}, in parallel, giving up after {@code timeoutMs}. */
    int removeAll(String invokerLabel, long timeoutMs);

    /** Removes every container of {@code invokerLabel}, waiting as long as that takes. */
    int removeAll(String invokerLabel);

    /** Ids of the containers labelled for {@code invokerLabel}, running or not. */
    List<String> containerIds(String invokerLabel);

    @Override
    void close();
}
