package dev.whisk.events;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A trigger's event-source feed as stored: which feed, whose, its source configuration and delivery parameters,
 * and whether it runs.
 *
 * @param trigger the trigger's document id, {@code ns/name}.
 * @param owner   the namespace the trigger is fired as.
 * @param config  the connector's configuration, the delivery parameters included.
 */
record FeedRecord(String trigger, String owner, String feed, ObjectNode config, State state, String lastError,
    long createdMs)
{
    /** Whether a feed consumes. */
    enum State
    {
        ACTIVE, PAUSED,
        /** Stopped by the platform after a fire failed for good (the trigger or its owner is gone). */
        DISABLED
    }

    FeedRecord with(final State newState, final String error)
    {
        return new FeedRecord(trigger, owner, feed, config, newState, error, createdMs);
    }
}
