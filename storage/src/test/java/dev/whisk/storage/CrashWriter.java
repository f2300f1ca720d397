package dev.whisk.storage;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationId;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.entity.SemVer;
import dev.whisk.storage.log.LogWriter;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The child process of {@link ActivationStoreCrashTest}: appends deterministic records from two threads as fast as
 * the store takes them, and prints {@code <counter>;} on stdout for each record the store reports durable, until it
 * is killed.
 */
final class CrashWriter
{
    static final long ID_HI = 0x5eed_0000_0000_0001L;
    static final int PRODUCERS = 2;
    static final long SEGMENT_BYTES = 256 * 1024;
    private static final String PADDING = "x".repeat(600);

    private CrashWriter()
    {
    }

    /** The record for {@code counter}: every field derives from it, so the parent can rebuild it. */
    static Activation record(final long counter)
    {
        final String namespace = "ns" + (counter % 10);
        final byte[] result = ("{\"n\":" + counter + ",\"pad\":\"" + PADDING + "\"}").getBytes(StandardCharsets.UTF_8);
        return new Activation(ActivationId.toString(ID_HI, counter), namespace, "subject", "act", SemVer.INITIAL,
            namespace + "/act", "nodejs:20", 1_000_000 + counter, 1_000_000 + counter + 5, null,
            ActivationStatus.SUCCESS, result, List.of("stdout: line " + counter, IntNode.valueOf((int)counter)
            .toString()), ActionLimits.DEFAULT, false, 1, -1);
    }

    static ActivationStoreConfig config(final Path dir)
    {
        return new ActivationStoreConfig(dir, 2, 8192, LogWriter::defaultIdleStrategy)
            .withSegments(SEGMENT_BYTES, ActivationStoreConfig.DEFAULT_RETENTION_MS, Long.MAX_VALUE,
                () -> 1_000_000L);
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final Path dir = Path.of(args[0]);
        final long base = Long.parseLong(args[1]);
        final PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out),
            1 << 16), false, StandardCharsets.US_ASCII);
        final FileActivationStore store = new FileActivationStore(config(dir));
        final Consumer<Activation> onDurable = a ->
        {
            out.print(ActivationId.parseLo(a.activationId()));
            out.print(";\n");
            out.flush();
        };
        final Thread[] producers = new Thread[PRODUCERS];
        for (int t = 0; t < PRODUCERS; t++)
        {
            final int producer = t;
            producers[t] = new Thread(() ->
            {
                for (long i = 0; ; i++)
                {
                    final Activation a = record(base + producer + PRODUCERS * i);
                    while (!store.append(a, onDurable))
                    {
                        Thread.yield();
                    }
                }
            }, "producer-" + t);
            producers[t].start();
        }
        producers[0].join();
    }
}
