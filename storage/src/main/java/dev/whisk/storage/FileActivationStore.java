package dev.whisk.storage;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationCodec;
import dev.whisk.core.activation.ActivationId;
import dev.whisk.storage.log.AppendLog;
import dev.whisk.storage.log.LogWriter;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link ActivationStore} over an append-only log of {@link ActivationCodec} records, with an in-memory
 * {@link ActivationIndex} of where each record is. Records are read back from the file on demand.
 * <p>
 * Files: {@code activations/00000000.log} under the data directory; the number names the segment, so that later
 * segments can follow. Opening the store scans the log and rebuilds the index.
 * <p>
 * Threads: {@link #append} from any thread, never blocking: it offers to a bounded queue drained by the writer thread
 * ({@code activation-writer}), which encodes, appends, indexes, and forces at most every commit interval. A record is
 * readable once indexed, which may be before it is forced. {@link #get}, {@link #list} and {@link #count} run on the
 * caller's thread against the index and the file.
 */
public final class FileActivationStore implements ActivationStore
{
    public static final String DIRECTORY_NAME = "activations";

    private static final Logger LOG = LoggerFactory.getLogger(FileActivationStore.class);
    private static final int INITIAL_ENCODE_CAPACITY = 4096;

    private final ActivationIndex index = new ActivationIndex();
    private final AtomicLong writeFailures = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong unreadableReads = new AtomicLong();
    private final Path file;
    private final AppendLog log;
    private final LogWriter<Activation> writer;
    private long unreadableRecords;

    public FileActivationStore(final ActivationStoreConfig config)
    {
        final Path dir = config.dir().resolve(DIRECTORY_NAME);
        try
        {
            Files.createDirectories(dir);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create activation store directory " + dir, ex);
        }
        file = dir.resolve(segmentFileName(0));
        log = AppendLog.open(file, this::onRecovered);
        try
        {
            writer = new LogWriter<>("activation-writer", log, config.queueCapacity(),
                TimeUnit.MILLISECONDS.toNanos(config.commitIntervalMs()), config.idleStrategy().get(),
                SystemNanoClock.INSTANCE, new Writer());
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(log);
            throw ex;
        }
        LOG.info("activation store open file={} activations={} corruptRegions={} unreadableRecords={}",
            file, index.size(), log.corruptRegions(), unreadableRecords);
    }

    public static FileActivationStore open(final Path dir)
    {
        return new FileActivationStore(ActivationStoreConfig.defaults(dir));
    }

    /** The file name of segment {@code segment}: eight digits, so that names sort in segment order. */
    public static String segmentFileName(final int segment)
    {
        return String.format("%08d.log", segment);
    }

    /**
     * @throws IllegalArgumentException when the activation id is not 32 lowercase hex characters.
     */
    @Override
    public boolean append(final Activation activation)
    {
        Objects.requireNonNull(activation, "activation");
        if (!ActivationId.isValid(activation.activationId()))
        {
            throw new IllegalArgumentException("activation id " + activation.activationId() + " is not valid");
        }
        return writer.offer(activation);
    }

    @Override
    public Activation get(final String namespace, final String activationId)
    {
        if (namespace == null || activationId == null)
        {
            return null;
        }
        final long position = index.positionOf(activationId);
        if (position < 0)
        {
            return null;
        }
        final Activation activation = read(position);
        return activation != null && namespace.equals(activation.namespace()) ? activation : null;
    }

    @Override
    public List<Activation> list(final ActivationQuery query)
    {
        final long[] positions = index.select(query);
        final ArrayList<Activation> activations = new ArrayList<>(positions.length);
        for (final long position : positions)
        {
            final Activation activation = read(position);
            if (activation != null)
            {
                activations.add(activation);
            }
        }
        return activations;
    }

    @Override
    public int count(final ActivationQuery query)
    {
        return index.count(query);
    }

    /** Records that could not be encoded or appended, and were lost. */
    public long writeFailures()
    {
        return writeFailures.get();
    }

    /** Records offered while the store closed, and dropped. */
    public long rejectedOnClose()
    {
        return rejected.get();
    }

    /** Reads that found a record they could not decode (disk corruption after open). */
    public long unreadableReads()
    {
        return unreadableReads.get();
    }

    /** Corrupt regions the log scan skipped on open. */
    public long corruptRegions()
    {
        return log.corruptRegions();
    }

    /** Records on open whose CRC held but which did not decode. */
    public long unreadableRecords()
    {
        return unreadableRecords;
    }

    /** Writes and forces what was appended, then stops the writer thread and closes the file. Idempotent. */
    @Override
    public void close()
    {
        CloseHelper.closeAll(writer, log);
    }

    private Activation read(final long position)
    {
        try
        {
            final byte[] record = log.read(position);
            return ActivationCodec.decode(new UnsafeBuffer(record), 0, record.length);
        }
        catch (final IllegalArgumentException | IllegalStateException | UncheckedIOException ex)
        {
            if (writer.isClosed())
            {
                throw new IllegalStateException("activation store is closed", ex);
            }
            unreadableReads.incrementAndGet();
            LOG.warn("unreadable activation record file={} position={} error={}", file, position, ex.getMessage());
            return null;
        }
    }

    private void onRecovered(final long position, final DirectBuffer buffer, final int offset, final int length)
    {
        try
        {
            index.add(ActivationCodec.decode(buffer, offset, length), position);
        }
        catch (final IllegalArgumentException ex)
        {
            unreadableRecords++;
            LOG.warn("unreadable activation record skipped file={} position={} error={}", file, position,
                ex.getMessage());
        }
    }

    /** Owns the encode buffer. Records are indexed as soon as they are written; commits only force. */
    private final class Writer implements LogWriter.Handler<Activation>
    {
        private final ExpandableDirectByteBuffer encodeBuffer = new ExpandableDirectByteBuffer(INITIAL_ENCODE_CAPACITY);

        @Override
        public void onCommand(final Activation activation)
        {
            try
            {
                final int length = ActivationCodec.encode(activation, encodeBuffer, 0);
                index.add(activation, log.append(encodeBuffer, 0, length));
            }
            catch (final RuntimeException ex)
            {
                writeFailures.incrementAndGet();
                LOG.error("activation append failed activationId={}", activation.activationId(), ex);
            }
        }

        @Override
        public void onCommitted()
        {
            // Nothing waits on durability: records were readable from the moment they were indexed.
        }

        @Override
        public void onCommitFailed(final RuntimeException cause)
        {
            // Already logged and counted by the writer; the records stay readable but may not survive a crash.
        }

        @Override
        public void onRejected(final Activation activation)
        {
            rejected.incrementAndGet();
        }
    }
}
