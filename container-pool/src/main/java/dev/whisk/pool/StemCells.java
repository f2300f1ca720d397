package dev.whisk.pool;

import dev.whisk.pool.docker.StartedContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Pre-warmed containers ("stem cells"): per configured (kind, memory), containers started and connected but not
 * initialized, which any action of that kind and memory may take instead of a cold start. They are refilled in the
 * background when no job waits and their memory fits the budget, and retried a while after a start failed; a kind
 * whose image is missing has none.
 *
 * <p>Owner thread only; a stem cell's start runs on the start lane ({@link Starts#launch}).
 */
final class StemCells
{
    private static final Logger LOG = LoggerFactory.getLogger(StemCells.class);
    private static final long RETRY_NS = TimeUnit.SECONDS.toNanos(5);
    private static final long CONNECT_NS = TimeUnit.SECONDS.toNanos(30);

    private final ContainerPool pool;
    private final List<StemSlot> slots = new ArrayList<>();

    /** The stem cells of one (kind, memory): ready ones and how many are starting. Owner thread. */
    static final class StemSlot
    {
        final StemCell cell;
        final String image;
        final ArrayDeque<PooledContainer> ready = new ArrayDeque<>();
        int starting;
        long retryAtNs;
        boolean enabled = true;

        StemSlot(final StemCell cell, final String image)
        {
            this.cell = cell;
            this.image = image;
        }
    }

    StemCells(final ContainerPool pool)
    {
        this.pool = pool;
        for (final StemCell cell : pool.config.stemCells())
        {
            final String image = pool.config.runtimeImages().get(cell.kind());
            if (image != null && cell.count() > 0)
            {
                slots.add(new StemSlot(cell, image));
            }
        }
    }

    /** At start, blocking: a kind whose image is missing gets no stem cells. */
    void checkImages()
    {
        for (final StemSlot slot : slots)
        {
            slot.enabled = pool.engine.hasImage(slot.image);
            if (!slot.enabled)
            {
                LOG.warn("event=stem-cells-disabled kind={} image={} reason=image-missing", slot.cell.kind(),
                    slot.image);
            }
        }
    }

    /**
     * A ready stem cell for {@code job}'s kind and memory, taken out of its slot, or {@code null}. Stem cells whose
     * connection closed (and is not being opened again) are destroyed on the way.
     */
    PooledContainer take(final Job job)
    {
        if (ContainerPool.BLACKBOX.equals(job.kind()))
        {
            return null;
        }
        for (int i = 0; i < slots.size(); i++)
        {
            final StemSlot slot = slots.get(i);
            if (slot.cell.memoryMb() == job.limits().memory() && slot.cell.kind().equals(job.kind()))
            {
                for (final Iterator<PooledContainer> it = slot.ready.iterator(); it.hasNext(); )
                {
                    final PooledContainer c = it.next();
                    if (c.openConnections > 0)
                    {
                        it.remove();
                        return c;
                    }
                    if (!c.reconnecting)
                    {
                        it.remove();
                        pool.eviction.destroy(c);
                    }
                }
            }
        }
        return null;
    }

    /** Whether a stem cell of {@code job}'s kind and memory is ready. */
    boolean has(final Job job)
    {
        if (ContainerPool.BLACKBOX.equals(job.kind()))
        {
            return false;
        }
        for (int i = 0; i < slots.size(); i++)
        {
            final StemSlot slot = slots.get(i);
            if (slot.cell.memoryMb() == job.limits().memory() && slot.cell.kind().equals(job.kind()) &&
                !slot.ready.isEmpty())
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts the stem cells missing from each slot that fit the budget, no more booting at once than
     * {@link Starts#bootLimit}: a call that finds none ready then starts its own container beside them, not behind
     * them on the start lane. Returns how many it started.
     */
    int refill(final long nowNs)
    {
        if (!mayRefill())
        {
            return 0;
        }
        int started = 0;
        for (int i = 0; i < slots.size(); i++)
        {
            final StemSlot slot = slots.get(i);
            if (!slot.enabled || nowNs < slot.retryAtNs)
            {
                continue;
            }
            while (isShort(slot) && pool.starts.mayBoot())
            {
                start(slot);
                started++;
            }
        }
        return started;
    }

    /** When a slot that is short is next retried, as {@link System#nanoTime()}; {@link Long#MAX_VALUE} if none. */
    long nextDeadlineNs()
    {
        long deadline = Long.MAX_VALUE;
        for (int i = 0; i < slots.size() && mayRefill(); i++)
        {
            final StemSlot slot = slots.get(i);
            if (slot.enabled && isShort(slot))
            {
                deadline = Math.min(deadline, slot.retryAtNs);
            }
        }
        // Counting the boots walks every container: only when a slot is short. A boot under way ends on the owner
        // thread, which refills then.
        return deadline == Long.MAX_VALUE || pool.starts.mayBoot() ? deadline : Long.MAX_VALUE;
    }

    /** Stem cells are refilled when no job waits: a queue's or a waiting job's starts go first on the start lane. */
    private boolean mayRefill()
    {
        return !pool.closed && pool.waiting.isEmpty() && pool.demand.isEmpty();
    }

    private boolean isShort(final StemSlot slot)
    {
        return slot.ready.size() + slot.starting < slot.cell.count() && pool.eviction.fits(slot.cell.memoryMb());
    }

    private void start(final StemSlot slot)
    {
        pool.eviction.addMemory(slot.cell.memoryMb());
        slot.starting++;
        final PooledContainer c = pool.track(slot.cell.kind(), slot.cell.memoryMb(), slot);
        final Starts starts = pool.starts;
        starts.execute(() -> starts.launch(c, starts.specFor(c, slot.image, null, true), CONNECT_NS, null,
            (started, freezeFile, connection) ->
            {
                slot.starting--;
                if (starts.onStarted(c, started, freezeFile, connection))
                {
                    pool.setState(c, PooledContainer.State.PREWARMED);
                    c.lastUsedNs = System.nanoTime();
                    slot.ready.addLast(c);
                    pool.capacityChanged = true;
                }
            },
            started -> onFailed(c, started)), () -> onFailed(c, null));
    }

    /** @param started the container, when the engine started it; {@code null} when it did not. */
    private void onFailed(final PooledContainer c, final StartedContainer started)
    {
        c.stem.starting--;
        c.stem.retryAtNs = System.nanoTime() + RETRY_NS;
        if (started != null)
        {
            pool.logs.attach(c, started);
        }
        pool.eviction.destroy(c);
    }
}
