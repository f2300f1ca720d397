package dev.whisk.frontdoor.rest;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The webhook deliveries seen within the replay window, so that a captured request sent again is refused. A delivery
 * is named by its trigger and its proof: the signature (which covers the timestamp when the sender sends one) or,
 * for a token, the sender's delivery id. Each is remembered until the window after it has passed; by then a
 * timestamped copy is refused for its age anyway.
 *
 * <p>Memory is bounded: at most {@code capacity} deliveries are remembered; when that many are still within the
 * window, a new delivery is refused ({@link Outcome#FULL}) rather than letting an old one be forgotten and replayed.
 * Threads: any event loop; each call holds the monitor for a map operation and no I/O.
 */
final class WebhookDeliveries
{
    /** What {@link #tryRecord} found. */
    enum Outcome
    {
        /** First seen: remembered now. */
        NEW,
        /** Seen within the window: a replay. */
        REPLAYED,
        /** Too many deliveries within the window to remember another. */
        FULL
    }

    private final long windowMs;
    private final int capacity;
    private final LongSupplier clockMs;
    /** Delivery key to the time (ms) it may be forgotten; insertion order is close to expiry order. */
    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

    WebhookDeliveries(final long windowMs, final int capacity, final LongSupplier clockMs)
    {
        if (windowMs <= 0 || capacity <= 0)
        {
            throw new IllegalArgumentException("window " + windowMs + " ms and capacity " + capacity +
                " must be positive");
        }
        this.windowMs = windowMs;
        this.capacity = capacity;
        this.clockMs = clockMs;
    }

    long windowMs()
    {
        return windowMs;
    }

    long nowMs()
    {
        return clockMs.getAsLong();
    }

    /** Remembers delivery {@code key} until {@code windowMs} after now, unless it is known already. */
    synchronized Outcome tryRecord(final String key)
    {
        final long nowMs = clockMs.getAsLong();
        forgetExpired(nowMs);
        final Long until = seen.get(key);
        if (until != null && until > nowMs)
        {
            return Outcome.REPLAYED;
        }
        if (seen.size() >= capacity)
        {
            return Outcome.FULL;
        }
        seen.put(key, nowMs + windowMs);
        return Outcome.NEW;
    }

    /** Forgets delivery {@code key}: it was refused before it fired (e.g. over the fire rate), so a retry may come. */
    synchronized void forget(final String key)
    {
        seen.remove(key);
    }

    synchronized int size()
    {
        return seen.size();
    }

    private void forgetExpired(final long nowMs)
    {
        final Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator();
        while (it.hasNext())
        {
            if (it.next().getValue() > nowMs)
            {
                return;
            }
            it.remove();
        }
    }
}
