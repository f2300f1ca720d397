package dev.whisk.scheduler;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Blocking callers by activation id. The front door registers before publishing, so a completion can never arrive
 * unseen; whoever removes a waiter first (completion or the caller's timeout) answers it, exactly once.
 */
public final class Waiters
{
    private final ConcurrentHashMap<String, ActivationWaiter> byId = new ConcurrentHashMap<>(1024);

    public void register(final String activationId, final ActivationWaiter waiter)
    {
        byId.put(activationId, waiter);
    }

    /** Removes and returns the waiter, or {@code null} when nobody waits (anymore). */
    public ActivationWaiter take(final String activationId)
    {
        return byId.remove(activationId);
    }

    /** Removes the waiter only if it is still {@code waiter}; true when the caller now owns the answer. */
    public boolean cancel(final String activationId, final ActivationWaiter waiter)
    {
        return byId.remove(activationId, waiter);
    }

    public int size()
    {
        return byId.size();
    }
}
