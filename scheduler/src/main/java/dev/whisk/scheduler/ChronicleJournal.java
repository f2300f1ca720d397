package dev.whisk.scheduler;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.NavigableSet;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The journal on Chronicle Queue: memory-mapped, append-only files, one per roll cycle (five minutes by default). An
 * appended excerpt is in the page cache when {@link #append} returns, so it survives the death of this process (not
 * of the machine). Each appending thread gets its own appender, as Chronicle requires.
 *
 * <p>Retention: {@link #trim} deletes the oldest cycle files, in order, while every request in them is finished.
 * A write that faults on the mapped file (a full disk: SIGBUS, which the JVM raises as {@link InternalError}) is
 * rolled back and reported as {@link JournalUnavailableException}; nothing was accepted then.
 */
public final class ChronicleJournal implements Journal
{
    private static final Logger LOG = LoggerFactory.getLogger(ChronicleJournal.class);
    public static final RollCycle DEFAULT_ROLL_CYCLE = RollCycles.FIVE_MINUTELY;

    private final SingleChronicleQueue queue;
    private final Path dir;
    private final DateTimeFormatter cycleNames;
    private final ThreadLocal<ExcerptAppender> appenders;
    private final java.util.List<ExcerptAppender> created = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ThreadLocal<byte[][]> scratch = ThreadLocal.withInitial(() -> new byte[][]{new byte[4096]});
    /** Trimming thread only: where the scan of the oldest kept cycle stopped at a request still pending. */
    private long resumeIndex = -1;

    public ChronicleJournal(final Path dir)
    {
        this(dir, DEFAULT_ROLL_CYCLE);
    }

    /**
     * @param rollCycle how long one cycle file covers: the unit of retention. An existing journal keeps the cycle it
     *                  was created with (Chronicle reads it from the queue's metadata).
     */
    public ChronicleJournal(final Path dir, final RollCycle rollCycle)
    {
        this.dir = dir;
        this.queue = SingleChronicleQueueBuilder.single(dir.toFile()).rollCycle(rollCycle).build();
        this.cycleNames = DateTimeFormatter.ofPattern(queue.rollCycle().format()).withZone(ZoneOffset.UTC);
        this.appenders = ThreadLocal.withInitial(() ->
        {
            final ExcerptAppender a = queue.createAppender();
            created.add(a);
            return a;
        });
    }

    /**
     * A roll cycle by its name in {@link RollCycles} (e.g. {@code FIVE_MINUTELY}, {@code FAST_HOURLY}) or, for
     * tests, in Chronicle's test cycles (e.g. {@code TEST_SECONDLY}).
     */
    public static RollCycle rollCycle(final String name)
    {
        for (final RollCycles c : RollCycles.values())
        {
            if (c.name().equals(name))
            {
                return c;
            }
        }
        for (final net.openhft.chronicle.queue.rollcycles.TestRollCycles c :
            net.openhft.chronicle.queue.rollcycles.TestRollCycles.values())
        {
            if (c.name().equals(name))
            {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown journal roll cycle " + name);
    }

    /** The directory the journal lives in (its free space is watched, see {@link DiskGuard}). */
    public Path dir()
    {
        return dir;
    }

    @Override
    public void append(final DirectBuffer buffer, final int offset, final int length)
    {
        final ExcerptAppender appender = appenders.get();
        final byte[][] holder = scratch.get();
        if (holder[0].length < length)
        {
            holder[0] = new byte[Math.max(length, holder[0].length * 2)];
        }
        final byte[] src;
        final int srcOffset;
        if (buffer.byteArray() != null)
        {
            src = buffer.byteArray();
            srcOffset = offset + (int)buffer.wrapAdjustment();
        }
        else
        {
            buffer.getBytes(offset, holder[0], 0, length);
            src = holder[0];
            srcOffset = 0;
        }
        try (DocumentContext dc = appender.writingDocument())
        {
            try
            {
                dc.wire().bytes().write(src, srcOffset, length);
            }
            catch (final InternalError | RuntimeException fault)
            {
                // The header is not completed: readers never see a half-written excerpt.
                dc.rollbackOnClose();
                throw fault;
            }
        }
        catch (final InternalError fault)
        {
            // A write to a mapped page the file system could not back (no space left): SIGBUS, as an error. The
            // appender may be mid-document: the next append on this thread starts with a fresh one.
            discard(appender);
            throw new JournalUnavailableException("the journal could not write to " + dir + ": " + fault.getMessage(),
                fault);
        }
    }

    private void discard(final ExcerptAppender appender)
    {
        appenders.remove();
        created.remove(appender);
        try
        {
            appender.close();
        }
        catch (final RuntimeException | InternalError ex)
        {
            LOG.warn("event=journal-appender-close-failed error={}", ex.toString());
        }
    }

    /** Reads every message from the start, one at a time into a reused buffer: memory stays bounded. */
    @Override
    public void replay(final Consumer<DirectBuffer> onMessage)
    {
        final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
        byte[] copy = new byte[4096];
        try (ExcerptTailer tailer = queue.createTailer())
        {
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        break;
                    }
                    copy = readInto(dc, copy, view);
                    onMessage.accept(view);
                }
            }
        }
    }

    /**
     * Deletes the oldest cycle files, oldest first, while every message in one is finished by {@code done}; stops at
     * the first cycle that holds a message not yet done, so a kept request's later messages (its dispatch) are kept
     * too. The cycle being written and the newest file are never deleted. Not thread-safe: one trimming thread.
     *
     * @return how many cycle files were deleted.
     */
    @Override
    public int trim(final Predicate<DirectBuffer> done)
    {
        final int current = queue.cycle();
        final int last = queue.lastCycle();
        final int first = queue.firstCycle();
        if (first < 0 || last < 0)
        {
            return 0;
        }
        final NavigableSet<Long> cycles = queue.listCyclesBetween(first, last);
        int deleted = 0;
        for (final long c : cycles)
        {
            final int cycle = (int)c;
            if (cycle >= current || cycle >= last || !isFinished(cycle, done))
            {
                break;
            }
            final Path file = fileOf(cycle);
            try
            {
                if (Files.deleteIfExists(file))
                {
                    deleted++;
                    LOG.info("event=journal-cycle-trimmed file={}", file.getFileName());
                }
            }
            catch (final IOException ex)
            {
                LOG.warn("event=journal-trim-failed file={} error={}", file, ex.getMessage());
                break;
            }
            resumeIndex = -1;
        }
        if (deleted > 0)
        {
            queue.refreshDirectoryListing();
        }
        return deleted;
    }

    /** Whether every message of {@code cycle} is done, resuming where the last scan of it stopped. */
    private boolean isFinished(final int cycle, final Predicate<DirectBuffer> done)
    {
        final RollCycle roll = queue.rollCycle();
        final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
        byte[] copy = new byte[4096];
        try (ExcerptTailer tailer = queue.createTailer())
        {
            final boolean positioned = resumeIndex >= 0 && roll.toCycle(resumeIndex) == cycle ?
                tailer.moveToIndex(resumeIndex) : tailer.moveToCycle(cycle);
            if (!positioned)
            {
                return false;
            }
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent() || roll.toCycle(dc.index()) != cycle)
                    {
                        if (dc.isPresent())
                        {
                            dc.rollbackOnClose();
                        }
                        return true;
                    }
                    copy = readInto(dc, copy, view);
                    if (!done.test(view))
                    {
                        resumeIndex = dc.index();
                        dc.rollbackOnClose();
                        return false;
                    }
                }
            }
        }
    }

    /** The file Chronicle keeps {@code cycle} in: its start time in the roll cycle's format. */
    private Path fileOf(final int cycle)
    {
        final long startMs = (long)cycle * queue.rollCycle().lengthInMillis() + queue.epoch();
        return dir.resolve(cycleNames.format(Instant.ofEpochMilli(startMs)) + SingleChronicleQueue.SUFFIX);
    }

    /** The cycle appends go to now (by the clock). */
    int currentCycle()
    {
        return queue.cycle();
    }

    /** How many cycle files the journal has now. */
    public int cycleFiles()
    {
        try (var files = Files.list(dir))
        {
            return (int)files.filter(f -> f.getFileName().toString().endsWith(SingleChronicleQueue.SUFFIX)).count();
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }

    @Override
    public void close()
    {
        for (final ExcerptAppender a : created)
        {
            a.close();
        }
        queue.close();
    }

    /**
     * Copies the document's bytes into {@code copy} (a larger array when it does not fit) and points {@code view} at
     * them; returns the array used, for the next document.
     */
    private static byte[] readInto(final DocumentContext dc, final byte[] copy, final UnsafeBuffer view)
    {
        final Bytes<?> in = dc.wire().bytes();
        final int length = (int)in.readRemaining();
        final byte[] into = copy.length < length ? new byte[Math.max(length, copy.length * 2)] : copy;
        in.read(into, 0, length);
        view.wrap(into, 0, length);
        return into;
    }
}
