package dev.whisk.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.NamespaceLimits;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * A {@link SubjectStore} over one append-only log, {@value #FILE_NAME}, of JSON {@link SubjectRecord}s, all held in
 * memory.
 * <p>
 * Keys are stored only as salted PBKDF2-HMAC-SHA256 hashes. The first successful {@link #authenticate} of a uuid pays
 * the slow hash and caches the key's SHA-256 with the identity; later checks of that key cost one SHA-256 and a
 * constant-time compare ({@link #verified}). Any other credential costs one slow hash, for a known uuid as for an
 * unknown one, and a failure is remembered in a bounded table ({@link #isKnownWrong}) so that it is not hashed
 * again. Callers on an event loop ask the two cheap questions there and hash elsewhere.
 * <p>
 * Threads: reads from any thread. Creates, limit changes and deletes are commands to the writer thread
 * ({@code subject-writer}), which checks for an existing namespace or uuid, appends, forces, then publishes and
 * completes the future. A limit change appends the whole record again (the last record of a uuid wins on replay); a
 * delete appends it marked {@code deleted}.
 */
public final class FileSubjectStore implements SubjectStore
{
    public static final String FILE_NAME = "subjects.log";

    private static final Logger LOG = LoggerFactory.getLogger(FileSubjectStore.class);

    private final ConcurrentHashMap<String, Subject> byUuid = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Subject> byNamespace = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Verified> verifiedByUuid = new ConcurrentHashMap<>();
    /** Moves on every change of a subject (published or removed): see {@link #generation()}. */
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();
    private final FailedKeys failed = new FailedKeys();
    /** The salt an unknown uuid's key is hashed with, so that it costs what a known one does. */
    private final byte[] standInSalt = KeyHash.newSalt();
    private final int hashIterations;
    private final Path file;
    private final AppendLog log;
    private final LogWriter<Create> writer;
    private long unreadableRecords;

    public FileSubjectStore(final SubjectStoreConfig config)
    {
        hashIterations = config.hashIterations();
        try
        {
            Files.createDirectories(config.dir());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create subject store directory " + config.dir(), ex);
        }
        file = config.dir().resolve(FILE_NAME);
        log = AppendLog.open(file, this::onRecovered);
        try
        {
            writer = new LogWriter<>("subject-writer", log, config.queueCapacity(), 0,
                config.idleStrategy().get(), SystemNanoClock.INSTANCE, new Writer());
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(log);
            throw ex;
        }
        LOG.info("subject store open file={} subjects={} corruptRegions={} unreadableRecords={}",
            file, byUuid.size(), log.corruptRegions(), unreadableRecords);
    }

    public static FileSubjectStore open(final Path dir)
    {
        return new FileSubjectStore(SubjectStoreConfig.defaults(dir));
    }

    @Override
    public Identity verified(final String uuid, final String key)
    {
        if (uuid == null || key == null)
        {
            return null;
        }
        final Verified verified = verifiedByUuid.get(uuid);
        if (verified == null || verified.subject() != byUuid.get(uuid))
        {
            return null;
        }
        return MessageDigest.isEqual(verified.keyDigest(), KeyHash.fastDigest(key)) ? verified.identity() : null;
    }

    @Override
    public boolean isKnownWrong(final String uuid, final String key)
    {
        return uuid != null && key != null && failed.contains(KeyHash.fastDigest(uuid + ':' + key), byUuid.get(uuid));
    }

    /**
     * Costs one slow hash unless the key is {@link #verified}, whether the uuid exists or not: an unknown uuid is
     * hashed against a stand-in hash of the same cost, so the time of an answer does not tell which uuids exist. A
     * failure is remembered ({@link FailedKeys}) so that {@link #isKnownWrong} refuses the same credential cheaply.
     */
    @Override
    public Identity authenticate(final String uuid, final String key)
    {
        if (uuid == null || key == null)
        {
            return null;
        }
        final Identity known = verified(uuid, key);
        if (known != null)
        {
            return known;
        }
        final Subject subject = byUuid.get(uuid);
        final byte[] hash = subject == null ? KeyHash.slowHash(key, standInSalt, hashIterations) :
            KeyHash.slowHash(key, subject.salt(), subject.record().iterations());
        if (subject == null || !MessageDigest.isEqual(subject.hash(), hash))
        {
            failed.add(KeyHash.fastDigest(uuid + ':' + key), subject);
            return null;
        }
        final SubjectRecord record = subject.record();
        final Identity identity =
            new Identity(record.subject(), record.namespace(), uuid, uuid + ":" + key, record.limits());
        verifiedByUuid.put(uuid, new Verified(subject, KeyHash.fastDigest(key), identity));
        return identity;
    }

    @Override
    public CompletableFuture<WriteResult> create(
        final String subject,
        final String namespace,
        final String uuid,
        final String key,
        final NamespaceLimits limits)
    {
        requireText(subject, "subject");
        requireText(namespace, "namespace");
        requireText(uuid, "uuid");
        requireText(key, "key");
        Objects.requireNonNull(limits, "limits");

        final byte[] salt = KeyHash.newSalt();
        final byte[] hash = KeyHash.slowHash(key, salt, hashIterations);
        final Base64.Encoder base64 = Base64.getEncoder();
        final SubjectRecord record = new SubjectRecord(subject, namespace, uuid, base64.encodeToString(salt),
            base64.encodeToString(hash), hashIterations, limits, false);
        return offer(new Create(Change.CREATE, new Subject(record, salt, hash), json(record),
            new CompletableFuture<>()));
    }

    /**
     * Replaces the limits of {@code namespace}; its credential stays. Completes with {@link WriteResult#NOT_FOUND}
     * when the namespace does not exist.
     */
    @Override
    public CompletableFuture<WriteResult> setLimits(final String namespace, final NamespaceLimits limits)
    {
        Objects.requireNonNull(limits, "limits");
        final Subject current = namespace == null ? null : byNamespace.get(namespace);
        if (current == null)
        {
            return CompletableFuture.completedFuture(WriteResult.NOT_FOUND);
        }
        final SubjectRecord record = current.record().withLimits(limits);
        return offer(new Create(Change.REPLACE, new Subject(record, current.salt(), current.hash()), json(record),
            new CompletableFuture<>()));
    }

    /** Deletes {@code namespace} and its credential: {@link WriteResult#OK} or {@link WriteResult#NOT_FOUND}. */
    @Override
    public CompletableFuture<WriteResult> delete(final String namespace)
    {
        final Subject current = namespace == null ? null : byNamespace.get(namespace);
        if (current == null)
        {
            return CompletableFuture.completedFuture(WriteResult.NOT_FOUND);
        }
        final SubjectRecord record = current.record().asDeleted();
        return offer(new Create(Change.DELETE, new Subject(record, current.salt(), current.hash()), json(record),
            new CompletableFuture<>()));
    }

    private static byte[] json(final SubjectRecord record)
    {
        try
        {
            return Json.MAPPER.writeValueAsBytes(record);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalArgumentException("subject " + record.subject() + " cannot be written as JSON", ex);
        }
    }

    private CompletableFuture<WriteResult> offer(final Create create)
    {
        if (!writer.offerNow(create))
        {
            create.result().completeExceptionally(writer.isClosed() ?
                new IllegalStateException("subject store is closed") :
                new RejectedExecutionException("subject writer queue is full"));
        }
        return create.result();
    }

    @Override
    public List<String> namespaces()
    {
        final ArrayList<String> namespaces = new ArrayList<>(byNamespace.keySet());
        namespaces.sort(null);
        return namespaces;
    }

    @Override
    public boolean hasNamespace(final String namespace)
    {
        return namespace != null && byNamespace.containsKey(namespace);
    }

    /**
     * The owner of {@code namespace} for administration, or {@code null}. The identity carries no API key: the store
     * does not know it.
     */
    @Override
    public Identity findByNamespace(final String namespace)
    {
        final Subject subject = namespace == null ? null : byNamespace.get(namespace);
        if (subject == null)
        {
            return null;
        }
        final SubjectRecord record = subject.record();
        return new Identity(record.subject(), record.namespace(), record.uuid(), null, record.limits());
    }

    /** Corrupt regions the log scan skipped on open. */
    public long corruptRegions()
    {
        return log.corruptRegions();
    }

    /** Records on open whose CRC held but whose JSON could not be read. */
    public long unreadableRecords()
    {
        return unreadableRecords;
    }

    /** Finishes queued creates, then closes the writer thread and the file. Idempotent. */
    @Override
    public void close()
    {
        CloseHelper.closeAll(writer, log);
    }

    private void onRecovered(final long position, final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] json = new byte[length];
        buffer.getBytes(offset, json);
        try
        {
            final SubjectRecord record = Json.MAPPER.readValue(json, SubjectRecord.class);
            final Base64.Decoder base64 = Base64.getDecoder();
            final Subject subject = new Subject(record, base64.decode(record.salt()), base64.decode(record.hash()));
            if (record.deleted())
            {
                unpublish(subject);
            }
            else
            {
                publish(subject);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            unreadableRecords++;
            LOG.warn("unreadable subject record skipped file={} position={} error={}", file, position,
                ex.getMessage());
        }
    }

    private void publish(final Subject subject)
    {
        final SubjectRecord record = subject.record();
        byNamespace.put(record.namespace(), subject);
        byUuid.put(record.uuid(), subject);
        generation.incrementAndGet();
    }

    private void unpublish(final Subject subject)
    {
        final SubjectRecord record = subject.record();
        byNamespace.remove(record.namespace());
        byUuid.remove(record.uuid());
        verifiedByUuid.remove(record.uuid());
        generation.incrementAndGet();
    }

    @Override
    public long generation()
    {
        return generation.get();
    }

    private static void requireText(final String value, final String name)
    {
        if (value == null || value.isEmpty())
        {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }

    /** A stored subject with its salt and hash decoded. */
    private record Subject(SubjectRecord record, byte[] salt, byte[] hash)
    {
    }

    /** A key that passed the slow check once, kept only as its SHA-256. */
    private record Verified(Subject subject, byte[] keyDigest, Identity identity)
    {
    }

    /** What a write command does to its subject. */
    private enum Change
    {
        CREATE,
        REPLACE,
        DELETE
    }

    private record Create(Change change, Subject subject, byte[] payload, CompletableFuture<WriteResult> result)
    {
    }

    /** Owns the writer thread's view: the batch not yet committed. */
    private final class Writer implements LogWriter.Handler<Create>
    {
        private final HashSet<String> pendingUuids = new HashSet<>();
        private final HashSet<String> pendingNamespaces = new HashSet<>();
        private final OutcomeBatch<Create> batch = new OutcomeBatch<>("subject", Create::result);

        @Override
        public void onCommand(final Create create)
        {
            final SubjectRecord record = create.subject().record();
            final boolean exists = byUuid.containsKey(record.uuid()) || pendingUuids.contains(record.uuid()) ||
                byNamespace.containsKey(record.namespace()) || pendingNamespaces.contains(record.namespace());
            final WriteResult outcome = create.change() == Change.CREATE ?
                (exists ? WriteResult.CONFLICT : WriteResult.OK) :
                (byNamespace.containsKey(record.namespace()) ? WriteResult.OK : WriteResult.NOT_FOUND);
            if (batch.add(create, outcome, log, create.payload(), record.namespace()) && outcome == WriteResult.OK)
            {
                pendingUuids.add(record.uuid());
                pendingNamespaces.add(record.namespace());
            }
        }

        @Override
        public void onCommitted()
        {
            batch.committed(this::apply);
            clear();
        }

        @Override
        public void onCommitFailed(final RuntimeException cause)
        {
            batch.failed(cause);
            clear();
        }

        @Override
        public void onRejected(final Create create)
        {
            create.result().completeExceptionally(new IllegalStateException("subject store is closed"));
        }

        private void apply(final Create create)
        {
            if (create.change() == Change.DELETE)
            {
                unpublish(create.subject());
            }
            else
            {
                publish(create.subject());
            }
        }

        private void clear()
        {
            pendingUuids.clear();
            pendingNamespaces.clear();
        }
    }
}
