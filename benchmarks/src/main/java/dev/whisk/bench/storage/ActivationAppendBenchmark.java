package dev.whisk.bench.storage;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationCodec;
import dev.whisk.scheduler.ChronicleJournal;
import dev.whisk.storage.ActivationStoreConfig;
import dev.whisk.storage.FileActivationStore;
import dev.whisk.storage.log.LogWriter;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.SystemEpochClock;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Handing ~1 KB activation records to the activation store with durability on (group commit every 10 ms), from as
 * many threads as JMH's {@code -t} says, beside the baseline: Chronicle Queue appending the same encoded bytes (the
 * scheduler's journal, memory-mapped, never forced). A full store queue is retried, so throughput is what the
 * writer sustains, and the sampled time is what a caller pays per record.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
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
public class ActivationAppendBenchmark
{
    private static final int RECORDS_PER_THREAD = 1024;
    private static final long SEGMENT_BYTES = 64L * 1024 * 1024;
    private static final long MAX_TOTAL_BYTES = 1024L * 1024 * 1024;

    private Path dir;
    private FileActivationStore store;
    private ChronicleJournal journal;

    @Setup(Level.Trial)
    public void open() throws IOException
    {
        dir = Files.createTempDirectory("bench-activations");
        store = new FileActivationStore(new ActivationStoreConfig(dir, ActivationStoreConfig.DEFAULT_COMMIT_INTERVAL_MS,
            ActivationStoreConfig.DEFAULT_QUEUE_CAPACITY, LogWriter::defaultIdleStrategy)
            .withSegments(SEGMENT_BYTES, ActivationStoreConfig.DEFAULT_RETENTION_MS, MAX_TOTAL_BYTES,
                SystemEpochClock.INSTANCE));
        journal = new ChronicleJournal(dir.resolve("journal"));
    }

    @TearDown(Level.Trial)
    public void close() throws IOException
    {
        store.close();
        journal.close();
        try (Stream<Path> files = Files.walk(dir))
        {
            for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Each thread's records, made once: distinct ids in ten namespaces, and their encoded bytes. */
    @State(Scope.Thread)
    public static class Writer
    {
        private static final AtomicInteger THREADS = new AtomicInteger();
        final Activation[] records = new Activation[RECORDS_PER_THREAD];
        final ExpandableArrayBuffer[] encoded = new ExpandableArrayBuffer[RECORDS_PER_THREAD];
        final int[] lengths = new int[RECORDS_PER_THREAD];
        int next;

        @Setup(Level.Trial)
        public void make()
        {
            final int thread = THREADS.getAndIncrement();
            for (int i = 0; i < RECORDS_PER_THREAD; i++)
            {
                records[i] = Records.oneKb("ns" + (i % 10), System.currentTimeMillis() + thread);
                encoded[i] = new ExpandableArrayBuffer(2048);
                lengths[i] = ActivationCodec.encode(records[i], encoded[i], 0);
            }
        }
    }

    @Benchmark
    public int storeAppend(final Writer writer)
    {
        final int i = writer.next++ & (RECORDS_PER_THREAD - 1);
        int attempts = 1;
        while (!store.append(writer.records[i]))
        {
            attempts++;
            Thread.onSpinWait();
        }
        return attempts;
    }

    @Benchmark
    public int chronicleAppendSameBytes(final Writer writer)
    {
        final int i = writer.next++ & (RECORDS_PER_THREAD - 1);
        journal.append(writer.encoded[i], 0, writer.lengths[i]);
        return i;
    }
}
