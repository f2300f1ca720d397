package dev.whisk.storage;

import java.security.MessageDigest;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The credentials that failed their slow hash lately, so that the same wrong {@code uuid:key} sent again is refused
 * at the cost of one SHA-256 instead of another PBKDF2. A fixed table of {@value #SLOTS} entries indexed by the
 * credential's SHA-256: bounded whatever is sent, lock-free, and a newer failure simply replaces an older one in its
 * slot (which then costs one more slow hash if it comes back).
 *
 * <p>An entry names the subject the uuid had when it failed ({@code null}: no such uuid), and counts only while the
 * uuid still has that subject: a namespace created, deleted or re-created since then makes it stale. Only digests
 * are kept, never a key. Thread-safe.
 */
final class FailedKeys
{
    static final int SLOTS = 4096;

    private final AtomicReferenceArray<Entry> table = new AtomicReferenceArray<>(SLOTS);

    /** Whether {@code digest} (SHA-256 of {@code uuid:key}) failed while the uuid had {@code subject}. */
    boolean contains(final byte[] digest, final Object subject)
    {
        final Entry e = table.get(slot(digest));
        return e != null && e.subject == subject && MessageDigest.isEqual(e.digest, digest);
    }

    void add(final byte[] digest, final Object subject)
    {
        table.set(slot(digest), new Entry(digest, subject));
    }

    private static int slot(final byte[] digest)
    {
        return ((digest[0] & 0xFF) << 8 | (digest[1] & 0xFF)) & (SLOTS - 1);
    }

    private record Entry(byte[] digest, Object subject)
    {
    }
}
