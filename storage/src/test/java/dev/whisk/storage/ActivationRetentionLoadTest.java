package dev.whisk.storage;

import dev.whisk.core.activation.Activation;
import dev.whisk.storage.log.LogWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static dev.whisk.storage.Fixtures.activation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The activation store's configured retention holds under load: four threads append 40,000 records as fast as the
 * store takes them, into 64 KB segments with a 1 MB cap on the total and a one-day age limit on a clock that runs a
 * second per record. Sampled throughout, the segments on disk never exceed the cap by more than the active segment,
 * the one just closed and one writer batch; at the end the newest records are all there and the oldest are gone.
 * Two days later by the clock, the age limit leaves only the active segment, also after reopen.
 */
@Timeout(120)
class ActivationRetentionLoadTest
{
    private static final long SEGMENT_BYTES = 64 * 1024;
    private static final long MAX_TOTAL = 1024 * 1024;
    private static final long DAY_MS = TimeUnit.DAYS.toMillis(1);
    /** The fixture's records take about 200 bytes each on disk. */
    private static final long MAX_RECORD_BYTES = 512;
    private static final int THREADS = 4;
    private static final int PER_THREAD = 10_000;

    @TempDir
    Path dir;

    private final AtomicLong nowMs = new AtomicLong(100 * DAY_MS);

    @Test
    void sizeAndAgeLimitsHoldWhileRecordsPourIn() throws Exception
    {
        final FileActivationStore store = open();
        final List<List<Activation>> written = new ArrayList<>();
        final AtomicBoolean writing = new AtomicBoolean(true);
        final AtomicLong largestOnDisk = new AtomicLong();
        final Thread sampler = new Thread(() ->
        {
            while (writing.get())
            {
                largestOnDisk.accumulateAndGet(onDisk(), Math::max);
                try
                {
                    Thread.sleep(1);
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
            }
        });
        sampler.start();
        final List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++)
        {
            final List<Activation> mine = new ArrayList<>(PER_THREAD);
            written.add(mine);
            writers.add(new Thread(() ->
            {
                for (int i = 0; i < PER_THREAD; i++)
                {
                    final Activation a = activation("guest", "guest/hello", nowMs.addAndGet(1_000));
                    while (!store.append(a))
                    {
                        Thread.onSpinWait();
                    }
                    mine.add(a);
                }
            }));
        }
        writers.forEach(Thread::start);
        for (final Thread w : writers)
        {
            w.join();
        }
        // The writer takes records in order: once the last of these, appended after all others, is in, so are they.
        final List<Activation> newest = new ArrayList<>();
        for (int i = 0; i < 50; i++)
        {
            final Activation a = activation("guest", "guest/hello", nowMs.addAndGet(1_000));
            while (!store.append(a))
            {
                Thread.onSpinWait();
            }
            newest.add(a);
        }
        final Activation last = newest.get(newest.size() - 1);
        await().atMost(java.time.Duration.ofSeconds(60)).until(() -> store.get("guest", last.activationId()) != null);
        writing.set(false);
        sampler.join();
        largestOnDisk.accumulateAndGet(onDisk(), Math::max);

        System.out.printf("activation retention under load: %d records, largest total on disk %d KB (cap %d KB, "
            + "segments %d KB)%n", THREADS * PER_THREAD, largestOnDisk.get() / 1024, MAX_TOTAL / 1024,
            SEGMENT_BYTES / 1024);
        // Retention runs after each batch the writer takes: a batch may roll more than one segment before it does.
        assertThat(largestOnDisk.get()).as("the size cap holds, give or take the active segment and one batch")
            .isLessThanOrEqualTo(MAX_TOTAL + 2 * SEGMENT_BYTES + LogWriter.BATCH_LIMIT * MAX_RECORD_BYTES);
        assertThat(store.get("guest", written.get(0).get(0).activationId())).as("the oldest are gone").isNull();
        for (final Activation a : newest)
        {
            assertThat(store.get("guest", a.activationId())).as("a newest record").isNotNull();
        }
        final int kept = store.count(ActivationQuery.newest("guest", 1));
        assertThat(kept).isLessThan(THREADS * PER_THREAD).isPositive();
        // Two days of the clock later, every closed segment is older than the retention: only the active one stays.
        nowMs.addAndGet(2 * DAY_MS);
        final Activation late = activation("guest", "guest/hello", nowMs.get());
        store.append(late);
        await().until(() -> onDisk() <= SEGMENT_BYTES);
        store.close();
        try (FileActivationStore reopened = open())
        {
            assertThat(reopened.get("guest", late.activationId())).isNotNull();
            assertThat(reopened.count(ActivationQuery.newest("guest", 1))).as("gone by age, after reopen too")
                .isLessThan(kept);
            assertThat(onDisk()).isLessThanOrEqualTo(SEGMENT_BYTES);
        }
    }

    private FileActivationStore open()
    {
        return new FileActivationStore(new ActivationStoreConfig(dir, 2, 4096, LogWriter::defaultIdleStrategy)
            .withSegments(SEGMENT_BYTES, DAY_MS, MAX_TOTAL, nowMs::get));
    }

    private long onDisk()
    {
        try (Stream<Path> files = Files.list(dir.resolve(FileActivationStore.DIRECTORY_NAME)))
        {
            return files.mapToLong(f -> f.toFile().length()).sum();
        }
        catch (final IOException ex)
        {
            return 0;
        }
    }
}
