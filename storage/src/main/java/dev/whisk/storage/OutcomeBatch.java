package dev.whisk.storage;

import dev.whisk.storage.log.AppendLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A store writer's batch: each write with the outcome decided for it when it was taken, appended to the log when
 * that outcome is {@link WriteResult#OK}, applied to the store's maps and answered together once the batch is durable,
 * or all failed when the force failed (the maps keep the last durable state).
 *
 * <p>Threads: the store's writer thread only.
 */
final class OutcomeBatch<W>
{
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeBatch.class);

    private final ArrayList<W> writes = new ArrayList<>();
    private final ArrayList<WriteResult> outcomes = new ArrayList<>();
    private final Function<W, CompletableFuture<WriteResult>> resultOf;
    private final String store;

    /**
     * @param store    the store's name for log lines ({@code entity}, {@code subject}).
     * @param resultOf where a write's caller waits for its outcome.
     */
    OutcomeBatch(final String store, final Function<W, CompletableFuture<WriteResult>> resultOf)
    {
        this.store = store;
        this.resultOf = resultOf;
    }

    /**
     * Takes {@code write} into the batch with {@code outcome}, appending {@code payload} first when the outcome is OK.
     * A failed append answers that write with its failure at once and leaves it out; returns whether it was taken.
     */
    boolean add(final W write, final WriteResult outcome, final AppendLog log, final byte[] payload, final Object key)
    {
        if (outcome == WriteResult.OK)
        {
            try
            {
                log.append(payload);
            }
            catch (final RuntimeException ex)
            {
                LOG.error("{} append failed key={}", store, key, ex);
                resultOf.apply(write).completeExceptionally(ex);
                return false;
            }
        }
        writes.add(write);
        outcomes.add(outcome);
        return true;
    }

    /** The batch is durable: applies each OK write in order, then answers every write with its outcome. */
    void committed(final Consumer<W> applyOk)
    {
        for (int i = 0, n = writes.size(); i < n; i++)
        {
            if (outcomes.get(i) == WriteResult.OK)
            {
                applyOk.accept(writes.get(i));
            }
        }
        for (int i = 0, n = writes.size(); i < n; i++)
        {
            resultOf.apply(writes.get(i)).complete(outcomes.get(i));
        }
        clear();
    }

    /** The force failed: every outcome in the batch may rest on a write that was lost, so each caller gets the cause. */
    void failed(final RuntimeException cause)
    {
        for (int i = 0, n = writes.size(); i < n; i++)
        {
            resultOf.apply(writes.get(i)).completeExceptionally(cause);
        }
        clear();
    }

    void clear()
    {
        writes.clear();
        outcomes.clear();
    }
}
