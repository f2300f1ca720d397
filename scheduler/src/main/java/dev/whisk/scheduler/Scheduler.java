package dev.whisk.scheduler;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationId;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.storage.ActivationStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * The path from the front door to the invokers: each accepted request is journaled, then dispatched to an invoker.
 * {@link #tryPublish} is called from front door event loops (and timers, feeds, recovery) and never blocks. How a
 * request reaches the two stages is the {@link Fleet}'s choice, made once at wiring: invokers in other processes get
 * a ring with the stages on its threads ({@link RingIntake}); invokers in this process get no ring, the stages run on
 * the thread that owns them ({@link LoopIntake}), the event loop that also serves the front door.
 *
 * <p>Journal appenders: the journal stage ({@link JournalHandler}, each request) and the dispatch stage
 * ({@link DispatchHandler}, where each request went), both on the ring's thread(s) or the local loop; and
 * {@link #records()}, outcomes and compositions, from the completion agent's thread and the front door loops. The
 * journal takes appends from several threads (see {@link Journal}).
 */
public final class Scheduler implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    private final Fleet.Intake intake;
    private final DispatchHandler dispatchStage;
    private final Journal journal;
    private final RecordJournal records;
    private final Waiters waiters;
    private final InvokerTable invokers;
    private final Consumer<Activation> onUndeliverable;
    private final ActivationStore activations;
    /** Free space under the stores; {@code null} when nothing watches it. */
    private volatile DiskGuard disk;

    public Scheduler(final Context context)
    {
        context.conclude();
        this.onUndeliverable = context.onUndeliverable;
        this.activations = context.activations;
        this.journal = context.journal;
        this.records = new RecordJournal(journal);
        this.waiters = context.waiters;
        this.invokers = context.fleet.invokers();
        final JournalHandler journalStage = new JournalHandler(journal, this::onNotJournaled);
        this.dispatchStage = new DispatchHandler(context.fleet, activations, waiters, journal, onUndeliverable);
        this.intake = context.fleet.intake(context.config, new Fleet.Stages(journalStage, dispatchStage,
            this::notAccepted));
    }

    /**
     * What a scheduler is made of. Required: {@link #config}, {@link #journal}, {@link #fleet},
     * {@link #activations}, {@link #waiters}; {@link #onUndeliverable} defaults to nobody.
     */
    public static final class Context
    {
        private SchedulerConfig config;
        private Journal journal;
        private Fleet fleet;
        private ActivationStore activations;
        private Waiters waiters;
        private Consumer<Activation> onUndeliverable;

        public Context config(final SchedulerConfig config)
        {
            this.config = config;
            return this;
        }

        /** Where accepted requests are appended; the scheduler closes it. */
        public Context journal(final Journal journal)
        {
            this.journal = journal;
            return this;
        }

        /** Where the invokers are, and so how requests reach them. */
        public Context fleet(final Fleet fleet)
        {
            this.fleet = fleet;
            return this;
        }

        /** Where a request that cannot be delivered gets its record. */
        public Context activations(final ActivationStore activations)
        {
            this.activations = activations;
            return this;
        }

        public Context waiters(final Waiters waiters)
        {
            this.waiters = waiters;
            return this;
        }

        /**
         * Told of each request that ends here because no invoker could take it (its record is already stored), e.g.
         * so admission control counts it out of flight; any stage thread; must not block.
         */
        public Context onUndeliverable(final Consumer<Activation> onUndeliverable)
        {
            this.onUndeliverable = onUndeliverable;
            return this;
        }

        /** Checks what is required and fills the defaults. */
        Context conclude()
        {
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(journal, "journal");
            Objects.requireNonNull(fleet, "fleet");
            Objects.requireNonNull(activations, "activations");
            Objects.requireNonNull(waiters, "waiters");
            if (onUndeliverable == null)
            {
                onUndeliverable = activation -> { };
            }
            return this;
        }
    }

    /**
     * Offers a request; the waiter hears {@code onJournaled} and later {@code onActivation}.
     *
     * @return false when it was refused and nothing was accepted: the ring is full, or (on the local loop) the
     *         journal could not take it (no space left) and {@code waiter} hears nothing. The caller answers 503.
     *         A request run later as a task that meets the same tells its waiter {@code onNotAccepted}.
     */
    public boolean tryPublish(final InvokeRequest request, final ActivationWaiter waiter)
    {
        return intake.publish(request, waiter, -1);
    }

    /**
     * Journal stage: the journal could not write the request (its disk is full). Refuse new requests at once, before
     * the next disk check would; the request was not accepted (its intake tells whoever waits).
     */
    private void onNotJournaled(final InvokeEvent event, final JournalUnavailableException ex)
    {
        final DiskGuard guard = disk;
        if (guard != null)
        {
            guard.onWriteFault("journal", ex.getMessage());
        }
        LOG.warn("event=journal-write-failed activationId={} error=\"{}\"", ActivationId.toString(event.idHi,
            event.idLo), ex.getMessage());
    }

    /**
     * A request handed over by a caller no longer on the stack could not be journaled: its waiter hears why. A
     * request recovered from the journal (accepted before a restart, nobody waiting) is not sent either, since its
     * dispatch could not be journaled (at most once): it ends in a {@code whisk internal error} record saying so.
     */
    private void notAccepted(final InvokeRequest r, final ActivationWaiter waiter)
    {
        final String id = ActivationId.toString(r.idHi, r.idLo);
        final long now = System.currentTimeMillis();
        final Activation failed = WhiskErrors.of(id, r, waiter == NOBODY ? DispatchHandler.NOT_JOURNALED :
            refusalOrDefault(), now, now, 0);
        if (waiter == NOBODY)
        {
            activations.append(failed);
        }
        waiters.cancel(id, waiter);
        onUndeliverable.accept(failed);
        waiter.onNotAccepted(id, refusalOrDefault());
    }

    /**
     * Why new invokes and fires are refused now: the stores short of disk space; {@code null} while there is room.
     * One volatile read.
     */
    public String refusal()
    {
        final DiskGuard guard = disk;
        return guard == null ? null : guard.refusal();
    }

    private String refusalOrDefault()
    {
        final String why = refusal();
        return why != null ? why : dev.whisk.core.entity.Messages.SERVICE_UNAVAILABLE;
    }

    /** Refuse requests while {@code guard} says the stores are short of space; the journal's faults set it too. */
    public void watchDisk(final DiskGuard guard)
    {
        this.disk = guard;
        dispatchStage.watchDisk(guard);
    }

    /**
     * Publishes a request recovered from the journal (see {@link Recovery#toDispatch()}); nobody waits on it, its
     * record is its outcome.
     *
     * @return false when the ring is full.
     */
    public boolean tryRedispatch(final byte[] encodedRequest)
    {
        return intake.redispatch(encodedRequest);
    }

    static final ActivationWaiter NOBODY = new ActivationWaiter()
    {
        @Override
        public void onJournaled(final String activationId)
        {
        }

        @Override
        public void onActivation(final Activation activation)
        {
        }
    };

    /**
     * Offers a request that must run on invoker {@code invoker} and nowhere else (a health ping): it goes there
     * if the invoker is alive, up or not, and otherwise ends undeliverable.
     *
     * @return false when the ring is full.
     */
    public boolean tryPublishTo(final int invoker, final InvokeRequest request, final ActivationWaiter waiter)
    {
        return intake.publish(request, waiter, invoker);
    }

    /**
     * Whether an action of {@code kind} can be placed now: some invoker that may run it is alive and up. When
     * none is, callers are answered 503 before anything is accepted.
     */
    public boolean canPlace(final String kind)
    {
        return invokers.canPlace(dev.whisk.core.entity.Exec.BLACKBOX.equals(kind), System.nanoTime());
    }

    /** Each invoker's state as operators are shown it ({@code invoker0 -> up}), in id order. */
    public java.util.Map<String, String> invokerStates()
    {
        final java.util.Map<String, String> states = new java.util.LinkedHashMap<>();
        final long now = System.nanoTime();
        for (int i = 0; i < invokers.size(); i++)
        {
            states.put("invoker" + i, invokers.state(i, now));
        }
        return states;
    }

    /** Outcomes and composition starts journaled beside the requests, for recovery. */
    public RecordJournal records()
    {
        return records;
    }

    public Waiters waiters()
    {
        return waiters;
    }

    @Override
    public void close()
    {
        intake.close();
        journal.close();
    }
}
