package dev.whisk.scheduler;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.wire.InvokeRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Activations dispatched to invokers in other processes and not yet completed, with what it takes to write their
 * record should the invoker die. Part of a {@link Fleet.Remote}. The dispatch thread adds (and removes what it
 * could not send); the completion agent's thread removes (completions, and {@link Membership} ending a silent
 * invoker's work). A concurrent map: each removal is one atomic remove, so an activation leaves exactly once, by
 * its completion or by its invoker's death, never both, and is never recorded twice.
 */
final class InFlight
{
    private final ConcurrentHashMap<String, Entry> byId = new ConcurrentHashMap<>(1024);
    private final InvokerTable invokers;

    /** @param invokers whose memory an activation gives back when it leaves, however it leaves. */
    InFlight(final InvokerTable invokers)
    {
        this.invokers = invokers;
    }

    /** What is kept of a dispatched request. */
    record Entry(int invoker, String activationId, String namespace, String subject, String path, String version,
                 String kind, ActionLimits limits, long acceptedMs, String cause)
    {
    }

    /** Dispatch thread, or start-up: remembers a request offered to {@code invoker}. */
    void add(final int invoker, final String activationId, final InvokeRequest r)
    {
        byId.put(activationId, new Entry(invoker, activationId, r.namespace, r.subject, r.actionPath,
            r.actionVersion, r.kind, new ActionLimits(r.timeoutMs, r.memoryMb, r.logsMb, r.concurrency),
            r.acceptedMs, r.cause));
    }

    /** Whether the activation is still waiting for its invoker (a result may still be answered). */
    boolean contains(final String activationId)
    {
        return byId.containsKey(activationId);
    }

    /** Takes the activation out; false when it was not in flight (already completed, or failed with its invoker). */
    boolean complete(final String activationId)
    {
        final Entry f = byId.remove(activationId);
        if (f == null)
        {
            return false;
        }
        invokers.release(f.invoker(), f.limits().memory());
        return true;
    }

    /**
     * Takes out activations that should long have completed ({@code acceptedMs + timeout + graceMs} before
     * {@code nowMs}), e.g. whose completion was lost, and returns records saying so.
     */
    List<Activation> expire(final long nowMs, final long graceMs, final String message)
    {
        final List<Activation> expired = new ArrayList<>();
        for (final Map.Entry<String, Entry> e : byId.entrySet())
        {
            final Entry f = e.getValue();
            if (f.acceptedMs() + f.limits().timeout() + graceMs < nowMs && byId.remove(e.getKey(), f))
            {
                invokers.release(f.invoker(), f.limits().memory());
                expired.add(record(f, message, nowMs));
            }
        }
        return expired;
    }

    /** Takes out every activation of {@code invoker} and returns the records saying it stopped responding. */
    List<Activation> failInvoker(final int invoker, final String message, final long nowMs)
    {
        final List<Activation> failed = new ArrayList<>();
        for (final Map.Entry<String, Entry> e : byId.entrySet())
        {
            final Entry f = e.getValue();
            if (f.invoker() == invoker && byId.remove(e.getKey(), f))
            {
                invokers.release(f.invoker(), f.limits().memory());
                failed.add(record(f, message, nowMs));
            }
        }
        return failed;
    }

    public int size()
    {
        return byId.size();
    }

    private static Activation record(final Entry f, final String message, final long nowMs)
    {
        return WhiskErrors.of(f.activationId(), f.namespace(), f.subject(), f.path(), f.version(), f.kind(),
            f.cause(), f.limits(), message, f.acceptedMs(), nowMs, 0);
    }
}
