package dev.whisk.bench.jmh;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationId;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.core.wire.MessageHeader;
import dev.whisk.scheduler.ChronicleJournal;
import dev.whisk.scheduler.RecordJournal;
import org.agrona.ExpandableArrayBuffer;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Journaling one encoded invoke request (about 150 bytes) to Chronicle Queue, as the journal handler does; and one
 * small activation record (encoded, then appended), as the completion agent does for each run in standalone.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.util=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "-Dchronicle.analytics.disable=true",
    "-Dchronicle.announcer.disable=true", "-Dchronicle.disk.monitor.disable=true"})
public class JournalBenchmark
{
    private Path dir;
    private ChronicleJournal journal;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
    private int length;
    private RecordJournal records;
    private Activation completion;
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(1024);

    @Setup(Level.Trial)
    public void setup() throws IOException
    {
        dir = Files.createTempDirectory("journal-bench");
        journal = new ChronicleJournal(dir);
        final InvokeRequest r = new InvokeRequest();
        r.namespace = "guest";
        r.subject = "guest";
        r.actionPath = "guest/demo/hello";
        r.actionVersion = "0.0.1";
        r.kind = "nodejs:20";
        r.params = "{\"name\":\"Jane\",\"place\":\"Vermont\"}".getBytes(StandardCharsets.UTF_8);
        length = r.encode(buffer, 0);
        records = new RecordJournal(journal);
        final long nowMs = System.currentTimeMillis();
        completion = new Activation(ActivationId.random(), "guest", "guest", "hello", "0.0.1", "guest/demo/hello",
            "nodejs:20", nowMs, nowMs + 2, null, ActivationStatus.SUCCESS,
            "{\"greeting\":\"Hello, Jane from Vermont!\"}".getBytes(StandardCharsets.UTF_8),
            List.of("2026-12-07T02:00:00.000Z stdout: hello"), ActionLimits.DEFAULT, false, 0, -1);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        journal.close();
        try (var files = Files.walk(dir))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public void append()
    {
        journal.append(buffer, 0, length);
    }

    @Benchmark
    public void appendCompletion()
    {
        records.append(MessageHeader.COMPLETION, completion, scratch);
    }
}
