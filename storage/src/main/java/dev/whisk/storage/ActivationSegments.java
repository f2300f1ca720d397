package dev.whisk.storage;

import dev.whisk.storage.log.AppendLog;
import dev.whisk.storage.log.Durable;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The activation log as numbered segment files, {@code 00000000.log}, {@code 00000001.log}, ..., each an
 * {@link AppendLog}. Appends go to the last (active) segment until it would pass the segment size, then the active
 * segment is forced and the next one opened. Retention deletes whole old segments.
 * <p>
 * A position is {@code segment << 40 | offset in segment}, so positions grow in append order across segments.
 * <p>
 * Threads: {@link #append}, {@link #flush}, {@link #force}, {@link #retain} and {@link #close} on the writer thread
 * (or the opening thread before the writer starts); {@link #read} and {@link #floorPosition} from any thread. A read
 * of a segment deleted meanwhile fails with {@link IllegalStateException}, or returns {@code null} once it is gone.
 */
final class ActivationSegments implements Durable, AutoCloseable
{
    static final int OFFSET_BITS = 40;
    static final long OFFSET_MASK = (1L << OFFSET_BITS) - 1;

    private static final Logger LOG = LoggerFactory.getLogger(ActivationSegments.class);
    private static final Pattern SEGMENT_NAME = Pattern.compile("\\d{8}\\.log");

    /** What the scan on open reports for each recovered record. */
    @FunctionalInterface
    interface Recovery
    {
        /** @return the record's start in ms, or {@link Long#MIN_VALUE} when it could not be read. */
        long onRecord(long position, DirectBuffer buffer, int offset, int length);
    }

    private final Path dir;
    private final long segmentBytes;
    private final ConcurrentSkipListMap<Integer, Segment> segments = new ConcurrentSkipListMap<>();
    private volatile int firstLiveSegment;
    private Segment active;
    private long corruptRegions;

    ActivationSegments(final Path dir, final long segmentBytes, final Recovery recovery)
    {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        try
        {
            for (final int number : existingSegments(dir))
            {
                final Segment segment = new Segment(number);
                segment.log = AppendLog.open(dir.resolve(FileActivationStore.segmentFileName(number)),
                    (position, buffer, offset, length) -> segment.onStart(
                        recovery.onRecord(position(number, position), buffer, offset, length)));
                corruptRegions += segment.log.corruptRegions();
                segments.put(number, segment);
                active = segment;
            }
            if (active == null)
            {
                active = openSegment(0);
            }
            firstLiveSegment = segments.firstKey();
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    static long position(final int segment, final long offset)
    {
        return ((long)segment << OFFSET_BITS) | offset;
    }

    /** Writer only: appends into the active segment's batch, rolling first if the record would not fit. */
    long append(final DirectBuffer buffer, final int offset, final int length, final long startMs)
    {
        final long used = active.log.appendPosition();
        if (used > 0 && used + AppendLog.HEADER_LENGTH + length > segmentBytes)
        {
            roll();
        }
        final long at = active.log.appendBuffered(buffer, offset, length);
        active.onStart(startMs);
        return position(active.number, at);
    }

    /** Writer only: writes the active segment's batch, making its records readable. */
    void flush()
    {
        active.log.flush();
    }

    /** Writer only: flushes and forces the active segment; closed segments were forced when they rolled. */
    @Override
    public void force()
    {
        active.log.force();
    }

    /** Writer only: the position just past the last record appended. */
    long endPosition()
    {
        return position(active.number, active.log.appendPosition());
    }

    /**
     * Any thread: forces what was written to the segment holding {@code position}; every older segment was forced
     * when it rolled.
     *
     * @return false when that segment is gone (dropped by retention, or the store closed).
     */
    boolean forceUpTo(final long position)
    {
        final Segment segment = segments.get((int)(position >>> OFFSET_BITS));
        if (segment == null)
        {
            return false;
        }
        segment.log.forceWritten();
        return true;
    }

    /** Any thread: the payload at {@code position}, or {@code null} when its segment was dropped. */
    byte[] read(final long position)
    {
        final Segment segment = segments.get((int)(position >>> OFFSET_BITS));
        return segment == null ? null : segment.log.read(position & OFFSET_MASK);
    }

    /** Any thread: the lowest position still kept; records below it were dropped by retention. */
    long floorPosition()
    {
        return position(firstLiveSegment, 0);
    }

    /**
     * Writer only: deletes closed segments, oldest first, while the oldest is older than {@code oldestStartMs} or
     * the total is over {@code maxTotalBytes}. The active segment is never deleted.
     *
     * @return how many segments were deleted.
     */
    int retain(final long oldestStartMs, final long maxTotalBytes)
    {
        long totalBytes = totalBytes();
        int dropped = 0;
        while (true)
        {
            final Map.Entry<Integer, Segment> oldest = segments.firstEntry();
            final Segment segment = oldest.getValue();
            if (segment == active || (segment.maxStartMs >= oldestStartMs && totalBytes <= maxTotalBytes))
            {
                return dropped;
            }
            final long bytes = segment.log.appendPosition();
            firstLiveSegment = segment.number + 1;
            segments.remove(segment.number);
            CloseHelper.quietClose(segment.log);
            try
            {
                Files.deleteIfExists(segment.log.file());
            }
            catch (final IOException ex)
            {
                LOG.warn("cannot delete activation segment file={} error={}", segment.log.file(), ex.getMessage());
            }
            LOG.info("activation segment dropped by retention file={} bytes={} newestStartMs={}",
                segment.log.file(), bytes, segment.maxStartMs);
            totalBytes -= bytes;
            dropped++;
        }
    }

    /** Writer only: bytes in all segments. */
    long totalBytes()
    {
        long total = 0;
        for (final Segment segment : segments.values())
        {
            total += segment.log.appendPosition();
        }
        return total;
    }

    int segmentCount()
    {
        return segments.size();
    }

    long corruptRegions()
    {
        return corruptRegions;
    }

    Path activeFile()
    {
        return active.log.file();
    }

    @Override
    public void close()
    {
        final List<AutoCloseable> logs = new ArrayList<>();
        for (final Segment segment : segments.values())
        {
            logs.add(segment.log);
        }
        CloseHelper.closeAll(logs);
    }

    private void roll()
    {
        active.log.force();
        active = openSegment(active.number + 1);
    }

    private Segment openSegment(final int number)
    {
        if ((long)number << OFFSET_BITS < 0)
        {
            throw new IllegalStateException("activation segment number " + number + " is past the last position");
        }
        final Segment segment = new Segment(number);
        segment.log = AppendLog.open(dir.resolve(FileActivationStore.segmentFileName(number)),
            (position, buffer, offset, length) ->
            {
                throw new IllegalStateException("new activation segment " + number + " is not empty");
            });
        segments.put(number, segment);
        return segment;
    }

    private static List<Integer> existingSegments(final Path dir)
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.map(file -> file.getFileName().toString())
                .filter(name -> SEGMENT_NAME.matcher(name).matches())
                .map(name -> Integer.parseInt(name.substring(0, 8)))
                .sorted()
                .toList();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list activation segments in " + dir, ex);
        }
    }

    /** One segment file; {@code maxStartMs} is the writer's. */
    private static final class Segment
    {
        final int number;
        AppendLog log;
        long maxStartMs = Long.MIN_VALUE;

        Segment(final int number)
        {
            this.number = number;
        }

        void onStart(final long startMs)
        {
            maxStartMs = Math.max(maxStartMs, startMs);
        }
    }
}
