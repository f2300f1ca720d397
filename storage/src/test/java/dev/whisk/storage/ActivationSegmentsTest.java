package dev.whisk.storage;

import dev.whisk.core.activation.Activation;
import dev.whisk.storage.log.LogWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static dev.whisk.storage.Fixtures.activation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class ActivationSegmentsTest
{
    private static final long SEGMENT_BYTES = 8192;
    private static final long DAY_MS = TimeUnit.DAYS.toMillis(1);

    @TempDir
    Path dir;

    private final AtomicLong nowMs = new AtomicLong(100 * DAY_MS);
    private FileActivationStore store;

    @AfterEach
    void close()
    {
        if (store != null)
        {
            store.close();
        }
    }

    @Test
    void rollsIntoNewSegmentsAndFindsEveryRecordAcrossThemAfterReopen()
    {
        store = newStore(7 * DAY_MS, Long.MAX_VALUE);
        final List<Activation> all = appendMany(400, nowMs.get());

        store.close();
        store = newStore(7 * DAY_MS, Long.MAX_VALUE);

        assertThat(segmentFiles()).hasSizeGreaterThan(5);
        assertThat(store.recoveredRecords()).isEqualTo(400);
        for (final Activation a : all)
        {
            assertThat(store.get("guest", a.activationId())).usingRecursiveComparison().isEqualTo(a);
        }
        assertThat(store.count(ActivationQuery.newest("guest", 1))).isEqualTo(400);
        assertThat(store.list(ActivationQuery.newest("guest", 1)).get(0).activationId())
            .isEqualTo(all.get(399).activationId());
    }

    @Test
    void dropsWholeSegmentsWhoseRecordsAreOlderThanTheRetention()
    {
        store = newStore(7 * DAY_MS, Long.MAX_VALUE);
        final List<Activation> old = appendMany(200, nowMs.get() - 8 * DAY_MS);
        final int oldSegments = segmentFiles().size();

        final List<Activation> fresh = appendMany(200, nowMs.get());

        await().until(() -> store.get("guest", old.get(0).activationId()) == null);
        assertThat(segmentFiles().size()).isLessThan(oldSegments + segmentsFor(fresh));
        for (final Activation a : old.subList(0, old.size() - 100))
        {
            assertThat(store.get("guest", a.activationId())).isNull();
        }
        for (final Activation a : fresh)
        {
            assertThat(store.get("guest", a.activationId())).isNotNull();
        }
        final int listed = store.list(new ActivationQuery("guest", null, 0, Long.MAX_VALUE, 0, 1000)).size();
        assertThat(store.count(ActivationQuery.newest("guest", 1))).isEqualTo(listed).isLessThan(400);

        store.close();
        store = newStore(7 * DAY_MS, Long.MAX_VALUE);
        assertThat(store.get("guest", old.get(0).activationId())).isNull();
        assertThat(store.get("guest", fresh.get(0).activationId())).isNotNull();
    }

    @Test
    void dropsTheOldestSegmentsWhileTheTotalIsOverItsSize() throws IOException
    {
        store = newStore(7 * DAY_MS, 4 * SEGMENT_BYTES);
        final List<Activation> all = appendMany(600, nowMs.get());
        nowMs.addAndGet(2_000);
        final Activation last = activation("guest", "guest/hello", nowMs.get());
        store.append(last);
        await().until(() -> store.get("guest", last.activationId()) != null);

        long total = 0;
        for (final Path file : segmentFiles())
        {
            total += Files.size(file);
        }
        assertThat(total).isLessThanOrEqualTo(4 * SEGMENT_BYTES);
        assertThat(store.get("guest", all.get(0).activationId())).isNull();
        assertThat(store.get("guest", all.get(599).activationId())).isNotNull();
        final long kept = all.stream().filter(a -> store.get("guest", a.activationId()) != null).count();
        assertThat(store.count(ActivationQuery.newest("guest", 1))).isEqualTo(kept + 1).isLessThan(300);
    }

    @Test
    void reportsARecordDurableOnlyAfterTheForceThatCoversIt()
    {
        store = newStore(7 * DAY_MS, Long.MAX_VALUE);
        final ConcurrentLinkedQueue<Long> commitsSeen = new ConcurrentLinkedQueue<>();
        final List<Activation> durable = new ArrayList<>();
        for (int i = 0; i < 50; i++)
        {
            final Activation a = activation("guest", "guest/hello", nowMs.get() + i);
            assertThat(store.append(a, done ->
            {
                commitsSeen.add(store.commitCount());
                synchronized (durable)
                {
                    durable.add(done);
                }
            })).isTrue();
        }

        await().until(() -> commitsSeen.size() == 50);

        assertThat(commitsSeen).allMatch(commits -> commits >= 1);
        store.close();
        store = newStore(7 * DAY_MS, Long.MAX_VALUE);
        for (final Activation a : durable)
        {
            assertThat(store.get("guest", a.activationId())).usingRecursiveComparison().isEqualTo(a);
        }
    }

    @Test
    void refusesAnOversizedRecordWithAClearErrorAndWritesNothing()
    {
        store = newStore(7 * DAY_MS, Long.MAX_VALUE);
        final Activation small = activation("guest", "guest/hello", nowMs.get());
        final Activation huge = new Activation(small.activationId(), "guest", "guest", "hello", "0.0.1",
            "guest/hello", "nodejs:20", nowMs.get(), nowMs.get() + 1, null, small.status(),
            new byte[dev.whisk.storage.log.AppendLog.DEFAULT_MAX_RECORD_LENGTH + 1], List.of(), small.limits(), false,
            0, -1);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.append(huge))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceed the max record of");

        store.close();
        store = newStore(7 * DAY_MS, Long.MAX_VALUE);
        assertThat(store.get("guest", huge.activationId())).isNull();
        assertThat(store.recoveredRecords()).isZero();
    }

    @Test
    void refusesASegmentSizeTooSmallAndARetentionThatIsNotPositive()
    {
        final ActivationStoreConfig base = ActivationStoreConfig.defaults(dir);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> base.withSegments(100, DAY_MS, Long.MAX_VALUE,
            nowMs::get)).hasMessageContaining("segment size 100 bytes");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> base.withSegments(SEGMENT_BYTES, 0, Long.MAX_VALUE,
            nowMs::get)).hasMessageContaining("retention 0 ms");
    }

    private int segmentsFor(final List<Activation> records)
    {
        return (int)(records.size() * 300L / SEGMENT_BYTES) + 2;
    }

    private List<Activation> appendMany(final int count, final long startMs)
    {
        final List<Activation> all = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final Activation a = activation("guest", "guest/hello", startMs + i);
            while (!store.append(a))
            {
                Thread.onSpinWait();
            }
            all.add(a);
        }
        await().until(() -> store.get("guest", all.get(count - 1).activationId()) != null);
        return all;
    }

    private List<Path> segmentFiles()
    {
        try (Stream<Path> files = Files.list(dir.resolve(FileActivationStore.DIRECTORY_NAME)))
        {
            return files.sorted().toList();
        }
        catch (final IOException ex)
        {
            throw new AssertionError(ex);
        }
    }

    private FileActivationStore newStore(final long retentionMs, final long maxTotalBytes)
    {
        return new FileActivationStore(new ActivationStoreConfig(dir, 2, 4096, LogWriter::defaultIdleStrategy)
            .withSegments(SEGMENT_BYTES, retentionMs, maxTotalBytes, nowMs::get));
    }
}
