package dev.whisk.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.whisk.core.entity.WhiskEntity;
import dev.whisk.core.json.Json;
import dev.whisk.storage.log.AppendLog;
import dev.whisk.storage.log.LogWriter;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.SystemNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link EntityStore} over one append-only log, {@value #FILE_NAME}, with every live entity held in memory.
 * <p>
 * A record is a type byte ({@link EntityType#code()}) followed by the entity's JSON, or
 * {@link EntityType#TOMBSTONE_CODE} followed by the document id for a delete. Opening the store replays the log: the
 * last write of an id wins and a tombstone removes it.
 * <p>
 * Threads: reads from any thread, served from a {@link ConcurrentHashMap}. Writes are commands to the writer thread
 * ({@code entity-writer}), the only thread that changes the map: it checks the expected revision against the current
 * state (including writes earlier in the same batch), appends, forces once per batch, then updates the map and
 * completes the futures. So a check-and-set never races another, and a reader never sees a write that is not durable.
 * <p>
 * Compaction: once the log is over {@link EntityStoreConfig#compactMinBytes()} and at least
 * {@link EntityStoreConfig#compactStalePercent()} of it is stale, the writer takes a snapshot of the live entities
 * at the current end of the log, and a background thread ({@code entity-compactor}) writes them to
 * {@code entities.log.compacting} and forces it. Then the writer, between two writes, copies the records appended
 * since the snapshot onto the new file, forces it and renames it over the log. Readers never wait (they read the
 * map); writers wait only for that tail copy and rename. A crash before the rename leaves the old log whole (the
 * leftover is deleted on open); after it, the new one.
 * <p>
 * Entities, code included, are held in memory whole; the log keeps the code too. Keeping large code out of memory
 * (read from the log on use) is not done yet.
 */
public final class FileEntityStore implements EntityStore
{
    public static final String FILE_NAME = "entities.log";
    public static final String COMPACTING_SUFFIX = ".compacting";

    private static final Logger LOG = LoggerFactory.getLogger(FileEntityStore.class);
    private static final Comparator<WhiskEntity> NEWEST_FIRST = Comparator
        .comparingLong(WhiskEntity::updated).reversed()
        .thenComparing(WhiskEntity::docId);

    private final ConcurrentHashMap<String, WhiskEntity> entities = new ConcurrentHashMap<>();
    private final EntityStoreConfig config;
    private final Path file;
    private final LogWriter<Object> writer;
    private final HashMap<String, Integer> recordBytes = new HashMap<>();
    private final AtomicLong compactions = new AtomicLong();
    private volatile AppendLog log;
    private volatile boolean isCompacting;
    private long liveBytes;
    private long unreadableRecords;

    public FileEntityStore(final EntityStoreConfig config)
    {
        try
        {
            Files.createDirectories(config.dir());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create entity store directory " + config.dir(), ex);
        }
        this.config = config;
        file = config.dir().resolve(FILE_NAME);
        deleteQuietly(compactingFile());
        log = AppendLog.open(file, this::onRecovered);
        try
        {
            writer = new LogWriter<>("entity-writer", () -> log.force(), config.queueCapacity(), 0,
                config.idleStrategy().get(), SystemNanoClock.INSTANCE, new Writer());
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(log);
            throw ex;
        }
        LOG.info("entity store open file={} entities={} corruptRegions={} unreadableRecords={}",
            file, entities.size(), log.corruptRegions(), unreadableRecords);
    }

    public static FileEntityStore open(final Path dir)
    {
        return new FileEntityStore(EntityStoreConfig.defaults(dir));
    }

    @Override
    public WhiskEntity get(final String docId)
    {
        return docId == null ? null : entities.get(docId);
    }

    @Override
    public List<WhiskEntity> list(final String namespace, final String collection, final int skip, final int limit)
    {
        if (skip < 0 || limit < 0)
        {
            throw new IllegalArgumentException("skip " + skip + " and limit " + limit + " must not be negative");
        }
        final List<WhiskEntity> matches = matching(namespace, collection);
        if (skip >= matches.size() || limit == 0)
        {
            return List.of();
        }
        matches.sort(NEWEST_FIRST);
        final int end = (int)Math.min(matches.size(), (long)skip + limit);
        return List.copyOf(matches.subList(skip, end));
    }

    @Override
    public int count(final String namespace, final String collection)
    {
        return matching(namespace, collection).size();
    }

    @Override
    public CompletableFuture<WriteResult> put(final WhiskEntity entity, final WhiskEntity expected)
    {
        Objects.requireNonNull(entity, "entity");
        final EntityType type = EntityType.of(entity);
        if (expected != null && !entity.docId().equals(expected.docId()))
        {
            throw new IllegalArgumentException(
                "expected revision of " + expected.docId() + " does not match entity " + entity.docId());
        }
        return submit(new Write(entity.docId(), entity, expected, payloadOf(entity, type), new CompletableFuture<>()));
    }

    private static byte[] payloadOf(final WhiskEntity entity, final EntityType type)
    {
        final byte[] json;
        try
        {
            json = Json.MAPPER.writeValueAsBytes(entity);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalArgumentException("entity " + entity.docId() + " cannot be written as JSON", ex);
        }
        final byte[] payload = new byte[1 + json.length];
        payload[0] = type.code();
        System.arraycopy(json, 0, payload, 1, json.length);
        return payload;
    }

    @Override
    public CompletableFuture<WriteResult> delete(final String docId, final WhiskEntity expected)
    {
        Objects.requireNonNull(docId, "docId");
        if (expected != null && !docId.equals(expected.docId()))
        {
            throw new IllegalArgumentException(
                "expected revision of " + expected.docId() + " does not match document " + docId);
        }
        final byte[] id = docId.getBytes(StandardCharsets.UTF_8);
        final byte[] payload = new byte[1 + id.length];
        payload[0] = EntityType.TOMBSTONE_CODE;
        System.arraycopy(id, 0, payload, 1, id.length);
        return submit(new Write(docId, null, expected, payload, new CompletableFuture<>()));
    }

    /** Corrupt regions the log scan skipped on open. */
    public long corruptRegions()
    {
        return log.corruptRegions();
    }

    /** Records on open whose CRC held but whose content could not be read (unknown type byte, bad JSON). */
    public long unreadableRecords()
    {
        return unreadableRecords;
    }

    /** Compactions finished since open. */
    public long compactions()
    {
        return compactions.get();
    }

    /** Finishes queued writes, then closes the writer thread and the file. Idempotent. */
    @Override
    public void close()
    {
        CloseHelper.closeAll(writer, log);
    }

    private CompletableFuture<WriteResult> submit(final Write write)
    {
        if (write.payload().length > log.maxRecordLength())
        {
            throw new IllegalArgumentException("entity " + write.docId() + " record of " + write.payload().length +
                " bytes exceeds max " + log.maxRecordLength());
        }
        if (!writer.offerNow(write))
        {
            write.result().completeExceptionally(writer.isClosed() ?
                new IllegalStateException("entity store is closed") :
                new RejectedExecutionException("entity writer queue is full"));
        }
        return write.result();
    }

    private List<WhiskEntity> matching(final String namespace, final String collection)
    {
        final ArrayList<WhiskEntity> matches = new ArrayList<>();
        if (namespace == null || collection == null)
        {
            return matches;
        }
        for (final WhiskEntity entity : entities.values())
        {
            if (collection.equals(entity.collection()) && isInNamespace(entity.namespace(), namespace))
            {
                matches.add(entity);
            }
        }
        return matches;
    }

    /** {@code ns} itself, or one of its packages {@code ns/pkg}. */
    static boolean isInNamespace(final String entityNamespace, final String namespace)
    {
        final int length = namespace.length();
        return entityNamespace.startsWith(namespace) &&
            (entityNamespace.length() == length || entityNamespace.charAt(length) == '/');
    }

    private void onRecovered(final long position, final DirectBuffer buffer, final int offset, final int length)
    {
        final byte code = buffer.getByte(offset);
        if (code == EntityType.TOMBSTONE_CODE)
        {
            final String docId = buffer.getStringWithoutLengthUtf8(offset + 1, length - 1);
            entities.remove(docId);
            forgetBytes(docId);
            return;
        }
        final EntityType type = EntityType.ofCode(code);
        if (type == null)
        {
            unreadableRecords++;
            LOG.warn("entity record of unknown type skipped file={} position={} type={}", file, position, code);
            return;
        }
        final byte[] json = new byte[length - 1];
        buffer.getBytes(offset + 1, json);
        try
        {
            final WhiskEntity entity = Json.MAPPER.readValue(json, type.entityClass());
            entities.put(entity.docId(), entity);
            rememberBytes(entity.docId(), AppendLog.HEADER_LENGTH + length);
        }
        catch (final IOException | RuntimeException ex)
        {
            unreadableRecords++;
            LOG.warn("unreadable entity record skipped file={} position={} error={}", file, position,
                ex.getMessage());
        }
    }

    /** A put ({@code entity} set) or delete ({@code entity} null) on its way to the writer. */
    private record Write(String docId, WhiskEntity entity, WhiskEntity expected, byte[] payload,
                         CompletableFuture<WriteResult> result)
    {
        boolean isDelete()
        {
            return entity == null;
        }
    }

    /** Opening thread, then writer thread: the bytes of each live entity's current record. */
    private void rememberBytes(final String docId, final int bytes)
    {
        final Integer old = recordBytes.put(docId, bytes);
        liveBytes += bytes - (old == null ? 0 : old);
    }

    private void forgetBytes(final String docId)
    {
        final Integer old = recordBytes.remove(docId);
        liveBytes -= old == null ? 0 : old;
    }

    private Path compactingFile()
    {
        return file.resolveSibling(FILE_NAME + COMPACTING_SUFFIX);
    }

    /** Writer thread, after a commit: starts a background compaction when enough of the log is stale. */
    private void maybeCompact()
    {
        final long totalBytes = log.appendPosition();
        if (isCompacting || totalBytes < config.compactMinBytes() ||
            (totalBytes - liveBytes) * 100 < totalBytes * config.compactStalePercent())
        {
            return;
        }
        isCompacting = true;
        final List<WhiskEntity> snapshot = new ArrayList<>(entities.values());
        final Thread compactor = new Thread(() -> compact(snapshot, totalBytes), "entity-compactor");
        compactor.setDaemon(true);
        compactor.start();
    }

    /** Compactor thread: writes the snapshot to the compacting file, then asks the writer to swap it in. */
    private void compact(final List<WhiskEntity> snapshot, final long snapshotPosition)
    {
        final Path compacting = compactingFile();
        try
        {
            deleteQuietly(compacting);
            try (AppendLog out = AppendLog.open(compacting, (position, buffer, offset, length) ->
            {
                throw new IllegalStateException("compacting file " + compacting + " is not empty");
            }))
            {
                for (final WhiskEntity entity : snapshot)
                {
                    out.append(payloadOf(entity, EntityType.of(entity)));
                }
                out.force();
            }
            final Swap swap = new Swap(compacting, snapshotPosition);
            while (!writer.offerNow(swap))
            {
                if (writer.isClosed())
                {
                    deleteQuietly(compacting);
                    isCompacting = false;
                    return;
                }
                Thread.yield();
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.error("entity compaction failed file={}", compacting, ex);
            deleteQuietly(compacting);
            isCompacting = false;
        }
    }

    private static void deleteQuietly(final Path path)
    {
        try
        {
            Files.deleteIfExists(path);
        }
        catch (final IOException ex)
        {
            LOG.warn("cannot delete file={} error={}", path, ex.getMessage());
        }
    }

    /** A compacted file with the live entities as of {@code snapshotPosition} in the log, ready to replace it. */
    private record Swap(Path compacted, long snapshotPosition)
    {
    }

    /** Owns the writer thread's view: the batch not yet committed. */
    private final class Writer implements LogWriter.Handler<Object>
    {
        private final HashMap<String, Write> pendingByDocId = new HashMap<>();
        private final OutcomeBatch<Write> batch = new OutcomeBatch<>("entity", Write::result);

        @Override
        public void onCommand(final Object command)
        {
            if (command instanceof Swap swap)
            {
                swapIn(swap);
                return;
            }
            final Write write = (Write)command;
            final WriteResult outcome = decide(write, current(write.docId()));
            if (batch.add(write, outcome, log, write.payload(), write.docId()) && outcome == WriteResult.OK)
            {
                pendingByDocId.put(write.docId(), write);
            }
        }

        @Override
        public void onCommitted()
        {
            batch.committed(this::apply);
            pendingByDocId.clear();
            maybeCompact();
        }

        @Override
        public void onCommitFailed(final RuntimeException cause)
        {
            batch.failed(cause);
            pendingByDocId.clear();
        }

        @Override
        public void onRejected(final Object command)
        {
            if (command instanceof Write write)
            {
                write.result().completeExceptionally(new IllegalStateException("entity store is closed"));
            }
            else if (command instanceof Swap swap)
            {
                deleteQuietly(swap.compacted());
            }
        }

        /**
         * Copies the records appended since the snapshot onto the compacted file, forces it, renames it over the log
         * and reopens the log. Records of the current batch are already in the file, so they are copied too, and the
         * coming commit forces the new log.
         */
        private void swapIn(final Swap swap)
        {
            final long end = log.appendPosition();
            try
            {
                try (FileChannel source = FileChannel.open(file, StandardOpenOption.READ);
                    FileChannel target = FileChannel.open(swap.compacted(), StandardOpenOption.WRITE))
                {
                    target.position(target.size());
                    long at = swap.snapshotPosition();
                    while (at < end)
                    {
                        at += source.transferTo(at, end - at, target);
                    }
                    target.force(true);
                }
                Files.move(swap.compacted(), file, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            }
            catch (final IOException ex)
            {
                LOG.error("entity compaction swap failed file={}", swap.compacted(), ex);
                deleteQuietly(swap.compacted());
                isCompacting = false;
                return;
            }
            final AppendLog old = log;
            log = AppendLog.open(file, (position, buffer, offset, length) ->
            {
                // The entities are in memory already; the scan only validates the compacted file.
            });
            CloseHelper.quietClose(old);
            compactions.incrementAndGet();
            isCompacting = false;
            LOG.info("entity log compacted file={} bytesBefore={} bytesAfter={} entities={}", file, end,
                log.appendPosition(), entities.size());
        }

        private WhiskEntity current(final String docId)
        {
            final Write pending = pendingByDocId.get(docId);
            return pending != null ? pending.entity() : entities.get(docId);
        }

        private void apply(final Write write)
        {
            if (write.isDelete())
            {
                entities.remove(write.docId());
                forgetBytes(write.docId());
            }
            else
            {
                entities.put(write.docId(), write.entity());
                rememberBytes(write.docId(), AppendLog.HEADER_LENGTH + write.payload().length);
            }
        }
    }

    private static WriteResult decide(final Write write, final WhiskEntity current)
    {
        final WhiskEntity expected = write.expected();
        if (write.isDelete())
        {
            if (current == null)
            {
                return WriteResult.NOT_FOUND;
            }
            return expected == null || isSameRevision(current, expected) ? WriteResult.OK : WriteResult.CONFLICT;
        }
        if (expected == null)
        {
            return current == null ? WriteResult.OK : WriteResult.CONFLICT;
        }
        return current != null && isSameRevision(current, expected) ? WriteResult.OK : WriteResult.CONFLICT;
    }

    /** The entity {@link #get} returned always matches; a copy matches when equal in every field. */
    private static boolean isSameRevision(final WhiskEntity current, final WhiskEntity expected)
    {
        return current == expected || current.equals(expected);
    }
}
