package dev.whisk.frontdoor.invoke;

import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Param;
import dev.whisk.core.entity.WhiskAction;

import java.util.List;

/**
 * Runs of sequences and conductor compositions, started by the invocation service and stepped by their children's
 * records ({@code dev.whisk.frontdoor.compose}). The service knows only this interface, so the composition package
 * depends on the service and not the other way round.
 */
public interface Compositions
{
    /** The most actions a sequence may name, and the most component runs of one conductor composition. */
    int MAX_ACTIONS = 50;

    /** Whether invoking {@code action} runs a composite: a sequence, or a conductor action. */
    boolean isComposite(WhiskAction action);

    /**
     * Starts a topmost run of the composite {@code action} as {@code identity} under {@code activationId}; its start
     * is journaled before this returns. Whoever waits for its record is registered under {@code activationId}.
     *
     * @param input the arguments: for a sequence the bare body, for a conductor the body merged over its parameters.
     */
    void start(Identity identity, WhiskAction action, List<Param> inherited, String activationId, byte[] input);
}
