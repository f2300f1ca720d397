package dev.whisk.scheduler;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.wire.Heartbeat;
import io.aeron.Aeron;
import io.aeron.Publication;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Invokers in other processes as the controller sees them: an invoker joins with its first heartbeat (the
 * controller opens a publication to the request channel it names), stays healthy while it heartbeats, and when it
 * falls silent its in-flight activations end as {@code whisk internal error} records that say so, and new work is
 * routed around it. It is used again as soon as it heartbeats again.
 *
 * <p>Part of a {@link Fleet.Remote}. Owned by the thread that reads invoker messages (the completion agent): it
 * registers invokers in the {@link InvokerTable} (release stores the dispatch thread reads with acquire) and ends
 * their in-flight activations; {@link #acknowledge} alone may also run on the store's sync thread.
 */
final class Membership
{
    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);
    private static final long CHECK_INTERVAL_NS = 100_000_000L;
    /** How long past its time limit an activation may go without a completion before it is recorded as lost. */
    private static final long LOST_COMPLETION_GRACE_MS = 30_000;

    private final Supplier<Aeron> aeron;
    private final int requestStreamId;
    private final InvokerTable table;
    private final InFlight inFlight;
    private final boolean[] wasAlive;
    private final String[] channels;
    private long nextCheckNs;
    private long lastCheckNs;
    /** Before this time no invoker is judged silent: this process itself was stalled until just before. */
    private long judgeFromNs;
    private final long startNs = System.nanoTime();
    private final long silenceNs;

    /**
     * @param aeron the node's Aeron client now: publications to invokers are opened on it, and opened again on the
     *              client of the day when the one before closed (a client that died is made again by its owner).
     */
    Membership(final Supplier<Aeron> aeron, final int requestStreamId, final InvokerTable table,
        final InFlight inFlight, final int capacity, final long silenceNs)
    {
        this.silenceNs = silenceNs;
        this.aeron = aeron;
        this.requestStreamId = requestStreamId;
        this.table = table;
        this.inFlight = inFlight;
        this.wasAlive = new boolean[capacity];
        this.channels = new String[capacity];
    }

    void onHeartbeat(final Heartbeat hb, final long nowNs)
    {
        final int id = hb.invokerId;
        if (id < 0 || id >= channels.length)
        {
            LOG.warn("event=heartbeat-ignored invoker={} reason=id-out-of-range", id);
            return;
        }
        final Publication old = table.isRegistered(id) ? table.publication(id) : null;
        if (!hb.requestChannel.equals(channels[id]) || (old != null && old.isClosed()))
        {
            // Shared, not exclusive: the dispatch thread offers requests, this thread offers acknowledgements.
            table.register(id, aeron.get().addPublication(hb.requestChannel, requestStreamId));
            channels[id] = hb.requestChannel;
            if (old != null)
            {
                old.close();
            }
            LOG.info("event=invoker-joined invoker={} channel={} memoryMb={}", id, hb.requestChannel,
                hb.totalMemoryMb);
        }
        if (hb.canRun())
        {
            table.setCapacity(id, hb.totalMemoryMb);
            table.onHeartbeat(id, nowNs);
        }
    }

    private static int end(final List<Activation> records, final Consumer<Activation> ended)
    {
        records.forEach(ended);
        return records.size();
    }

    /**
     * Tells invoker {@code id} its completion is stored, so it stops resending it. Best effort. Any thread (the
     * store's sync thread calls it once a record is durable): the buffer is its own.
     */
    void acknowledge(final int id, final String activationId)
    {
        if (!table.isRegistered(id))
        {
            return;
        }
        final org.agrona.concurrent.UnsafeBuffer ackBuffer =
            new org.agrona.concurrent.UnsafeBuffer(new byte[dev.whisk.core.wire.ActivationRef.LENGTH]);
        dev.whisk.core.wire.ActivationRef.encode(ackBuffer, 0, dev.whisk.core.wire.MessageHeader.ACK,
            dev.whisk.core.activation.ActivationId.parseHi(activationId),
            dev.whisk.core.activation.ActivationId.parseLo(activationId), id);
        table.publication(id).offer(ackBuffer, 0, dev.whisk.core.wire.ActivationRef.LENGTH);
    }

    /**
     * Looks for invokers that fell silent, at most every 100 ms; the activations it fails (each taken out of flight,
     * its memory given back) go to {@code ended}, which records them. Returns how many.
     */
    int checkSilence(final long nowNs, final Consumer<Activation> ended)
    {
        if (nowNs < nextCheckNs)
        {
            return 0;
        }
        if (lastCheckNs != 0 && nowNs - lastCheckNs > silenceNs)
        {
            // This process stalled (GC, VM, debugger, SIGSTOP): the invokers' heartbeats of that time wait unread.
            // Our own silence is not theirs; they get one silence to be heard again before their work is failed.
            judgeFromNs = nowNs + silenceNs;
            LOG.warn("event=stall-noticed stalledMs={}", (nowNs - lastCheckNs) / 1_000_000);
        }
        lastCheckNs = nowNs;
        nextCheckNs = nowNs + CHECK_INTERVAL_NS;
        if (nowNs < judgeFromNs)
        {
            return 0;
        }
        int failed = end(inFlight.expire(System.currentTimeMillis(), LOST_COMPLETION_GRACE_MS,
            "No completion arrived for this activation; it may or may not have run."), ended);
        for (int id = 0; id < table.size(); id++)
        {
            // Alive, not healthy: an invoker that cannot run containers still answers for what it was sent.
            final boolean alive = table.isAlive(id, nowNs);
            // Went silent, or (after a restart) never spoke within the silence: its in-flight work ends now.
            if (!alive && (wasAlive[id] || nowNs - startNs > silenceNs))
            {
                final List<Activation> records = inFlight.failInvoker(id,
                    "The invoker running this activation (invoker " + id + ") stopped responding.",
                    System.currentTimeMillis());
                failed += end(records, ended);
                if (wasAlive[id] || !records.isEmpty())
                {
                    LOG.warn("event=invoker-silent invoker={} failedActivations={}", id, records.size());
                }
            }
            else if (!wasAlive[id] && alive)
            {
                LOG.info("event=invoker-alive invoker={}", id);
            }
            wasAlive[id] = alive;
        }
        return failed;
    }
}
