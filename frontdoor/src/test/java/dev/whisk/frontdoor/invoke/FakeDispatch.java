package dev.whisk.frontdoor.invoke;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.scheduler.ActivationWaiter;
import dev.whisk.scheduler.Waiters;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A scheduler for the services' fast tests: it keeps what was published (a copy: the service reuses its request),
 * journals at once or when told, and completes a run when the test says so, as the completion agent does: the
 * namespace's in-flight count goes down and whoever waits under the run's id hears its record.
 */
final class FakeDispatch implements DispatchPort
{
    /** One published request, as the scheduler would have journaled it. */
    record Published(String activationId, String namespace, String subject, String actionPath, String kind,
                     String cause, int flags, String params, String apiKey, ActivationWaiter waiter)
    {
        boolean blocking()
        {
            return (flags & InvokeRequest.FLAG_BLOCKING) != 0;
        }

        String actionName()
        {
            return actionPath.substring(actionPath.lastIndexOf('/') + 1);
        }
    }

    final List<Published> published = new ArrayList<>();
    final List<Activation> journaledStarts = new ArrayList<>();
    final List<Activation> journaledCompletions = new ArrayList<>();
    private final List<Published> unjournaled = new ArrayList<>();
    private final Waiters waiters = new Waiters();
    private final Consumer<Activation> onCompleted;
    boolean ringFull;
    boolean canPlace = true;
    boolean journalLater;
    String refusal;
    private long clockMs = 1_000;

    /** @param onCompleted what the completion agent tells of each record (the admission's in-flight count). */
    FakeDispatch(final Consumer<Activation> onCompleted)
    {
        this.onCompleted = onCompleted;
    }

    @Override
    public boolean canPlace(final String kind)
    {
        return canPlace;
    }

    @Override
    public String refusal()
    {
        return refusal;
    }

    @Override
    public boolean tryPublish(final InvokeRequest r, final ActivationWaiter waiter)
    {
        if (ringFull)
        {
            return false;
        }
        final Published p = new Published(r.activationId(), r.namespace, r.subject, r.actionPath, r.kind, r.cause,
            r.flags, new String(r.params, StandardCharsets.UTF_8), r.apiKey, waiter);
        published.add(p);
        if (journalLater)
        {
            unjournaled.add(p);
        }
        else
        {
            waiter.onJournaled(p.activationId());
        }
        return true;
    }

    /** Journals what was published while {@link #journalLater} held, in order. */
    void journalNow()
    {
        for (final Published p : unjournaled)
        {
            p.waiter().onJournaled(p.activationId());
        }
        unjournaled.clear();
    }

    @Override
    public Waiters waiters()
    {
        return waiters;
    }

    @Override
    public void journalCompositionStart(final Activation stopped)
    {
        journaledStarts.add(stopped);
    }

    @Override
    public void journalCompletion(final Activation record)
    {
        journaledCompletions.add(record);
    }

    @Override
    public Map<String, String> invokerStates()
    {
        return Map.of("invoker0", "up");
    }

    /** The last request published. */
    Published last()
    {
        return published.get(published.size() - 1);
    }

    /**
     * Ends the run of {@code p} with {@code status} and the JSON {@code result} after {@code durationMs}, as the
     * completion agent delivers it; returns its record.
     */
    Activation complete(final Published p, final ActivationStatus status, final String result, final long durationMs)
    {
        final long start = clockMs;
        clockMs += durationMs;
        final Activation a = new Activation(p.activationId(), p.namespace(), p.subject(), p.actionName(), "0.0.1",
            p.actionPath(), p.kind(), start, start + durationMs, p.cause(), status,
            result.getBytes(StandardCharsets.UTF_8), List.of(), ActionLimits.DEFAULT, false, 0, -1);
        onCompleted.accept(a);
        final ActivationWaiter w = waiters.take(p.activationId());
        if (w != null)
        {
            w.onActivation(a);
        }
        return a;
    }

    /** Ends the run of {@code p} successfully with {@code result}, 10 ms long. */
    Activation succeed(final Published p, final String result)
    {
        return complete(p, ActivationStatus.SUCCESS, result, 10);
    }
}
