package dev.whisk.scheduler;

import dev.whisk.core.activation.Activation;

/**
 * The front door's side of one accepted request. Callbacks arrive on scheduler threads; an implementation hands its
 * answer to its connection's event loop and never blocks.
 */
public interface ActivationWaiter
{
    /** The request is in the journal: from now on it cannot be lost. Non-blocking callers get their 202 here. */
    void onJournaled(String activationId);

    /** The activation ended (for a blocking caller: its result, possibly before logs are collected). */
    void onActivation(Activation activation);

    /**
     * No healthy invoker could take the request: {@code activation} is its stored {@code whisk internal error}
     * record. A blocking caller is answered 503 (the load balancer could not place it), not 500.
     */
    default void onUndeliverable(final Activation activation)
    {
        onActivation(activation);
    }

    /**
     * The request could not be journaled (no disk space), after its caller was told it was taken: it is not
     * accepted, never runs and has no record; {@code reason} says why. A caller still waiting is answered 503.
     */
    default void onNotAccepted(final String activationId, final String reason)
    {
    }
}
