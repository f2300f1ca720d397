package dev.whisk.storage;

import dev.whisk.core.entity.NamespaceLimits;

/**
 * One subject as its log record stores it: the key only as a salted PBKDF2-HMAC-SHA256 hash.
 *
 * @param salt       base64 of the random salt.
 * @param hash       base64 of the derived key.
 * @param iterations the PBKDF2 iteration count the hash was made with.
 */
record SubjectRecord(String subject, String namespace, String uuid, String salt, String hash, int iterations,
                     NamespaceLimits limits)
{
}
