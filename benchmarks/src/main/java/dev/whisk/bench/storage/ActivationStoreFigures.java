package dev.whisk.bench.storage;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationCodec;
import dev.whisk.core.activation.ActivationJson;
import dev.whisk.storage.FileActivationStore;
import org.agrona.ExpandableArrayBuffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Prints the activation store's footprint and restart time: bytes per record encoded against the same record as
 * REST JSON, then writes 1,000,000 ~1 KB records in 1,000 namespaces to a temporary directory and times three
 * reopens (rebuilding both indexes from the segments). Run with the platform's JVM flags:
 * {@code java <flags> -cp benchmarks/target/benchmarks.jar dev.whisk.bench.storage.ActivationStoreFigures}.
 */
public final class ActivationStoreFigures
{
    private ActivationStoreFigures()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final Activation sample = Records.oneKb("ns1", System.currentTimeMillis());
        final int encoded = ActivationCodec.encode(sample, new ExpandableArrayBuffer(2048), 0);
        final int json = ActivationJson.full(sample).length;
        System.out.printf("bytes-per-record encoded=%d framed=%d json=%d ratio=%.2f%n", encoded, encoded + 8, json,
            (double)(encoded + 8) / json);

        final Path dir = Files.createTempDirectory("activation-figures");
        try
        {
            final long writeStartNs = System.nanoTime();
            try (FileActivationStore store = ActivationQueryBenchmark.newStore(dir))
            {
                ActivationQueryBenchmark.write(store, new String[1], new String[1]);
            }
            final long writeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - writeStartNs);
            long bytes;
            try (Stream<Path> files = Files.list(dir.resolve(FileActivationStore.DIRECTORY_NAME)))
            {
                bytes = files.mapToLong(file -> file.toFile().length()).sum();
            }
            System.out.printf("wrote records=%d bytes=%d ms=%d (%.0f records/s, one producer, closed = forced)%n",
                ActivationQueryBenchmark.RECORDS, bytes, writeMs, ActivationQueryBenchmark.RECORDS * 1000.0 / writeMs);
            for (int round = 0; round < 3; round++)
            {
                final long startNs = System.nanoTime();
                try (FileActivationStore store = ActivationQueryBenchmark.newStore(dir))
                {
                    System.out.printf("startup round=%d records=%d ms=%d%n", round, store.recoveredRecords(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
                }
            }
        }
        finally
        {
            ActivationQueryBenchmark.delete(dir);
        }
    }
}
