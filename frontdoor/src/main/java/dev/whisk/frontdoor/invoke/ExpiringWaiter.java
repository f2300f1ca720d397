package dev.whisk.frontdoor.invoke;

import dev.whisk.scheduler.ActivationWaiter;

/** A caller that waits for its activation only so long: told on its event loop when the wait ran out. */
public interface ExpiringWaiter extends ActivationWaiter
{
    /** The wait ran out; answer unless the result came first (whoever cancels the waiter first answers). */
    public void onWaitExpired(String activationId);

    /** The timer that will call {@link #onWaitExpired}; the waiter cancels it once it is answered. */
    public void expireWith(java.util.concurrent.Future<?> timer);
}
