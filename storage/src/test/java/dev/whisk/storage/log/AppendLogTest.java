package dev.whisk.storage.log;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AppendLogTest
{
    @TempDir
    Path dir;

    @Test
    void readsEachRecordAtThePositionAppendReturned()
    {
        try (AppendLog log = AppendLog.open(dir.resolve("a.log"), AppendLogTest::ignore))
        {
            final long first = log.append(bytes("first"));
            final long second = log.append(new UnsafeBuffer(bytes("xxsecondxx")), 2, 6);

            assertThat(first).isZero();
            assertThat(second).isEqualTo(AppendLog.HEADER_LENGTH + 5);
            assertThat(text(log.read(first))).isEqualTo("first");
            assertThat(text(log.read(second))).isEqualTo("second");
            assertThat(log.appendPosition()).isEqualTo(2L * AppendLog.HEADER_LENGTH + 11);
        }
    }

    @Test
    void growsItsFrameForALargeRecordAndKeepsSmallOnesIntact()
    {
        final byte[] large = new byte[300_000];
        ThreadLocalRandom.current().nextBytes(large);
        try (AppendLog log = AppendLog.open(dir.resolve("a.log"), AppendLogTest::ignore))
        {
            final long small = log.append(bytes("small"));
            final long big = log.append(large);
            final long after = log.append(bytes("after"));

            assertThat(log.read(big)).isEqualTo(large);
            assertThat(text(log.read(small))).isEqualTo("small");
            assertThat(text(log.read(after))).isEqualTo("after");
        }
    }

    @Test
    void recoversEveryRecordInAppendOrderOnReopen()
    {
        final Path file = dir.resolve("a.log");
        final List<Long> positions = appendRecords(file, 20);

        final List<Recovered> recovered = new ArrayList<>();
        try (AppendLog log = AppendLog.open(file, collectInto(recovered)))
        {
            assertThat(recovered).extracting(Recovered::position).containsExactlyElementsOf(positions);
            assertThat(recovered).extracting(Recovered::text).containsExactlyElementsOf(payloads(20));
            assertThat(log.recoveredRecords()).isEqualTo(20);
            assertThat(log.corruptRegions()).isZero();
            assertThat(log.appendPosition()).isEqualTo(size(file));
        }
    }

    @Test
    void truncatesATornLastRecordAtEveryOffsetAndKeepsAppending() throws IOException
    {
        final Path original = dir.resolve("original.log");
        final List<Long> positions = appendRecords(original, 5);
        final long lastStart = positions.get(4);
        final byte[] bytes = Files.readAllBytes(original);

        for (long cut = lastStart + 1; cut < bytes.length; cut++)
        {
            final Path file = dir.resolve("torn-" + cut + ".log");
            Files.write(file, java.util.Arrays.copyOf(bytes, (int)cut));

            final List<Recovered> recovered = new ArrayList<>();
            try (AppendLog log = AppendLog.open(file, collectInto(recovered)))
            {
                assertThat(recovered).extracting(Recovered::text).containsExactlyElementsOf(payloads(4));
                assertThat(size(file)).as("cut at %d", cut).isEqualTo(lastStart);
                assertThat(log.appendPosition()).isEqualTo(lastStart);
                assertThat(log.corruptRegions()).isZero();
                log.append(bytes("after-" + cut));
                log.force();
            }

            recovered.clear();
            try (AppendLog reopened = AppendLog.open(file, collectInto(recovered)))
            {
                assertThat(recovered).extracting(Recovered::text)
                    .containsExactly("record-0", "record-1", "record-2", "record-3", "after-" + cut);
                assertThat(reopened.appendPosition()).isEqualTo(size(file));
            }
        }
    }

    @Test
    void truncatesGarbageAfterTheLastRecord() throws IOException
    {
        final Path file = dir.resolve("a.log");
        appendRecords(file, 3);
        final long validLength = size(file);
        final byte[] garbage = new byte[37];
        ThreadLocalRandom.current().nextBytes(garbage);
        Files.write(file, garbage, StandardOpenOption.APPEND);
        Files.write(file, new byte[4096], StandardOpenOption.APPEND);

        final List<Recovered> recovered = new ArrayList<>();
        try (AppendLog log = AppendLog.open(file, collectInto(recovered)))
        {
            assertThat(recovered).extracting(Recovered::text).containsExactlyElementsOf(payloads(3));
            assertThat(size(file)).isEqualTo(validLength);
            log.append(bytes("next"));
        }
        recovered.clear();
        try (AppendLog reopened = AppendLog.open(file, collectInto(recovered)))
        {
            assertThat(recovered).extracting(Recovered::text)
                .containsExactly("record-0", "record-1", "record-2", "next");
            assertThat(reopened.corruptRegions()).isZero();
        }
    }

    @Test
    void skipsAndCountsACorruptRecordInTheMiddle() throws IOException
    {
        final Path file = dir.resolve("a.log");
        final List<Long> positions = appendRecords(file, 5);
        flipByte(file, positions.get(2) + AppendLog.HEADER_LENGTH + 3);

        final List<Recovered> recovered = new ArrayList<>();
        try (AppendLog log = AppendLog.open(file, collectInto(recovered)))
        {
            assertThat(recovered).extracting(Recovered::text)
                .containsExactly("record-0", "record-1", "record-3", "record-4");
            assertThat(log.corruptRegions()).isEqualTo(1);
            assertThat(size(file)).as("nothing after the corrupt record is cut").isEqualTo(log.appendPosition());
            assertThatThrownBy(() -> log.read(positions.get(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CRC");
        }
    }

    @Test
    void skipsARecordWhoseLengthFieldIsCorruptInTheMiddle() throws IOException
    {
        final Path file = dir.resolve("a.log");
        final List<Long> positions = appendRecords(file, 4);
        flipByte(file, positions.get(1) + AppendLog.LENGTH_OFFSET + 3);

        final List<Recovered> recovered = new ArrayList<>();
        try (AppendLog log = AppendLog.open(file, collectInto(recovered)))
        {
            assertThat(recovered).extracting(Recovered::text).containsExactly("record-0", "record-2", "record-3");
            assertThat(log.corruptRegions()).isEqualTo(1);
        }
    }

    @Test
    void rejectsARecordOverTheMaxLengthNamingValueAndLimit()
    {
        try (AppendLog log = AppendLog.open(dir.resolve("a.log"), 16, AppendLogTest::ignore))
        {
            assertThatThrownBy(() -> log.append(new byte[17]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("17")
                .hasMessageContaining("16");
            assertThatThrownBy(() -> log.append(new byte[0])).isInstanceOf(IllegalArgumentException.class);
            assertThat(log.appendPosition()).isZero();
        }
    }

    @Test
    void keepsReadingAfterAnInterruptedReaderClosedTheChannel()
    {
        try (AppendLog log = AppendLog.open(dir.resolve("a.log"), AppendLogTest::ignore))
        {
            final long position = log.append(bytes("payload"));

            Thread.currentThread().interrupt();
            try
            {
                assertThatThrownBy(() -> log.read(position)).isInstanceOf(UncheckedIOException.class);
            }
            finally
            {
                Thread.interrupted();
            }

            assertThat(text(log.read(position))).isEqualTo("payload");
        }
    }

    @Test
    @Timeout(30)
    void readersSeeEveryPublishedRecordWhileTheWriterAppends() throws Exception
    {
        final int records = 20_000;
        final int readers = 3;
        final AtomicLongArray positions = new AtomicLongArray(records);
        final AtomicInteger published = new AtomicInteger();
        final CountDownLatch start = new CountDownLatch(1);
        final ExecutorService pool = Executors.newFixedThreadPool(readers + 1);
        try (AppendLog log = AppendLog.open(dir.resolve("a.log"), AppendLogTest::ignore))
        {
            final Future<?> writer = pool.submit(() ->
            {
                start.await();
                for (int i = 0; i < records; i++)
                {
                    positions.set(i, log.append(bytes("record-" + i)));
                    published.set(i + 1);
                }
                return null;
            });
            final List<Future<?>> checks = new ArrayList<>();
            for (int r = 0; r < readers; r++)
            {
                checks.add(pool.submit(() ->
                {
                    start.await();
                    while (published.get() < records)
                    {
                        final int visible = published.get();
                        if (visible > 0)
                        {
                            final int i = ThreadLocalRandom.current().nextInt(visible);
                            assertThat(text(log.read(positions.get(i)))).isEqualTo("record-" + i);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            writer.get();
            for (final Future<?> check : checks)
            {
                check.get();
            }
            for (int i = 0; i < records; i += 997)
            {
                assertThat(text(log.read(positions.get(i)))).isEqualTo("record-" + i);
            }
        }
        finally
        {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static List<Long> appendRecords(final Path file, final int count)
    {
        final List<Long> positions = new ArrayList<>();
        try (AppendLog log = AppendLog.open(file, AppendLogTest::ignore))
        {
            for (final String payload : payloads(count))
            {
                positions.add(log.append(bytes(payload)));
            }
            log.force();
        }
        return positions;
    }

    private static List<String> payloads(final int count)
    {
        final List<String> payloads = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            payloads.add("record-" + i);
        }
        return payloads;
    }

    private static void flipByte(final Path file, final long position) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte)(one.get(0) ^ 0x5A)).rewind();
            channel.write(one, position);
        }
    }

    private static long size(final Path file)
    {
        try
        {
            return Files.size(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(final byte[] bytes)
    {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static RecordHandler collectInto(final List<Recovered> recovered)
    {
        return (position, buffer, offset, length) ->
            recovered.add(new Recovered(position, buffer.getStringWithoutLengthUtf8(offset, length)));
    }

    private static void ignore(final long position, final DirectBuffer buffer, final int offset, final int length)
    {
    }

    private record Recovered(long position, String text)
    {
    }
}
