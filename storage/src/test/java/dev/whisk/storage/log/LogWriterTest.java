package dev.whisk.storage.log;

import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(30)
class LogWriterTest
{
    @TempDir
    Path dir;

    private AppendLog log;

    @BeforeEach
    void openLog()
    {
        log = AppendLog.open(dir.resolve("w.log"), (position, buffer, offset, length) -> {});
    }

    @AfterEach
    void closeLog()
    {
        log.close();
    }

    @Test
    void closeAppendsAndCommitsEverythingOfferedBeforeIt()
    {
        final RecordingHandler handler = new RecordingHandler(null);
        final LogWriter<String> writer = newWriter(handler, 1024, 0, SystemNanoClock.INSTANCE);
        for (int i = 0; i < 500; i++)
        {
            assertThat(writer.offer("c" + i)).isTrue();
        }

        writer.close();

        assertThat(handler.handled).hasSize(500).startsWith("c0", "c1").endsWith("c499");
        assertThat(handler.committedThrough.get()).isEqualTo(500);
        assertThat(writer.commitCount()).isPositive();
        assertThat(writer.errorCount()).isZero();
    }

    @Test
    void refusesOffersOnceClosedAndClosesIdempotently()
    {
        final RecordingHandler handler = new RecordingHandler(null);
        final LogWriter<String> writer = newWriter(handler, 16, 0, SystemNanoClock.INSTANCE);

        writer.close();
        writer.close();

        assertThat(writer.isClosed()).isTrue();
        assertThat(writer.offer("late")).isFalse();
        assertThat(handler.handled).isEmpty();
    }

    @Test
    void offerReturnsFalseWhenTheQueueIsFull()
    {
        final CountDownLatch release = new CountDownLatch(1);
        final RecordingHandler handler = new RecordingHandler(release);
        final LogWriter<String> writer = newWriter(handler, 4, 0, SystemNanoClock.INSTANCE);
        try
        {
            assertThat(writer.offer("blocker")).isTrue();
            await().until(() -> handler.entered.get() == 1);

            int accepted = 0;
            while (writer.offer("queued-" + accepted))
            {
                accepted++;
                assertThat(accepted).as("a 4-slot queue fills up").isLessThanOrEqualTo(4);
            }

            release.countDown();
            writer.close();
            assertThat(handler.handled).hasSize(1 + accepted);
        }
        finally
        {
            release.countDown();
            writer.close();
        }
    }

    @Test
    void commitsAtMostOncePerCommitInterval()
    {
        final AtomicLong nowNs = new AtomicLong(1_000_000_000L);
        final RecordingHandler handler = new RecordingHandler(null);
        final long intervalNs = TimeUnit.SECONDS.toNanos(1);
        final LogWriter<String> writer = newWriter(handler, 16, intervalNs, nowNs::get);
        try
        {
            writer.offer("first");
            await().until(() -> handler.committedThrough.get() == 1);

            writer.offer("second");
            await().until(() -> handler.handled.size() == 2);
            assertThat(writer.commitCount()).as("the clock has not moved").isEqualTo(1);

            nowNs.addAndGet(intervalNs);
            await().until(() -> handler.committedThrough.get() == 2);
            assertThat(writer.commitCount()).isEqualTo(2);
        }
        finally
        {
            writer.close();
        }
    }

    private LogWriter<String> newWriter(
        final RecordingHandler handler,
        final int capacity,
        final long commitIntervalNs,
        final org.agrona.concurrent.NanoClock clock)
    {
        handler.log = log;
        return new LogWriter<>("test-writer", log, capacity, commitIntervalNs, new YieldingIdleStrategy(), clock,
            handler);
    }

    private static final class RecordingHandler implements LogWriter.Handler<String>
    {
        final List<String> handled = new CopyOnWriteArrayList<>();
        final AtomicInteger entered = new AtomicInteger();
        final AtomicInteger committedThrough = new AtomicInteger();
        final CountDownLatch release;
        AppendLog log;

        RecordingHandler(final CountDownLatch release)
        {
            this.release = release;
        }

        @Override
        public void onCommand(final String command)
        {
            if (entered.getAndIncrement() == 0 && release != null)
            {
                await().atMost(Duration.ofSeconds(20)).until(() -> release.getCount() == 0);
            }
            log.append(command.getBytes(StandardCharsets.UTF_8));
            handled.add(command);
        }

        @Override
        public void onCommitted()
        {
            committedThrough.set(handled.size());
        }

        @Override
        public void onCommitFailed(final RuntimeException cause)
        {
            throw new AssertionError("commit failed", cause);
        }

        @Override
        public void onRejected(final String command)
        {
            throw new AssertionError("rejected " + command);
        }
    }
}
