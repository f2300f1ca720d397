package dev.whisk.frontdoor.compose;

import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Param;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.frontdoor.invoke.ActionLookup;
import dev.whisk.frontdoor.invoke.Admission;
import dev.whisk.frontdoor.invoke.Compositions;
import dev.whisk.frontdoor.invoke.DispatchPort;
import dev.whisk.frontdoor.invoke.Invocations;
import dev.whisk.storage.ActivationStore;

import java.util.List;

/**
 * Starts the runs of sequences ({@link SequenceRun}) and conductor compositions ({@link ConductorRun}) for the
 * invocation service, and holds what every run uses: the service to publish its steps, the lookup that resolves
 * them, the store and journal its own record goes to, and the admission that counts it. Made once, by the wiring,
 * through {@code new Invocations(..., invocations -> new Composer(invocations, activations))}.
 *
 * <p>Threads: a run starts on the caller's thread and steps on the thread that delivers its children's records;
 * see {@link CompositeRun}.
 */
public final class Composer implements Compositions
{
    private final Invocations invocations;
    private final ActivationStore activations;

    public Composer(final Invocations invocations, final ActivationStore activations)
    {
        this.invocations = invocations;
        this.activations = activations;
    }

    @Override
    public boolean isComposite(final WhiskAction action)
    {
        return CompositeRun.isComposite(action);
    }

    @Override
    public void start(final Identity identity, final WhiskAction action, final List<Param> inherited,
        final String activationId, final byte[] input)
    {
        CompositeRun.startTopmost(this, identity, action, inherited, activationId, input);
    }

    Invocations invocations()
    {
        return invocations;
    }

    ActionLookup lookup()
    {
        return invocations.lookup();
    }

    ActivationStore activations()
    {
        return activations;
    }

    DispatchPort dispatch()
    {
        return invocations.dispatch();
    }

    Admission admission()
    {
        return invocations.admission();
    }
}
