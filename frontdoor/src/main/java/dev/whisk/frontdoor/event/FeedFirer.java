package dev.whisk.frontdoor.event;

/**
 * Fires a trigger for an event-source feed, as the trigger's owner, and reports when the fire is durable: every
 * active rule's invoke journaled and the trigger's record forced, the same completion a {@code POST triggers/T}
 * waits for before its 202. A feed moves its source's checkpoint only after {@link Listener#onDurable} says so.
 *
 * <p>Threads: {@link #fire} from any thread; the listener runs on whichever scheduler or store thread finished last,
 * so it must only hand work on.
 */
public interface FeedFirer
{
    /** What became of one fire. */
    public enum Outcome
    {
        /** Started: the listener hears once whether every part became durable. */
        ACCEPTED,
        /** The trigger has no active rule: nothing ran and nothing is recorded (OpenWhisk's 204); the event is used. */
        NO_ACTIVE_RULE,
        /** The owner's namespace is over its fires per minute or concurrent invocations (429): try later. */
        THROTTLED,
        /** The payload is larger than an invoke body may be (413). */
        TOO_LARGE,
        /** The trigger no longer exists (404). */
        TRIGGER_GONE,
        /** The owner's namespace no longer exists (403). */
        OWNER_GONE
    }

    /** Hears a fire's end. */
    public interface Listener
    {
        /**
         * @param complete true when every rule's invoke was journaled and the record forced; false when some part
         *                 could not start (the ring was full): the fire should be tried again.
         */
        void onDurable(boolean complete);
    }

    /**
     * Fires {@code trigger} (its document id, {@code ns/name}) as {@code ownerNamespace} with the event
     * {@code payload} (a JSON object).
     *
     * @return {@link Outcome#ACCEPTED} when {@code listener} will hear the outcome; any other value means it never
     * will.
     */
    public Outcome fire(String ownerNamespace, String trigger, byte[] payload, Listener listener);
}
