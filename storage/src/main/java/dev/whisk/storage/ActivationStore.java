package dev.whisk.storage;

import dev.whisk.core.activation.Activation;

import java.util.List;

/**
 * Activation records, appended at the rate of invocations. Thread-safe. {@link #append} never blocks the caller: a
 * single writer thread batches records to disk and forces them at the configured commit interval. A record is
 * readable by {@link #get} and {@link #list} once the writer has written it.
 */
public interface ActivationStore extends AutoCloseable
{
    /**
     * Hands a record to the writer.
     *
     * @return false when the writer's queue is full (the caller decides to retry or count a drop).
     */
    boolean append(Activation activation);

    /** The record with this id in {@code namespace}, or {@code null}. */
    Activation get(String namespace, String activationId);

    /** Records of {@code query.namespace()}, newest start first, filtered and paged as the query says. */
    List<Activation> list(ActivationQuery query);

    /** How many records match the query's filters, ignoring skip and limit. */
    int count(ActivationQuery query);

    @Override
    void close();
}
