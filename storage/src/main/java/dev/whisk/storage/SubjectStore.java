package dev.whisk.storage;

import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.NamespaceLimits;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Subjects, their namespaces and their credentials. A credential is {@code uuid:key}; each namespace has its own.
 * Keys are stored only as salted slow hashes; a key that has been verified once is cached as a fast digest so that
 * authentication stays off the hot path's cost. Thread-safe.
 */
public interface SubjectStore extends AutoCloseable
{
    /**
     * The identity the credential selects, or {@code null} when the uuid is unknown or the key is wrong. May cost a
     * slow hash (milliseconds): an event loop asks {@link #verified} and {@link #isKnownWrong} first and calls this
     * elsewhere.
     */
    Identity authenticate(String uuid, String key);

    /** Cheap: the identity of a credential already verified, else {@code null} (not known to be right). */
    default Identity verified(String uuid, String key)
    {
        return null;
    }

    /**
     * A counter that changes whenever any subject, namespace or key changes: an identity cached by a caller is
     * current while this has not moved since. A store that cannot tell answers a new value each time (never cached).
     */
    default long generation()
    {
        return System.nanoTime();
    }

    /** Cheap: whether this credential failed lately and would fail again (not known: false). */
    default boolean isKnownWrong(String uuid, String key)
    {
        return false;
    }

    /**
     * Creates {@code subject} owning {@code namespace} with credential {@code uuid:key}.
     * Completes with {@link WriteResult#CONFLICT} when the namespace or uuid exists.
     */
    CompletableFuture<WriteResult> create(String subject, String namespace, String uuid, String key,
        NamespaceLimits limits);

    /**
     * Replaces the limits of {@code namespace}, keeping its credential: {@link WriteResult#OK} or
     * {@link WriteResult#NOT_FOUND}. Identities already handed out keep the old limits until re-authenticated.
     */
    CompletableFuture<WriteResult> setLimits(String namespace, NamespaceLimits limits);

    /** Deletes {@code namespace} and its credential: {@link WriteResult#OK} or {@link WriteResult#NOT_FOUND}. */
    CompletableFuture<WriteResult> delete(String namespace);

    /** The namespaces that exist, for administration. */
    List<String> namespaces();

    /**
     * The owner of {@code namespace} (its subject, uuid and limits, no key), or {@code null}: web actions run as the
     * owner of the namespace in their URL.
     */
    Identity findByNamespace(String namespace);

    /** Whether a namespace exists. */
    boolean hasNamespace(String namespace);

    @Override
    void close();
}
