package dev.whisk.core.entity;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Seals secrets that must travel or rest in the platform's files (an API key a run is handed, the {@code authKey} of
 * a feed run, a webhook secret) with AES-256-GCM under the platform's key, so that no journal, store or activation
 * file holds one in plain text. A sealed value is {@value #PREFIX} followed by base64 of a 12-byte nonce and the
 * ciphertext with its tag; it is as unreadable without the key as it is unforgeable.
 *
 * <p>Values written before sealing existed do not carry the prefix and {@link #open} passes them through, so older
 * journals and stores still work. Thread-safe: each call has its own {@link Cipher}.
 */
public final class KeySeal
{
    public static final String PREFIX = "sealed:v1:";
    public static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    /** @param key 32 bytes of the platform's key. */
    public KeySeal(final byte[] key)
    {
        if (key.length != KEY_BYTES)
        {
            throw new IllegalArgumentException("key of " + key.length + " bytes, expected " + KEY_BYTES);
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
    }

    /** A seal whose key lives only in this process: what it seals cannot be opened after a restart. */
    public static KeySeal ephemeral()
    {
        final byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return new KeySeal(key);
    }

    /**
     * A seal keyed by SHA-256 of a secret that the parties already share (the controller and its invokers share
     * the invoker token), so that each derives the same key without it ever being written down.
     */
    public static KeySeal derivedFrom(final String sharedSecret)
    {
        try
        {
            final MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("whisk key seal v1\0".getBytes(StandardCharsets.UTF_8));
            return new KeySeal(sha.digest(sharedSecret.getBytes(StandardCharsets.UTF_8)));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is missing from this JDK", ex);
        }
    }

    /** The sealed form of {@code plain}; {@code null} stays {@code null}. */
    public String seal(final String plain)
    {
        if (plain == null)
        {
            return null;
        }
        try
        {
            final byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            final Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            final byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            final byte[] all = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, all, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, all, NONCE_BYTES, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(all);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("AES-GCM sealing failed", ex);
        }
    }

    /**
     * The plain form of a value {@link #seal} produced; a value without the prefix (written before sealing) is
     * returned as it is, {@code null} stays {@code null}.
     *
     * @throws IllegalArgumentException when the value was sealed under another key or altered.
     */
    public String open(final String value)
    {
        if (value == null || !value.startsWith(PREFIX))
        {
            return value;
        }
        try
        {
            final byte[] all = Base64.getDecoder().decode(value.substring(PREFIX.length()));
            if (all.length <= NONCE_BYTES)
            {
                throw new IllegalArgumentException("sealed value of " + all.length + " bytes is too short");
            }
            final Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            return new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        }
        catch (final javax.crypto.AEADBadTagException ex)
        {
            throw new IllegalArgumentException("sealed value does not open under this platform's key", ex);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("AES-GCM opening failed", ex);
        }
    }
}
