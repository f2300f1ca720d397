package dev.whisk.frontdoor.event;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.frontdoor.invoke.PlatformFeeds;

import java.util.function.Consumer;

/**
 * The feeds the platform runs itself, as one {@link PlatformFeeds} for the invocation service: the alarms and the
 * event sources, either of which may be absent. Tested on every invoke, so each is one cheap check.
 */
public final class SystemFeeds implements PlatformFeeds
{
    private final AlarmFeed alarms;
    private final NativeFeeds natives;

    /** @param alarms the alarms feed or {@code null}; @param natives the event-source feeds or {@code null}. */
    public SystemFeeds(final AlarmFeed alarms, final NativeFeeds natives)
    {
        this.alarms = alarms;
        this.natives = natives;
    }

    @Override
    public boolean handles(final WhiskAction action)
    {
        return (alarms != null && alarms.handles(action)) || (natives != null && natives.handles(action));
    }

    @Override
    public void run(final Identity identity, final WhiskAction action, final byte[] params,
        final Consumer<Activation> onDone)
    {
        if (alarms != null && alarms.handles(action))
        {
            alarms.run(identity, action, params, onDone);
        }
        else
        {
            natives.run(identity, action, params, onDone);
        }
    }
}
