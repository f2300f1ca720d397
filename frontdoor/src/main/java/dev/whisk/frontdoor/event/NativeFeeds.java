package dev.whisk.frontdoor.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationResults;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.core.entity.WhiskTrigger;
import dev.whisk.core.json.Json;
import dev.whisk.storage.ActivationStore;
import dev.whisk.storage.EntityStore;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Runs the lifecycle invokes of the {@link NativeFeed}s: checks {@code lifecycleEvent} and {@code triggerName} (the
 * trigger must be the caller's, and exist for CREATE and UPDATE), hands the event to the feed that owns the action's
 * package, and records the run as an activation of the feed action, as {@link AlarmFeed} does for the alarms.
 *
 * <p>Threads: called on event loops; a feed may finish on its own control thread, where {@code onDone} then runs:
 * whoever waits hands the record on to its own thread.
 */
public final class NativeFeeds implements dev.whisk.frontdoor.invoke.PlatformFeeds
{
    private static final String SYSTEM_PACKAGES = "whisk.system/";

    private final List<NativeFeed> feeds;
    private final EntityStore store;
    private final ActivationStore activations;

    public NativeFeeds(final List<NativeFeed> feeds, final EntityStore store, final ActivationStore activations)
    {
        this.feeds = List.copyOf(feeds);
        this.store = store;
        this.activations = activations;
    }

    /**
     * Whether a native feed runs {@code action} (an action of one of their packages). On every invoke's path, so a
     * user's action is told apart by one prefix test: native feeds live in the system namespace's packages.
     */
    @Override
    public boolean handles(final WhiskAction action)
    {
        return action.namespace().startsWith(SYSTEM_PACKAGES) && feedOf(action) != null;
    }

    /** Runs one lifecycle event of {@code feed} with merged {@code params}; {@code onDone} hears its record. */
    @Override
    public void run(final Identity identity, final WhiskAction feed, final byte[] params,
        final Consumer<Activation> onDone)
    {
        final long startMs = System.currentTimeMillis();
        final NativeFeed.Done done = new NativeFeed.Done()
        {
            @Override
            public void onResult(final byte[] result)
            {
                onDone.accept(FeedRuns.record(activations, identity, feed, startMs, ActivationStatus.SUCCESS,
                    result));
            }

            @Override
            public void onError(final String message)
            {
                onDone.accept(FeedRuns.record(activations, identity, feed, startMs,
                    ActivationStatus.APPLICATION_ERROR, ActivationResults.error(message)));
            }
        };
        final ObjectNode p;
        final NativeFeed.Event event;
        final String trigger;
        try
        {
            p = (ObjectNode)Json.MAPPER.readTree(params);
            event = event(p);
            final JsonNode name = p.get("triggerName");
            trigger = FeedRuns.triggerId(identity, name == null || !name.isTextual() ? null : name.asText());
            if ((event == NativeFeed.Event.CREATE || event == NativeFeed.Event.UPDATE) &&
                !(store.get(trigger) instanceof WhiskTrigger))
            {
                throw new IllegalArgumentException("trigger " + trigger + " does not exist");
            }
        }
        catch (final IllegalArgumentException | IOException | ClassCastException bad)
        {
            done.onError(bad.getMessage());
            return;
        }
        feedOf(feed).onLifecycle(identity, feed.name(), event, trigger, p, done);
    }

    private NativeFeed feedOf(final WhiskAction action)
    {
        for (int i = 0; i < feeds.size(); i++)
        {
            if (feeds.get(i).handles(action.namespace()))
            {
                return feeds.get(i);
            }
        }
        return null;
    }

    private static NativeFeed.Event event(final ObjectNode p)
    {
        final JsonNode v = p.get("lifecycleEvent");
        try
        {
            return NativeFeed.Event.valueOf(v == null ? "" : v.asText().toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException unknown)
        {
            throw new IllegalArgumentException("unsupported lifecycleEvent " + (v == null ? "(none)" : v.asText()) +
                "; expected one of CREATE, READ, UPDATE, DELETE, PAUSE, UNPAUSE");
        }
    }
}
