package dev.whisk.frontdoor.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.entity.Identity;

/**
 * A feed package whose lifecycle the platform runs itself, in-process, instead of in a container, as it does for
 * the alarms: a module beside the front door (the event sources) implements it and the launcher hands it to
 * {@link dev.whisk.frontdoor.ApiWiring}. The front door validates {@code lifecycleEvent} and {@code triggerName},
 * records each lifecycle run as an activation of the feed action, and answers the caller.
 */
public interface NativeFeed
{
    /** The lifecycle events a native feed hears, as wsk sends them. */
    public enum Event
    {
        CREATE, READ, UPDATE, DELETE, PAUSE, UNPAUSE
    }

    /** Hears the end of one lifecycle run. */
    public interface Done
    {
        /** The run succeeded with this JSON result. */
        void onResult(byte[] result);

        /** The run failed with this user-facing message (becomes the activation's {@code error}). */
        void onError(String message);
    }

    /** Whether this feed runs the actions of package {@code packageId} ({@code whisk.system/messaging}). */
    public boolean handles(String packageId);

    /** Starts consuming: from now on the feed may fire triggers through {@code firer}. */
    public void start(FeedFirer firer);

    /**
     * Runs {@code event} of feed action {@code feedName} for {@code trigger} (document id {@code ns/name}, in the
     * caller's namespace) with the merged parameters {@code params}. May finish on another thread; must call
     * {@code done} exactly once.
     */
    public void onLifecycle(Identity identity, String feedName, Event event, String trigger, ObjectNode params, Done done);
}
