package dev.whisk.bench.storage;

import dev.whisk.core.activation.Activation;
import dev.whisk.storage.ActivationQuery;
import dev.whisk.storage.ActivationStoreConfig;
import dev.whisk.storage.FileActivationStore;
import dev.whisk.storage.log.LogWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Reads from a store of 1,000,000 ~1 KB records in 1,000 namespaces, reopened after writing so that the indexes are
 * the ones rebuilt from the segments (the rebuild time is printed as {@code startup-ms}): get by id, the newest 50 of
 * one namespace, and a namespace's count.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 2, jvmArgsAppend = {
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.util=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true",
    "-Dchronicle.announcer.disable=true",
    "-Dchronicle.disk.monitor.disable=true"})
public class ActivationQueryBenchmark
{
    static final int RECORDS = 1_000_000;
    static final int NAMESPACES = 1_000;
    private static final int SAMPLE_IDS = 65_536;

    private Path dir;
    private FileActivationStore store;
    private final String[] ids = new String[SAMPLE_IDS];
    private final String[] idNamespaces = new String[SAMPLE_IDS];

    @Setup(Level.Trial)
    public void fill() throws IOException
    {
        dir = Files.createTempDirectory("bench-activation-queries");
        try (FileActivationStore writing = newStore(dir))
        {
            write(writing, ids, idNamespaces);
        }
        final long startNs = System.nanoTime();
        store = newStore(dir);
        System.out.println("startup-ms=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs) +
            " records=" + store.recoveredRecords());
    }

    static FileActivationStore newStore(final Path dir)
    {
        return new FileActivationStore(new ActivationStoreConfig(dir, ActivationStoreConfig.DEFAULT_COMMIT_INTERVAL_MS,
            ActivationStoreConfig.DEFAULT_QUEUE_CAPACITY, LogWriter::defaultIdleStrategy));
    }

    /** Writes {@link #RECORDS} records round-robin over the namespaces; samples some ids. */
    static void write(final FileActivationStore store, final String[] sampleIds, final String[] sampleNamespaces)
    {
        final long baseMs = System.currentTimeMillis();
        final int every = RECORDS / sampleIds.length;
        Activation last = null;
        for (int i = 0; i < RECORDS; i++)
        {
            last = Records.oneKb("ns" + (i % NAMESPACES), baseMs + i);
            while (!store.append(last))
            {
                Thread.onSpinWait();
            }
            if (i % every == 0 && i / every < sampleIds.length)
            {
                sampleIds[i / every] = last.activationId();
                sampleNamespaces[i / every] = last.namespace();
            }
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException
    {
        store.close();
        delete(dir);
    }

    static void delete(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.walk(dir))
        {
            for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(file);
            }
        }
    }

    @Benchmark
    public Activation getById()
    {
        final int i = ThreadLocalRandom.current().nextInt(SAMPLE_IDS);
        return store.get(idNamespaces[i], ids[i]);
    }

    @Benchmark
    public List<Activation> listNewest50()
    {
        return store.list(ActivationQuery.newest("ns" + ThreadLocalRandom.current().nextInt(NAMESPACES), 50));
    }

    @Benchmark
    public int countNamespace()
    {
        return store.count(ActivationQuery.newest("ns" + ThreadLocalRandom.current().nextInt(NAMESPACES), 1));
    }
}
