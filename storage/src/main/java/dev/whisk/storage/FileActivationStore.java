package dev.whisk.storage;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationCodec;
import dev.whisk.core.activation.ActivationId;
import dev.whisk.storage.log.AppendLog;
import dev.whisk.storage.log.LogWriter;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An {@link ActivationStore} over segmented append-only logs of {@link ActivationCodec} records (see
 * {@link ActivationSegments}), with compact in-memory indexes: an {@link ActivationIdIndex} from id to position, and
 * per namespace a {@link NamespaceActivations} of starts, paths and positions. Records are read from the file on
 * demand. Opening the store scans the segments and rebuilds both indexes.
 * <p>
 * Durability follows {@link ActivationStoreConfig} (group commit at the commit interval). Retention drops whole
 * segments by age and total size; it is checked when a segment rolls and at most once a second while records arrive.
 * <p>
 * Threads: {@link #append} from any thread, never blocking: it offers to a bounded queue drained by the writer thread
 * ({@code activation-writer}), which encodes, appends each drained batch in one write and indexes it. The sync thread
 * ({@code activation-sync}, see {@link ActivationSyncer}) forces the written records at most every commit interval,
 * while the writer goes on writing, then calls the durable listeners. {@link #get}, {@link #list} and {@link #count}
 * run on the caller's thread against the indexes and the files.
 */
public final class FileActivationStore implements ActivationStore
{
    public static final String DIRECTORY_NAME = "activations";

    private static final Logger LOG = LoggerFactory.getLogger(FileActivationStore.class);
    private static final int INITIAL_ENCODE_CAPACITY = 4096;
    private static final long RETENTION_CHECK_INTERVAL_MS = 1_000;

    private final ActivationIdIndex ids = new ActivationIdIndex();
    private final ConcurrentHashMap<String, NamespaceActivations> byNamespace = new ConcurrentHashMap<>();
    private final AtomicLong writeFailures = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong unreadableReads = new AtomicLong();
    private final ActivationStoreConfig config;
    private final ActivationSegments segments;
    /** How long a reader waits for the writer to index what was appended before the read. */
    private static final long CATCH_UP_NS = TimeUnit.MILLISECONDS.toNanos(200);
    private final LogWriter<Object> writer;
    private final ActivationSyncer syncer;
    private final AgentRunner syncRunner;
    /** Wakes the sync thread for good before it is stopped, so that stopping does not wait out a sleep. */
    private final Runnable stopSync;
    private final ActivationCodec.Key recoveredKey = new ActivationCodec.Key();
    private long unreadableRecords;
    private long recoveredRecords;

    public FileActivationStore(final ActivationStoreConfig config)
    {
        this.config = config;
        final Path dir = config.dir().resolve(DIRECTORY_NAME);
        try
        {
            Files.createDirectories(dir);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create activation store directory " + dir, ex);
        }
        final long startNs = System.nanoTime();
        segments = new ActivationSegments(dir, config.segmentBytes(), this::onRecovered);
        try
        {
            applyRetention();
            syncer = new ActivationSyncer(segments, TimeUnit.MILLISECONDS.toNanos(config.commitIntervalMs()),
                SystemNanoClock.INSTANCE, segments.endPosition());
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(segments);
            throw ex;
        }
        final org.agrona.concurrent.IdleStrategy syncIdle = config.idleStrategy().get();
        if (syncIdle instanceof dev.whisk.core.concurrent.LingeringIdleStrategy lingering)
        {
            lingering.watch(syncer::hasWork);
            syncer.wakeWith(lingering::wake);
            stopSync = lingering::stop;
        }
        else
        {
            stopSync = () -> { };
        }
        syncRunner = new AgentRunner(syncIdle, error -> LOG.error("activation sync error", error), null, syncer);
        AgentRunner.startOnThread(syncRunner);
        try
        {
            // The writer's own commits are no-ops: forcing is the sync thread's job, so writing never waits for it.
            writer = new LogWriter<>("activation-writer", () -> { }, config.queueCapacity(), 0,
                config.idleStrategy().get(), SystemNanoClock.INSTANCE, new Writer());
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.closeAll(syncRunner, segments);
            throw ex;
        }
        LOG.info("activation store open dir={} segments={} activations={} openMs={} corruptRegions={} " +
            "unreadableRecords={}", dir, segments.segmentCount(), recoveredRecords,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs), segments.corruptRegions(), unreadableRecords);
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
     * @throws IllegalArgumentException when the activation id is not 32 lowercase hex characters, or the result and
     *                                  logs alone are larger than a record may be; nothing is written then.
     */
    @Override
    public boolean append(final Activation activation)
    {
        return append(activation, null);
    }

    /**
     * Hands a record to the writer, as {@link #append(Activation)}, and asks to hear when it is durable.
     *
     * @param onDurable {@code null}, or called on the sync thread with the record once a force covering it has
     *                  returned. Not called when the record could not be written (counted in {@link #writeFailures})
     *                  or the store closed first. A failed force defers the call to the next successful one. Keep it
     *                  short and non-blocking; cache it in a field to avoid allocating per record.
     * @return false when the writer's queue is full or the store is closed; the listener is then never called.
     * @throws IllegalArgumentException when the activation id is not 32 lowercase hex characters.
     */
    @Override
    public boolean append(final Activation activation, final Consumer<Activation> onDurable)
    {
        Objects.requireNonNull(activation, "activation");
        if (!ActivationId.isValid(activation.activationId()))
        {
            throw new IllegalArgumentException("activation id " + activation.activationId() + " is not valid");
        }
        final long bodyBytes = bodyBytes(activation);
        if (bodyBytes > AppendLog.DEFAULT_MAX_RECORD_LENGTH)
        {
            throw new IllegalArgumentException("activation " + activation.activationId() + " result and logs of at " +
                "least " + bodyBytes + " bytes exceed the max record of " + AppendLog.DEFAULT_MAX_RECORD_LENGTH);
        }
        // A record nobody waits for is taken by the lingering writer in its own time: no wake-up per activation.
        return onDurable == null ? writer.offer(activation) :
            writer.offerNow(new ActivationSyncer.Pending(activation, onDurable));
    }

    /** A lower bound of the encoded size: result bytes plus one byte per log character. */
    private static long bodyBytes(final Activation activation)
    {
        long bytes = activation.result() == null ? 0 : activation.result().length;
        final List<String> logs = activation.logs();
        for (int i = 0, n = logs.size(); i < n; i++)
        {
            bytes += logs.get(i).length();
        }
        return bytes;
    }

    @Override
    public Activation get(final String namespace, final String activationId)
    {
        if (namespace == null || !ActivationId.isValid(activationId))
        {
            return null;
        }
        long position = ids.get(ActivationId.parseHi(activationId), ActivationId.parseLo(activationId));
        if (position < 0 && writer.catchUp(CATCH_UP_NS))
        {
            // The writer takes records in its own time (group commit): one just appended may not be indexed yet.
            position = ids.get(ActivationId.parseHi(activationId), ActivationId.parseLo(activationId));
        }
        if (position < 0)
        {
            return null;
        }
        final Activation activation = read(position);
        return activation != null && namespace.equals(activation.namespace()) ? activation : null;
    }

    /** An index look-up: the record is written and a force covering it has returned. Any thread. */
    @Override
    public boolean isDurable(final String namespace, final long idHi, final long idLo)
    {
        final long position = ids.get(idHi, idLo);
        return position >= 0 && position < syncer.durablePosition();
    }

    @Override
    public List<Activation> list(final ActivationQuery query)
    {
        writer.catchUp(CATCH_UP_NS);
        final NamespaceActivations namespace = query.namespace() == null ? null : byNamespace.get(query.namespace());
        if (namespace == null)
        {
            return List.of();
        }
        final long[] positions = namespace.select(query, segments.floorPosition());
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
        final NamespaceActivations namespace = query.namespace() == null ? null : byNamespace.get(query.namespace());
        return namespace == null ? 0 : namespace.count(query, segments.floorPosition());
    }

    /** Records that could not be encoded or appended (too large, I/O failure), and were lost. */
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

    /** Corrupt regions the log scan skipped on open, over all segments. */
    public long corruptRegions()
    {
        return segments.corruptRegions();
    }

    /** Records on open whose CRC held but which did not decode. */
    public long unreadableRecords()
    {
        return unreadableRecords;
    }

    /** Records the scan on open indexed. */
    public long recoveredRecords()
    {
        return recoveredRecords;
    }

    /** Forces (commits) since open. */
    public long commitCount()
    {
        return syncer.commitCount();
    }

    /** Forces that failed since open; their records wait for the next force. */
    public long commitFailures()
    {
        return syncer.failureCount();
    }

    /** Writes and forces what was appended, then stops the writer thread and closes the files. Idempotent. */
    @Override
    public void close()
    {
        CloseHelper.closeAll(writer, stopSync::run, syncRunner, segments);
    }

    private Activation read(final long position)
    {
        try
        {
            final byte[] record = segments.read(position);
            return record == null ? null : ActivationCodec.decode(new UnsafeBuffer(record), 0, record.length);
        }
        catch (final IllegalArgumentException | IllegalStateException | UncheckedIOException ex)
        {
            if (writer.isClosed())
            {
                throw new IllegalStateException("activation store is closed", ex);
            }
            if (position < segments.floorPosition())
            {
                return null;
            }
            unreadableReads.incrementAndGet();
            LOG.warn("unreadable activation record position={} error={}", position, ex.getMessage());
            return null;
        }
    }

    private long onRecovered(final long position, final DirectBuffer buffer, final int offset, final int length)
    {
        try
        {
            ActivationCodec.decodeKey(buffer, offset, length, recoveredKey);
        }
        catch (final IllegalArgumentException ex)
        {
            unreadableRecords++;
            LOG.warn("unreadable activation record skipped position={} error={}", position, ex.getMessage());
            return Long.MIN_VALUE;
        }
        index(recoveredKey.idHi, recoveredKey.idLo, recoveredKey.namespace, recoveredKey.startMs, recoveredKey.path,
            position);
        recoveredRecords++;
        return recoveredKey.startMs;
    }

    private void index(final long idHi, final long idLo, final String namespace, final long startMs,
        final String path, final long position)
    {
        NamespaceActivations activations = byNamespace.get(namespace);
        if (activations == null)
        {
            activations = new NamespaceActivations();
            byNamespace.put(namespace, activations);
        }
        activations.add(startMs, path, position);
        ids.put(idHi, idLo, position);
    }

    /** Opening thread or writer thread. */
    private void applyRetention()
    {
        final long oldestStartMs = config.clock().time() - config.retentionMs();
        if (segments.retain(oldestStartMs, config.maxTotalBytes()) > 0)
        {
            final long floor = segments.floorPosition();
            ids.purge(floor);
            for (final NamespaceActivations activations : byNamespace.values())
            {
                activations.trim(floor);
            }
        }
    }

    /** Owns the encode buffer, the batch being written and the listeners waiting for the next commit. */
    private final class Writer implements LogWriter.Handler<Object>
    {
        private final ExpandableDirectByteBuffer encodeBuffer = new ExpandableDirectByteBuffer(INITIAL_ENCODE_CAPACITY);
        private final ArrayList<Activation> batch = new ArrayList<>();
        private final ArrayList<ActivationSyncer.Pending> awaitingFlush = new ArrayList<>();
        private long[] batchPositions = new long[LogWriter.BATCH_LIMIT];
        private long lastRetentionCheckMs;
        private int segmentCount = segments.segmentCount();

        @Override
        public void onCommand(final Object command)
        {
            final ActivationSyncer.Pending pending = command instanceof ActivationSyncer.Pending p ? p : null;
            final Activation activation = pending != null ? pending.activation : (Activation)command;
            final long position;
            try
            {
                final int length = ActivationCodec.encode(activation, encodeBuffer, 0);
                position = segments.append(encodeBuffer, 0, length, activation.startMs());
            }
            catch (final RuntimeException ex)
            {
                writeFailures.incrementAndGet();
                LOG.error("activation append failed activationId={}", activation.activationId(), ex);
                return;
            }
            final int at = batch.size();
            if (at == batchPositions.length)
            {
                batchPositions = Arrays.copyOf(batchPositions, at * 2);
            }
            batchPositions[at] = position;
            batch.add(activation);
            if (pending != null)
            {
                pending.endPosition = segments.endPosition();
                awaitingFlush.add(pending);
            }
        }

        @Override
        public void onBatchEnd()
        {
            segments.flush();
            for (int i = 0, n = batch.size(); i < n; i++)
            {
                final Activation a = batch.get(i);
                index(ActivationId.parseHi(a.activationId()), ActivationId.parseLo(a.activationId()), a.namespace(),
                    a.startMs(), a.path(), batchPositions[i]);
            }
            batch.clear();
            for (int i = 0, n = awaitingFlush.size(); i < n; i++)
            {
                syncer.awaitDurable(awaitingFlush.get(i));
            }
            awaitingFlush.clear();
            syncer.onWritten(segments.endPosition());
            final long nowMs = config.clock().time();
            final int count = segments.segmentCount();
            if (count != segmentCount || nowMs - lastRetentionCheckMs >= RETENTION_CHECK_INTERVAL_MS)
            {
                lastRetentionCheckMs = nowMs;
                applyRetention();
                segmentCount = segments.segmentCount();
            }
        }

        @Override
        public void onCommitted()
        {
            // The sync thread commits; see ActivationSyncer.
        }

        @Override
        public void onCommitFailed(final RuntimeException cause)
        {
            // Never called: the writer's own force is a no-op.
        }

        @Override
        public void onRejected(final Object command)
        {
            rejected.incrementAndGet();
        }
    }
}
