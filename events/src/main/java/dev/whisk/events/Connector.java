package dev.whisk.events;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One engine's side of a feed: checks the feed parameters, opens a {@link Source} for a trigger and removes what the
 * feed created at the engine when the trigger's feed is deleted. Stateless; its methods block on the engine (with
 * bounded timeouts) and run on the feeds' control thread, or on a poller thread to reconnect.
 */
interface Connector
{
    /** The feed action's name in its package ({@code kafkaFeed}). */
    String feedName();

    /** The package the feed action lives in ({@code whisk.system/messaging}). */
    String packageId();

    /**
     * The source configuration kept for {@code trigger}, from the feed's parameters; throws
     * {@link IllegalArgumentException} with a clear message for a missing or bad one.
     */
    ObjectNode configure(String trigger, ObjectNode params);

    /**
     * Connects to the engine for {@code trigger}; {@code creating} for the CREATE (which also sets up the engine's
     * checkpoint: a group, a slot). Throws {@link IllegalArgumentException} naming the engine's complaint (a wrong
     * address or password) when it cannot.
     */
    Source open(String trigger, ObjectNode config, boolean creating);

    /** Whether {@code before} and {@code after} read the same stream, so a checkpoint carries over an UPDATE. */
    boolean sameStream(ObjectNode before, ObjectNode after);

    /** Removes what {@link #open} created at the engine (the slot, the group); the source is already closed. */
    void cleanup(String trigger, ObjectNode config);

    /** The keys of {@code config} never shown back (passwords). */
    default boolean isSecret(final String key)
    {
        return key.toLowerCase(java.util.Locale.ROOT).contains("password");
    }
}
