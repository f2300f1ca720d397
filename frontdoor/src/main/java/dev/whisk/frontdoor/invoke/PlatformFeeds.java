package dev.whisk.frontdoor.invoke;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.WhiskAction;

import java.util.function.Consumer;

/**
 * Feed actions the platform runs itself instead of in a container (the alarms, the event sources): an invoke of one
 * of their actions is a lifecycle event, recorded as an activation of the feed action.
 */
public interface PlatformFeeds
{
    /** Whether {@code action} is one the platform runs itself; on every invoke's path, so one cheap test. */
    boolean handles(WhiskAction action);

    /**
     * Runs {@code action} with its merged {@code params} as {@code identity}; {@code onDone} hears the record (on this
     * thread, or on a feed's own thread).
     */
    void run(Identity identity, WhiskAction action, byte[] params, Consumer<Activation> onDone);
}
