package dev.whisk.storage;

import dev.whisk.core.activation.Activation;

import java.util.List;
import java.util.function.Consumer;

/**
 * Activation records, appended at the rate of invocations. Thread-safe. {@link #append} never blocks the caller: a
 * single writer thread batches records to disk and a sync thread forces them at the configured commit interval (see
 * {@link ActivationStoreConfig} for the durability policy). A record is readable by {@link #get} and {@link #list}
 * once the writer has written it; it is durable once {@link #append(Activation, Consumer)} reports it so.
 */
public interface ActivationStore extends AutoCloseable
{
    /**
     * Hands a record to the writer.
     *
     * @return false when the writer's queue is full (the caller decides to retry or count a drop).
     */
    boolean append(Activation activation);

    /**
     * Hands a record to the writer, as {@link #append(Activation)}, and calls {@code onDurable} (on the store's
     * thread, so keep it short) once the record is durable under the store's policy. The default suits a store with
     * nothing to force: it reports the record durable as soon as it is taken.
     *
     * @return false when the store cannot take the record now; {@code onDurable} is then never called.
     */
    default boolean append(Activation activation, Consumer<Activation> onDurable)
    {
        final boolean taken = append(activation);
        if (taken && onDurable != null)
        {
            onDurable.accept(activation);
        }
        return taken;
    }

    /** The record with this id in {@code namespace}, or {@code null}. */
    Activation get(String namespace, String activationId);

    /**
     * Whether the record with this id is on disk for good (forced), so that what led to it may be forgotten (the
     * scheduler's journal trims a request once this holds). Cheap: no record is read. The default, for stores that
     * answer only when durable, asks {@link #get}.
     */
    default boolean isDurable(final String namespace, final long idHi, final long idLo)
    {
        return get(namespace, dev.whisk.core.activation.ActivationId.toString(idHi, idLo)) != null;
    }

    /** Records of {@code query.namespace()}, newest start first, filtered and paged as the query says. */
    List<Activation> list(ActivationQuery query);

    /** How many records match the query's filters, ignoring skip and limit. */
    int count(ActivationQuery query);

    @Override
    void close();
}
