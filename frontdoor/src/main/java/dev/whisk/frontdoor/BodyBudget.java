package dev.whisk.frontdoor;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bytes all connections together may hold of request bodies being received or waiting to be handled. A request
 * reserves its declared length when its headers arrive (a chunked one, each chunk as it arrives) and gives it back
 * once the API has taken the body; a request that does not fit is refused before its body is read, so a burst of
 * uploads, anonymous or not, cannot take the heap. Example: budget 100 MB, two 49 MB uploads in flight; a third is
 * refused with 503 on its headers, and admitted again once one of the two was handled.
 *
 * <p>Threads: any event loop; one compare-and-set per request with a body (none for one without).
 */
final class BodyBudget implements Metrics.Source
{
    private final long maxBytes;
    private final AtomicLong usedBytes = new AtomicLong();
    private final LongAdder refused = new LongAdder();

    BodyBudget(final long maxBytes)
    {
        this.maxBytes = maxBytes;
    }

    long maxBytes()
    {
        return maxBytes;
    }

    long usedBytes()
    {
        return usedBytes.get();
    }

    /** A connection's share: what it holds, given back when it closes. One per channel, owned by its event loop. */
    Account account()
    {
        return new Account();
    }

    private boolean tryReserve(final long bytes)
    {
        while (true)
        {
            final long used = usedBytes.get();
            if (used + bytes > maxBytes)
            {
                refused.increment();
                return false;
            }
            if (usedBytes.compareAndSet(used, used + bytes))
            {
                return true;
            }
        }
    }

    @Override
    public void appendTo(final StringBuilder out)
    {
        Metrics.gauge(out, "whisk_http_body_bytes_in_flight",
            "Bytes of request bodies being received or waiting to be handled, all connections together.",
            usedBytes.get());
        Metrics.gauge(out, "whisk_http_body_bytes_in_flight_max", "The budget of request bodies in flight.",
            maxBytes);
        Metrics.counter(out, "whisk_http_body_budget_refusals_total",
            "Requests refused with 503 because their body did not fit the budget of bodies in flight.",
            refused.sum());
    }

    /** The bytes one connection holds of the budget. */
    final class Account
    {
        private long heldBytes;

        /** The budget of all connections together. */
        long maxBytes()
        {
            return maxBytes;
        }

        /** Takes {@code bytes} more for this connection; false (nothing taken) when they do not fit. */
        boolean tryReserve(final long bytes)
        {
            if (bytes <= 0)
            {
                return true;
            }
            if (!BodyBudget.this.tryReserve(bytes))
            {
                return false;
            }
            heldBytes += bytes;
            return true;
        }

        /** Gives back up to {@code bytes} (a body the API has taken); never more than this connection holds. */
        void release(final long bytes)
        {
            final long n = Math.min(bytes, heldBytes);
            if (n > 0)
            {
                heldBytes -= n;
                usedBytes.addAndGet(-n);
            }
        }

        /** Gives back everything this connection holds: it closed. */
        void releaseAll()
        {
            release(heldBytes);
        }
    }
}
