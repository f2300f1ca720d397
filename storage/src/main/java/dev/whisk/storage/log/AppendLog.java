package dev.whisk.storage.log;

import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * One append-only file of framed records: {@code [int length][int crc32c of payload][payload]}, little-endian.
 * <p>
 * Opening the log scans it (see {@link LogScan}): every valid record goes to a {@link RecordHandler}, a corrupt
 * region in the middle is logged, counted and skipped, and a torn or corrupt tail is truncated away and logged, so
 * that appends continue right after the last good record.
 * <p>
 * Threads: {@link #append}, {@link #force} and {@link #close} belong to one writer thread; {@link #read} may be called
 * from any number of threads at once. A record is readable once {@link #append} has returned its position to the
 * writer, and durable once {@link #force} has returned. Reads use their own channel, which is reopened when an
 * interrupted reader closes it, so one interrupted reader cannot break the others.
 */
public final class AppendLog implements AutoCloseable, Durable
{
    public static final int LENGTH_OFFSET = 0;
    public static final int CRC_OFFSET = 4;
    public static final int HEADER_LENGTH = 8;
    public static final int DEFAULT_MAX_RECORD_LENGTH = 64 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(AppendLog.class);
    private static final int INITIAL_FRAME_CAPACITY = 64 * 1024;
    private static final int BATCH_CAPACITY = 1024 * 1024;

    private final Path file;
    private final int maxRecordLength;
    private final FileChannel writeChannel;
    private final long corruptRegions;
    private final long recoveredRecords;
    private final CRC32C crc = new CRC32C();
    private volatile FileChannel readChannel;
    private volatile boolean isClosed;
    private ByteBuffer frame = ByteBuffer.allocateDirect(INITIAL_FRAME_CAPACITY).order(ByteOrder.LITTLE_ENDIAN);
    private long appendPosition;
    private ByteBuffer batch;
    private long batchPosition;

    private AppendLog(final Path file, final int maxRecordLength, final RecordHandler handler) throws IOException
    {
        this.file = file;
        this.maxRecordLength = maxRecordLength;
        final boolean isNew = !Files.exists(file);
        writeChannel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
        try
        {
            if (isNew)
            {
                forceDirectory(file.toAbsolutePath().getParent());
            }
            final LogScan scan = new LogScan(file, writeChannel, maxRecordLength);
            final long validLength = scan.run(handler);
            if (validLength < scan.fileLength())
            {
                LOG.warn("torn log tail truncated file={} position={} droppedBytes={}",
                    file, validLength, scan.fileLength() - validLength);
                writeChannel.truncate(validLength);
                writeChannel.force(true);
            }
            appendPosition = validLength;
            corruptRegions = scan.corruptRegions();
            recoveredRecords = scan.recordCount();
            readChannel = FileChannel.open(file, StandardOpenOption.READ);
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietClose(writeChannel);
            throw ex;
        }
    }

    /**
     * Opens or creates the log at {@code file}, handing each recovered record to {@code handler} before returning.
     *
     * @throws UncheckedIOException when the file cannot be opened, read or truncated.
     */
    public static AppendLog open(final Path file, final int maxRecordLength, final RecordHandler handler)
    {
        if (maxRecordLength < 1 || maxRecordLength > Integer.MAX_VALUE - HEADER_LENGTH)
        {
            throw new IllegalArgumentException("max record length " + maxRecordLength + " is out of range");
        }
        try
        {
            return new AppendLog(file, maxRecordLength, handler);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open log " + file, ex);
        }
    }

    public static AppendLog open(final Path file, final RecordHandler handler)
    {
        return open(file, DEFAULT_MAX_RECORD_LENGTH, handler);
    }

    /**
     * Appends one record. Writer thread only.
     *
     * @return the record's position, for {@link #read}.
     * @throws IllegalArgumentException when the payload is empty or longer than the max record length.
     */
    public long append(final DirectBuffer payload, final int offset, final int length)
    {
        flush();
        prepareFrame(length);
        payload.getBytes(offset, frame, HEADER_LENGTH, length);
        return writeFrame(length);
    }

    /** {@link #append(DirectBuffer, int, int)} for a byte array. */
    public long append(final byte[] payload)
    {
        flush();
        prepareFrame(payload.length);
        frame.put(HEADER_LENGTH, payload);
        return writeFrame(payload.length);
    }

    /**
     * Appends one record into the writer's batch buffer, which goes to the file in one write when it fills or at
     * {@link #flush}. Writer thread only. The record is readable only after the flush that writes it.
     *
     * @return the record's position, for {@link #read} once flushed.
     * @throws IllegalArgumentException when the payload is empty or longer than the max record length.
     */
    public long appendBuffered(final DirectBuffer payload, final int offset, final int length)
    {
        if (length < 1 || length > maxRecordLength)
        {
            throw new IllegalArgumentException(
                "record length " + length + " is outside the allowed 1.." + maxRecordLength + " bytes");
        }
        final int frameLength = HEADER_LENGTH + length;
        if (frameLength > BATCH_CAPACITY)
        {
            return append(payload, offset, length);
        }
        if (batch == null)
        {
            batch = ByteBuffer.allocateDirect(BATCH_CAPACITY).order(ByteOrder.LITTLE_ENDIAN);
        }
        if (batch.remaining() < frameLength)
        {
            flush();
        }
        if (batch.position() == 0)
        {
            batchPosition = appendPosition;
        }
        final int at = batch.position();
        payload.getBytes(offset, batch, at + HEADER_LENGTH, length);
        final ByteBuffer view = batch.duplicate();
        view.limit(at + frameLength).position(at + HEADER_LENGTH);
        crc.reset();
        crc.update(view);
        batch.putInt(at + LENGTH_OFFSET, length);
        batch.putInt(at + CRC_OFFSET, (int)crc.getValue());
        batch.position(at + frameLength);
        final long position = appendPosition;
        appendPosition = position + frameLength;
        return position;
    }

    /** Writes the batch buffer to the file (not forced). Writer thread only. */
    public void flush()
    {
        if (batch == null || batch.position() == 0)
        {
            return;
        }
        batch.flip();
        try
        {
            while (batch.hasRemaining())
            {
                writeChannel.write(batch, batchPosition + batch.position());
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("append to " + file + " failed at position " + batchPosition, ex);
        }
        finally
        {
            batch.clear();
        }
    }

    /**
     * Makes every record written to the file so far (appended and flushed) durable, without flushing the batch
     * buffer. Any thread; it may run while the writer appends.
     */
    public void forceWritten()
    {
        try
        {
            writeChannel.force(false);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("force of " + file + " failed", ex);
        }
    }

    /** Flushes, then makes every appended record durable. Writer thread only. */
    @Override
    public void force()
    {
        flush();
        try
        {
            writeChannel.force(false);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("force of " + file + " failed", ex);
        }
    }

    /**
     * Reads the payload of the record at {@code position}. Any thread.
     *
     * @throws IllegalStateException when there is no valid record at {@code position} or the log is closed.
     */
    public byte[] read(final long position)
    {
        if (position < 0)
        {
            throw new IllegalArgumentException("position " + position + " must not be negative");
        }
        final ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        readFully(header, position);
        final int length = header.getInt(LENGTH_OFFSET);
        if (length < 1 || length > maxRecordLength)
        {
            throw new IllegalStateException("record at position " + position + " of " + file + " has length " +
                length + " outside 1.." + maxRecordLength);
        }
        final byte[] payload = new byte[length];
        readFully(ByteBuffer.wrap(payload), position + HEADER_LENGTH);
        final CRC32C readCrc = new CRC32C();
        readCrc.update(payload, 0, length);
        if ((int)readCrc.getValue() != header.getInt(CRC_OFFSET))
        {
            throw new IllegalStateException("record at position " + position + " of " + file + " fails its CRC");
        }
        return payload;
    }

    /** Where the next record will go: the length of the valid log. Writer thread only. */
    public long appendPosition()
    {
        return appendPosition;
    }

    /** Corrupt regions in the middle of the file that the scan on open skipped. */
    public long corruptRegions()
    {
        return corruptRegions;
    }

    /** Records the scan on open handed to its handler. */
    public long recoveredRecords()
    {
        return recoveredRecords;
    }

    public int maxRecordLength()
    {
        return maxRecordLength;
    }

    public Path file()
    {
        return file;
    }

    /** Closes both channels; idempotent. Call after the writer has stopped. */
    @Override
    public void close()
    {
        if (!isClosed)
        {
            isClosed = true;
            CloseHelper.closeAll(writeChannel, readChannel);
        }
    }

    private void prepareFrame(final int length)
    {
        if (length < 1 || length > maxRecordLength)
        {
            throw new IllegalArgumentException(
                "record length " + length + " is outside the allowed 1.." + maxRecordLength + " bytes");
        }
        final int frameLength = HEADER_LENGTH + length;
        if (frame.capacity() < frameLength)
        {
            final int capacity = (int)Math.min(Integer.MAX_VALUE - 8, Long.highestOneBit(frameLength - 1L) << 1);
            frame = ByteBuffer.allocateDirect(Math.max(capacity, frameLength)).order(ByteOrder.LITTLE_ENDIAN);
        }
        frame.clear();
    }

    private long writeFrame(final int length)
    {
        final int frameLength = HEADER_LENGTH + length;
        frame.limit(frameLength).position(HEADER_LENGTH);
        crc.reset();
        crc.update(frame);
        frame.putInt(LENGTH_OFFSET, length);
        frame.putInt(CRC_OFFSET, (int)crc.getValue());
        frame.limit(frameLength).position(0);

        final long position = appendPosition;
        try
        {
            while (frame.hasRemaining())
            {
                writeChannel.write(frame, position + frame.position());
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("append to " + file + " failed at position " + position, ex);
        }
        appendPosition = position + frameLength;
        return position;
    }

    private void readFully(final ByteBuffer buffer, final long position)
    {
        while (true)
        {
            final FileChannel channel = readChannel;
            try
            {
                while (buffer.hasRemaining())
                {
                    if (channel.read(buffer, position + buffer.position()) < 0)
                    {
                        throw new IllegalStateException("record at position " + position + " of " + file +
                            " runs past the end of the log");
                    }
                }
                return;
            }
            catch (final ClosedByInterruptException ex)
            {
                reopenReadChannel(channel);
                throw new UncheckedIOException("read of " + file + " was interrupted", ex);
            }
            catch (final ClosedChannelException ex)
            {
                // Another reader was interrupted and so closed the shared channel: reopen it and read again.
                reopenReadChannel(channel);
            }
            catch (final IOException ex)
            {
                if (isClosed)
                {
                    throw new IllegalStateException("log " + file + " is closed", ex);
                }
                throw new UncheckedIOException("read of " + file + " failed at position " + position, ex);
            }
        }
    }

    private synchronized void reopenReadChannel(final FileChannel stale)
    {
        if (isClosed)
        {
            throw new IllegalStateException("log " + file + " is closed");
        }
        if (readChannel == stale)
        {
            try
            {
                readChannel = FileChannel.open(file, StandardOpenOption.READ);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot reopen " + file + " for reading", ex);
            }
        }
    }

    private static void forceDirectory(final Path directory) throws IOException
    {
        if (directory == null)
        {
            return;
        }
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ))
        {
            dir.force(true);
        }
        catch (final IOException ex)
        {
            // Not every file system lets a directory be opened and forced; the record data is still forced.
            LOG.debug("directory force not supported directory={}", directory, ex);
        }
    }
}
