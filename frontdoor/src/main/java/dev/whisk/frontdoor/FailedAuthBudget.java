package dev.whisk.frontdoor;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * How many credentials of each client (IP address) may fail a slow hash in a window: {@code failures} per
 * {@code windowMs}, a fixed window per client that starts with its first failure. A client over its budget is
 * refused (429) before any more hashing until its window ends; one that never fails is never counted.
 *
 * <p>Example: 30 per 10 s. A client sends 40 different wrong keys at once: 30 are hashed and answered 401, then 10 are
 * answered 429 without hashing; 10 s after its first failure it may fail 30 more times.
 *
 * <p>Memory is bounded: at most {@value #MAX_CLIENTS} clients are tracked; beyond that, windows that ended are
 * dropped, and if none has ended every client's count starts over (the hash queue still bounds the work). Threads:
 * any; counts are best effort under races (a few more failures than the budget may slip through at once).
 */
final class FailedAuthBudget
{
    static final int DEFAULT_FAILURES = 30;
    static final long DEFAULT_WINDOW_MS = 10_000;
    static final int MAX_CLIENTS = 10_000;

    private final int failures;
    private final long windowMs;
    private final LongSupplier clockMs;
    private final ConcurrentHashMap<String, Window> byClient = new ConcurrentHashMap<>();

    FailedAuthBudget(final int failures, final long windowMs, final LongSupplier clockMs)
    {
        if (failures < 1 || windowMs < 1)
        {
            throw new IllegalArgumentException("budget of " + failures + " failures per " + windowMs +
                " ms must be positive");
        }
        this.failures = failures;
        this.windowMs = windowMs;
        this.clockMs = clockMs;
    }

    /** Whether {@code client} used up its failures in its current window. */
    boolean isSpent(final String client)
    {
        final Window w = byClient.get(client);
        return w != null && w.count >= failures && clockMs.getAsLong() < w.startMs + windowMs;
    }

    /** Counts one failed slow check of {@code client}. */
    void onFailure(final String client)
    {
        final long nowMs = clockMs.getAsLong();
        if (byClient.size() >= MAX_CLIENTS && !byClient.containsKey(client))
        {
            byClient.values().removeIf(w -> nowMs >= w.startMs + windowMs);
            if (byClient.size() >= MAX_CLIENTS)
            {
                byClient.clear();
            }
        }
        byClient.compute(client, (c, w) ->
        {
            if (w == null || nowMs >= w.startMs + windowMs)
            {
                return new Window(nowMs, 1);
            }
            return new Window(w.startMs, w.count + 1);
        });
    }

    private record Window(long startMs, int count)
    {
    }
}
