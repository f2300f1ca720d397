package dev.whisk.storage;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * The two digests of an API key: the slow salted PBKDF2-HMAC-SHA256 hash that is stored, and the fast SHA-256 that
 * caches a key already verified. Thread-safe.
 */
final class KeyHash
{
    static final int SALT_LENGTH = 16;
    static final int HASH_BITS = 256;
    private static final String PBKDF2 = "PBKDF2WithHmacSHA256";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(KeyHash::newSha256);

    private KeyHash()
    {
    }

    static byte[] newSalt()
    {
        final byte[] salt = new byte[SALT_LENGTH];
        RANDOM.nextBytes(salt);
        return salt;
    }

    static byte[] slowHash(final String key, final byte[] salt, final int iterations)
    {
        final PBEKeySpec spec = new PBEKeySpec(key.toCharArray(), salt, iterations, HASH_BITS);
        try
        {
            return SecretKeyFactory.getInstance(PBKDF2).generateSecret(spec).getEncoded();
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(PBKDF2 + " is not available", ex);
        }
        finally
        {
            spec.clearPassword();
        }
    }

    static byte[] fastDigest(final String key)
    {
        final MessageDigest digest = SHA_256.get();
        digest.reset();
        return digest.digest(key.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest newSha256()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is not available", ex);
        }
    }
}
