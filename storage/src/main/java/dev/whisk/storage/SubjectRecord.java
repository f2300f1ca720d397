package dev.whisk.storage;

import dev.whisk.core.entity.NamespaceLimits;

/**
 * One subject as its log record stores it: the key only as a salted PBKDF2-HMAC-SHA256 hash.
 *
 * @param salt       base64 of the random salt.
 * @param hash       base64 of the derived key.
 * @param iterations the PBKDF2 iteration count the hash was made with.
 * @param deleted    a tombstone: the namespace and its credential are gone (records before deletes existed read as
 *                   {@code false}).
 */
record SubjectRecord(String subject, String namespace, String uuid, String salt, String hash, int iterations,
                     NamespaceLimits limits, boolean deleted)
{
    /** The same subject with other limits. */
    SubjectRecord withLimits(final NamespaceLimits newLimits)
    {
        return new SubjectRecord(subject, namespace, uuid, salt, hash, iterations, newLimits, false);
    }

    /** The tombstone of this subject. */
    SubjectRecord asDeleted()
    {
        return new SubjectRecord(subject, namespace, uuid, salt, hash, iterations, limits, true);
    }
}
