package dev.whisk.storage.log;

import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * One pass over an {@link AppendLog} file on open: hands every valid record to a {@link RecordHandler} and finds where
 * the valid log ends. Runs on the opening thread before the log is shared.
 * <p>
 * A position holds a valid frame when its length is in {@code 1..maxRecordLength}, the payload fits in the file and
 * the payload's CRC-32C matches. At an invalid frame the scan searches forward, byte by byte, for the next valid one:
 * <ul>
 *     <li>found: the bytes in between are a corrupt region in the middle; it is logged, counted and skipped;</li>
 *     <li>not found: the rest of the file is a torn or corrupt tail, and {@link #run} returns its start so that the
 *     log is truncated there.</li>
 * </ul>
 * Example: records at 0 (20 bytes), 28 (20 bytes), 56 (20 bytes) and a crash after 5 bytes of a fourth frame at 84:
 * the file is 89 bytes, the frame at 84 is short, nothing valid follows, so the scan returns 84. If instead a byte of
 * the payload at 28 had flipped, the frame at 28 fails its CRC, the search finds 56, and the region 28..56 is reported.
 * <p>
 * Caveats: the forward search costs a CRC per plausible length, so a torn multi-megabyte binary record can take a
 * while to give up on; and a payload that itself contains a well-formed frame could be mistaken for one when the frame
 * around it is corrupt (CRC-32C makes an accidental match about one in 2^32 per candidate).
 */
final class LogScan
{
    private static final Logger LOG = LoggerFactory.getLogger(LogScan.class);
    private static final int WINDOW_LENGTH = 1024 * 1024;

    private final Path file;
    private final FileChannel channel;
    private final long fileLength;
    private final int maxRecordLength;
    private final CRC32C crc = new CRC32C();
    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
    private ByteBuffer window = ByteBuffer.allocate(WINDOW_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    private long windowStart;
    private int windowLength;
    private long corruptRegions;
    private long recordCount;

    LogScan(final Path file, final FileChannel channel, final int maxRecordLength) throws IOException
    {
        this.file = file;
        this.channel = channel;
        this.fileLength = channel.size();
        this.maxRecordLength = maxRecordLength;
    }

    /** Walks the file; returns the position where the valid log ends (the file length when nothing is torn). */
    long run(final RecordHandler handler)
    {
        long position = 0;
        while (position < fileLength)
        {
            final int length = validLengthAt(position);
            if (length > 0)
            {
                view.wrap(window.array(), 0, windowLength);
                handler.onRecord(position, view, (int)(position - windowStart) + AppendLog.HEADER_LENGTH, length);
                recordCount++;
                position += AppendLog.HEADER_LENGTH + length;
                continue;
            }

            final long next = findValidFrame(position + 1);
            if (next < 0)
            {
                break;
            }
            corruptRegions++;
            LOG.warn("corrupt log region skipped file={} position={} nextRecordPosition={} skippedBytes={}",
                file, position, next, next - position);
            position = next;
        }
        return position;
    }

    /** Corrupt regions in the middle of the log that were skipped. */
    long corruptRegions()
    {
        return corruptRegions;
    }

    long recordCount()
    {
        return recordCount;
    }

    long fileLength()
    {
        return fileLength;
    }

    private long findValidFrame(final long from)
    {
        for (long position = from; position <= fileLength - AppendLog.HEADER_LENGTH; position++)
        {
            if (validLengthAt(position) > 0)
            {
                return position;
            }
        }
        return -1;
    }

    /** The payload length of the valid frame at {@code position}, or -1; leaves the frame in the window. */
    private int validLengthAt(final long position)
    {
        if (fileLength - position < AppendLog.HEADER_LENGTH)
        {
            return -1;
        }
        ensureWindow(position, AppendLog.HEADER_LENGTH);
        final int at = (int)(position - windowStart);
        final int length = window.getInt(at + AppendLog.LENGTH_OFFSET);
        if (length < 1 || length > maxRecordLength || length > fileLength - position - AppendLog.HEADER_LENGTH)
        {
            return -1;
        }
        final int expectedCrc = window.getInt(at + AppendLog.CRC_OFFSET);
        ensureWindow(position, AppendLog.HEADER_LENGTH + length);
        final int payloadAt = (int)(position - windowStart) + AppendLog.HEADER_LENGTH;
        crc.reset();
        crc.update(window.array(), payloadAt, length);
        return (int)crc.getValue() == expectedCrc ? length : -1;
    }

    /** Makes {@code [position, position + length)} readable in the window; the caller checked it is in the file. */
    private void ensureWindow(final long position, final int length)
    {
        if (position >= windowStart && position + length <= windowStart + windowLength)
        {
            return;
        }
        final int capacity = Math.max(length, WINDOW_LENGTH);
        if (window.capacity() < capacity)
        {
            window = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
        }
        final int wanted = (int)Math.min(window.capacity(), fileLength - position);
        window.clear().limit(wanted);
        try
        {
            while (window.hasRemaining())
            {
                if (channel.read(window, position + window.position()) < 0)
                {
                    break;
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("scan of " + file + " failed at position " + position, ex);
        }
        windowStart = position;
        windowLength = window.position();
        if (windowLength < length)
        {
            throw new IllegalStateException(
                "log " + file + " shrank during its scan: wanted " + length + " bytes at position " + position);
        }
    }
}
