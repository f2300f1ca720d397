package dev.whisk.frontdoor.api;

import dev.whisk.scheduler.ActivationWaiter;

/** A caller that waits for its activation only so long: told on its event loop when the wait ran out. */
interface ExpiringWaiter extends ActivationWaiter
{
    /** The wait ran out; answer unless the result came first (whoever cancels the waiter first answers). */
    void onWaitExpired(String activationId);

    /** The timer that will call {@link #onWaitExpired}; the waiter cancels it once it is answered. */
    void expireWith(java.util.concurrent.Future<?> timer);
}
