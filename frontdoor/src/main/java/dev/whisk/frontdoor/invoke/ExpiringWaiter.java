package dev.whisk.frontdoor.invoke;

import dev.whisk.scheduler.ActivationWaiter;

/**
 * A caller that waits for its activation only so long. The invocation service starts the wait once the request is
 * published ({@link #startWait}); the caller keeps its own timer (on its event loop) and, when it rings, answers
 * unless the record came first.
 */
public interface ExpiringWaiter extends ActivationWaiter
{
    /**
     * Starts the wait for {@code activationId}: after {@code waitMs} the caller is told {@link #onWaitExpired}, unless
     * it was answered first. One timer per blocking call, the only allocation the wait costs.
     */
    void startWait(String activationId, int waitMs);

    /** The wait ran out; answer unless the result came first (whoever cancels the waiter first answers). */
    void onWaitExpired(String activationId);
}
