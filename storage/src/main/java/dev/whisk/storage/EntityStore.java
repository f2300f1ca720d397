package dev.whisk.storage;

import dev.whisk.core.entity.WhiskEntity;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Actions (and later packages, triggers, rules) in one id space per namespace, {@code ns/[pkg/]name}.
 * Thread-safe. Reads are served from memory and never touch the disk; writes go through one writer thread and their
 * futures complete once the write is durable (forced to disk), on that writer thread.
 */
public interface EntityStore extends AutoCloseable
{
    /** The entity with this document id, or {@code null}. */
    WhiskEntity get(String docId);

    /**
     * Entities of {@code collection} in namespace {@code namespace} and in its packages ({@code entity.namespace()}
     * equal to {@code namespace} or starting with {@code namespace + "/"}), newest {@code updated} first.
     */
    List<WhiskEntity> list(String namespace, String collection, int skip, int limit);

    /** How many entities {@link #list} would return without skip and limit. */
    int count(String namespace, String collection);

    /**
     * Writes {@code entity} under its {@link WhiskEntity#docId()}.
     *
     * @param expected {@code null} to create (fails with {@link WriteResult#CONFLICT} when the id exists), or the
     *                 revision the caller read, which must still be current (else {@link WriteResult#CONFLICT}).
     */
    CompletableFuture<WriteResult> put(WhiskEntity entity, WhiskEntity expected);

    /**
     * Deletes the entity if it is still {@code expected}: {@link WriteResult#OK}, {@link WriteResult#NOT_FOUND} or
     * {@link WriteResult#CONFLICT}. A delete is a durable tombstone.
     */
    CompletableFuture<WriteResult> delete(String docId, WhiskEntity expected);

    @Override
    void close();
}
