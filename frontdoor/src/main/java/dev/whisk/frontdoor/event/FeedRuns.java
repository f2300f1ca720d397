package dev.whisk.frontdoor.event;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationId;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.FullyQualifiedName;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.storage.ActivationStore;

import java.util.List;

/** What every feed the platform runs itself does alike: the trigger it names, and the record of one run. */
final class FeedRuns
{
    private FeedRuns()
    {
    }

    /**
     * The document id of the trigger named {@code /ns/t} or {@code t}, which must be in the caller's namespace.
     *
     * @throws IllegalArgumentException when there is no name, or it names another namespace's trigger.
     */
    static String triggerId(final Identity identity, final String name)
    {
        if (name == null)
        {
            throw new IllegalArgumentException("triggerName is required");
        }
        final FullyQualifiedName n = FullyQualifiedName.parse(name, identity.namespace());
        if (!n.namespace().equals(identity.namespace()) || n.pkg() != null)
        {
            throw new IllegalArgumentException("trigger " + name + " is not in namespace " + identity.namespace());
        }
        return n.path();
    }

    /** Records one lifecycle run of {@code feed} as {@code identity}, started at {@code startMs}, ended now. */
    static Activation record(final ActivationStore activations, final Identity identity, final WhiskAction feed,
        final long startMs, final ActivationStatus status, final byte[] result)
    {
        final Activation a = new Activation(ActivationId.random(), identity.namespace(), identity.subject(),
            feed.name(), feed.version(), feed.docId(), feed.exec().kind(), startMs, System.currentTimeMillis(), null,
            status, result, List.of(), feed.limits(), false, 0, -1);
        activations.append(a);
        return a;
    }
}
