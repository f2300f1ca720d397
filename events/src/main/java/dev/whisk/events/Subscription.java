package dev.whisk.events;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.json.Json;
import dev.whisk.frontdoor.event.FeedFirer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One trigger's delivery, advanced by {@link #doWork} on its poller's thread: collect events from the source into a
 * batch, fire it, and move the source's checkpoint only once the fire is durable (at-least-once; order kept because
 * one batch at a time is in flight).
 *
 * <p>Steps: {@code COLLECT} (read; fire when the batch is full or its window has passed) → {@code FIRING} (await
 * the durable acknowledgement) → checkpoint → {@code COLLECT}. A throttled namespace (429) waits in {@code WAIT}
 * without spending a retry; a fire that fails or is not durable within {@link #FIRE_TIMEOUT_MS} is retried with
 * backoff, then its events are dead-lettered and passed. An event larger than the batch byte limit is
 * dead-lettered alone. A trigger or owner that is gone disables the feed. A source failure reconnects with backoff
 * and rereads from the checkpoint.
 *
 * <p>Threads: owned by the poller thread; {@link #onDurable} comes from a scheduler or store thread and only sets
 * a volatile; the statistics are volatile for READ on the control thread.
 */
final class Subscription implements FeedFirer.Listener
{
    private static final Logger LOG = LoggerFactory.getLogger(Subscription.class);
    static final long FIRE_TIMEOUT_MS = 30_000;
    static final long THROTTLE_WAIT_MS = 500;
    private static final int NO_ACK = 0;
    private static final int ACK_COMPLETE = 1;
    private static final int ACK_INCOMPLETE = 2;

    enum Step
    {
        COLLECT, FIRING, WAIT, RECONNECT, STOPPED
    }

    private final FeedRecord record;
    private final Connector connector;
    private final Delivery delivery;
    private final FeedFirer firer;
    private final FeedBook book;
    private final List<SourceEvent> pending = new ArrayList<>();
    private final List<SourceEvent> batch = new ArrayList<>();
    private Source source;
    private Step step;
    private int attempts;
    private long waitUntilMs;
    private long firstPendingMs;
    private long fireStartMs;
    private volatile int ack = NO_ACK;

    volatile long delivered;
    volatile long fires;
    volatile long retries;
    volatile long throttled;
    volatile long lag = -1;
    volatile String lastError;
    volatile boolean disabled;

    /**
     * @param source the opened source, or null to open it on the poller thread (a feed restored at start).
     */
    Subscription(final FeedRecord record, final Connector connector, final Source source, final Delivery delivery,
        final FeedFirer firer, final FeedBook book)
    {
        this.record = record;
        this.connector = connector;
        this.source = source;
        this.delivery = delivery;
        this.firer = firer;
        this.book = book;
        this.lastError = record.lastError();
        this.step = source == null ? Step.RECONNECT : Step.COLLECT;
    }

    FeedRecord record()
    {
        return record;
    }

    /** Advances by at most one step; returns the work done (0 when idle). */
    int doWork(final long nowMs)
    {
        try
        {
            return switch (step)
            {
                case COLLECT -> collect(nowMs);
                case FIRING -> awaitAck(nowMs);
                case WAIT -> nowMs >= waitUntilMs ? fire(nowMs) : 0;
                case RECONNECT -> nowMs >= waitUntilMs ? reconnect(nowMs) : 0;
                case STOPPED -> 0;
            };
        }
        catch (final Exception | LinkageError failure)
        {
            onSourceFailure(nowMs, failure);
            return 1;
        }
    }

    @Override
    public void onDurable(final boolean complete)
    {
        ack = complete ? ACK_COMPLETE : ACK_INCOMPLETE;
    }

    /** Stops consuming and closes the source; what was not checkpointed is read again by the next reader. */
    void close()
    {
        step = Step.STOPPED;
        if (source != null)
        {
            source.close();
            source = null;
        }
    }

    private int collect(final long nowMs) throws Exception
    {
        int work = 0;
        if (pending.size() < delivery.batchSize())
        {
            final boolean wasEmpty = pending.isEmpty();
            work = source.poll(pending, delivery.batchSize() - pending.size());
            if (wasEmpty && work > 0)
            {
                firstPendingMs = nowMs;
            }
            lag = source.lag();
        }
        if (pending.isEmpty())
        {
            return work;
        }
        final SourceEvent head = pending.get(0);
        if (head.sizeBytes() > delivery.maxBatchBytes())
        {
            pending.remove(0);
            deadLetter(List.of(head), "event of " + head.sizeBytes() + " bytes exceeds the batch limit of " +
                delivery.maxBatchBytes() + " bytes", 0);
            source.checkpoint(List.of(head));
            firstPendingMs = nowMs;
            return work + 1;
        }
        int bytes = 0;
        int n = 0;
        while (n < pending.size() && n < delivery.batchSize() &&
            bytes + pending.get(n).sizeBytes() <= delivery.maxBatchBytes())
        {
            bytes += pending.get(n).sizeBytes();
            n++;
        }
        final boolean full = n == delivery.batchSize() || n < pending.size();
        if (!full && nowMs - firstPendingMs < delivery.batchWindowMs())
        {
            return work;
        }
        batch.addAll(pending.subList(0, n));
        pending.subList(0, n).clear();
        firstPendingMs = nowMs;
        attempts = 0;
        return work + fire(nowMs);
    }

    private int fire(final long nowMs) throws Exception
    {
        final ObjectNode payload = Json.MAPPER.createObjectNode();
        final ArrayNode list = payload.putArray(source.field());
        for (int i = 0; i < batch.size(); i++)
        {
            list.add(batch.get(i).json());
        }
        ack = NO_ACK;
        final FeedFirer.Outcome outcome = firer.fire(record.owner(), record.trigger(),
            payload.toString().getBytes(StandardCharsets.UTF_8), this);
        switch (outcome)
        {
            case ACCEPTED ->
            {
                fireStartMs = nowMs;
                step = Step.FIRING;
            }
            case NO_ACTIVE_RULE -> done();
            case THROTTLED ->
            {
                throttled++;
                waitUntilMs = nowMs + THROTTLE_WAIT_MS;
                step = Step.WAIT;
            }
            case TOO_LARGE ->
            {
                deadLetter(batch, "the batch is larger than the platform's invoke body limit", attempts);
                done();
            }
            case TRIGGER_GONE -> disable("the trigger " + record.trigger() + " no longer exists (404)");
            case OWNER_GONE -> disable("the namespace " + record.owner() + " no longer exists (403)");
        }
        return 1;
    }

    private int awaitAck(final long nowMs) throws Exception
    {
        final int a = ack;
        if (a == ACK_COMPLETE)
        {
            fires++;
            done();
            return 1;
        }
        if (a == ACK_INCOMPLETE)
        {
            fires++;
            retryOrDeadLetter(nowMs, "a rule's invoke could not be accepted (the scheduler is full)");
            return 1;
        }
        if (nowMs - fireStartMs > FIRE_TIMEOUT_MS)
        {
            retryOrDeadLetter(nowMs, "the fire was not durable within " + FIRE_TIMEOUT_MS + " ms");
            return 1;
        }
        return 0;
    }

    /** The batch is durable (or dead-lettered): move the checkpoint past it. */
    private void done() throws Exception
    {
        source.checkpoint(batch);
        delivered += batch.size();
        batch.clear();
        step = Step.COLLECT;
    }

    private void retryOrDeadLetter(final long nowMs, final String why) throws Exception
    {
        lastError = why;
        attempts++;
        if (attempts > delivery.maxRetries())
        {
            deadLetter(batch, why, attempts);
            done();
            return;
        }
        retries++;
        waitUntilMs = nowMs + delivery.backoffMs(attempts);
        step = Step.WAIT;
    }

    private void deadLetter(final List<SourceEvent> letters, final String reason, final int tries)
    {
        final long now = System.currentTimeMillis();
        for (final SourceEvent e : letters)
        {
            final ObjectNode letter = Json.MAPPER.createObjectNode();
            letter.put("id", e.id());
            letter.put("reason", reason);
            letter.put("attempts", tries);
            letter.put("timeMs", now);
            letter.put("sizeBytes", e.sizeBytes());
            if (e.sizeBytes() <= delivery.maxBatchBytes())
            {
                letter.set("event", e.json());
            }
            book.deadLetter(record.trigger(), letter);
        }
        lastError = reason;
        LOG.warn("event=feed-dead-letters trigger={} count={} reason=\"{}\"", record.trigger(), letters.size(),
            reason);
    }

    private void disable(final String why)
    {
        lastError = why;
        disabled = true;
        LOG.warn("event=feed-disabled trigger={} reason=\"{}\"", record.trigger(), why);
        book.put(record.with(FeedRecord.State.DISABLED, why));
        close();
    }

    private int reconnect(final long nowMs)
    {
        source = connector.open(record.trigger(), record.config(), false);
        step = Step.COLLECT;
        return 1;
    }

    private void onSourceFailure(final long nowMs, final Throwable failure)
    {
        lastError = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        LOG.warn("event=feed-source-failed trigger={} error=\"{}\"", record.trigger(), lastError);
        if (source != null)
        {
            source.close();
            source = null;
        }
        // the source rereads from its checkpoint: what was read and not yet fired is dropped here
        pending.clear();
        batch.clear();
        attempts++;
        waitUntilMs = nowMs + delivery.backoffMs(Math.min(attempts, 6));
        step = Step.RECONNECT;
    }
}
