package dev.whisk.events;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How a feed delivers its events, from the feed parameters: up to {@code batchSize} events and
 * {@code maxBatchBytes} per fire, waiting at most {@code batchWindowMs} after the first event for more; a fire that
 * does not become durable is tried again up to {@code maxRetries} times, {@code retryBackoffMs} apart and doubling,
 * then its events are dead-lettered.
 */
record Delivery(int batchSize, int batchWindowMs, int maxBatchBytes, int maxRetries, int retryBackoffMs)
{
    static final int MAX_RETRY_BACKOFF_MS = 10_000;
    /** Room left under the platform's invoke body limit for the batch's envelope. */
    static final int ENVELOPE_BYTES = 1_024;

    static Delivery of(final ObjectNode p, final int maxInvokeBodyBytes)
    {
        final int bytesLimit = maxInvokeBodyBytes - ENVELOPE_BYTES;
        return new Delivery(Params.integer(p, "batchSize", 100, 1, 10_000),
            Params.integer(p, "batchWindowMs", 0, 0, 60_000),
            Params.integer(p, "maxBatchBytes", bytesLimit, 1, bytesLimit),
            Params.integer(p, "maxRetries", 5, 0, 100),
            Params.integer(p, "retryBackoffMs", 200, 1, MAX_RETRY_BACKOFF_MS));
    }

    /** The wait before retry {@code attempt} (1-based). */
    long backoffMs(final int attempt)
    {
        return Math.min(MAX_RETRY_BACKOFF_MS, (long)retryBackoffMs << Math.min(20, attempt - 1));
    }
}
