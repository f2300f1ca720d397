package dev.whisk.frontdoor.invoke;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.scheduler.ActivationWaiter;
import dev.whisk.scheduler.Scheduler;
import dev.whisk.scheduler.Waiters;

import java.util.Map;

/**
 * What the invocation service needs of the scheduler: publish a request into its ring, the registry where callers
 * wait for records, and the journal of composition runs. {@link #of} adapts the real {@link Scheduler}; a test drives
 * the services with a fake that records what was published and answers as it likes.
 *
 * <p>Threads: {@link #tryPublish} and the checks run on the caller's thread (the event loop for an invoke, the
 * completion thread for a composition's next step); waiters hear their records on the completion thread.
 */
public interface DispatchPort
{
    /** Whether some invoker can run {@code kind} now (false: no healthy invoker for it). */
    boolean canPlace(String kind);

    /** Why new work is refused now (disk space), or {@code null}. */
    String refusal();

    /**
     * Publishes {@code request}; {@code waiter} hears {@code onJournaled} once it is in the journal (and the
     * scheduler's other callbacks). The request object is reused by the caller once this returns.
     *
     * @return false when the ring is full and nothing was published.
     */
    boolean tryPublish(InvokeRequest request, ActivationWaiter waiter);

    /** Where blocking callers wait for records, by activation id. */
    Waiters waiters();

    /** Journals a composition run's start, with the record it ends in should the platform stop first. */
    void journalCompositionStart(Activation stopped);

    /** Journals a composition run's own record before the store takes it. */
    void journalCompletion(Activation record);

    /** Each invoker's state for operators ({@code invoker0 -> up}). */
    Map<String, String> invokerStates();

    /** The port over {@code scheduler}; with none (API tests), a port that places nothing and journals nothing. */
    static DispatchPort of(final Scheduler scheduler)
    {
        return scheduler == null ? new None() : new SchedulerPort(scheduler);
    }

    /** The port over the platform's scheduler. */
    final class SchedulerPort implements DispatchPort
    {
        private final Scheduler scheduler;

        SchedulerPort(final Scheduler scheduler)
        {
            this.scheduler = scheduler;
        }

        @Override
        public boolean canPlace(final String kind)
        {
            return scheduler.canPlace(kind);
        }

        @Override
        public String refusal()
        {
            return scheduler.refusal();
        }

        @Override
        public boolean tryPublish(final InvokeRequest request, final ActivationWaiter waiter)
        {
            return scheduler.tryPublish(request, waiter);
        }

        @Override
        public Waiters waiters()
        {
            return scheduler.waiters();
        }

        @Override
        public void journalCompositionStart(final Activation stopped)
        {
            scheduler.records().appendCompositionStart(stopped);
        }

        @Override
        public void journalCompletion(final Activation record)
        {
            scheduler.records().appendCompletion(record);
        }

        @Override
        public Map<String, String> invokerStates()
        {
            return scheduler.invokerStates();
        }
    }

    /** No scheduler: the REST API alone (its tests). Nothing is placed, published or journaled. */
    final class None implements DispatchPort
    {
        private final Waiters waiters = new Waiters();

        @Override
        public boolean canPlace(final String kind)
        {
            return false;
        }

        @Override
        public String refusal()
        {
            return null;
        }

        @Override
        public boolean tryPublish(final InvokeRequest request, final ActivationWaiter waiter)
        {
            return false;
        }

        @Override
        public Waiters waiters()
        {
            return waiters;
        }

        @Override
        public void journalCompositionStart(final Activation stopped)
        {
        }

        @Override
        public void journalCompletion(final Activation record)
        {
        }

        @Override
        public Map<String, String> invokerStates()
        {
            return Map.of();
        }
    }
}
