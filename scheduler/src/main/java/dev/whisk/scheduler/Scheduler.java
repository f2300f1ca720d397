package dev.whisk.scheduler;

import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.LiteBlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationId;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.storage.ActivationStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The path from the front door to the invokers: a multi-producer ring whose first handler journals each request and
 * whose second dispatches it over Aeron. {@link #tryPublish} is called from front door event loops and never blocks.
 *
 * <p>With invokers in this process ({@link LocalDispatch}, standalone) there is no ring: the two stages run on the
 * thread that owns the invokers, the event loop that also serves the front door, so a request is journaled and handed
 * to its container pool by the thread that read it. Requests from other threads (timers, feeds, recovery) are encoded
 * and run there as tasks, in order.
 */
public final class Scheduler implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    private final Disruptor<InvokeEvent> disruptor;
    private final RingBuffer<InvokeEvent> ring;
    private final LocalDispatch local;
    private final JournalHandler journalStage;
    private final DispatchHandler dispatchStage;
    /** Owner thread of {@link #local}: the one slot the stages run on, and whether it is in use (reentry). */
    private final InvokeEvent localEvent = new InvokeEvent();
    private boolean localBusy;
    private final Journal journal;
    private final RecordJournal records;
    private final Waiters waiters;
    private final InvokerTable invokers;
    private final java.util.function.Consumer<Activation> onUndeliverable;
    private final ActivationStore activations;
    /** Free space under the stores; {@code null} when nothing watches it. */
    private volatile DiskGuard disk;

    public Scheduler(final SchedulerConfig config, final Journal journal, final InvokerTable invokers,
        final ActivationStore activations, final Waiters waiters)
    {
        this(config, journal, invokers, activations, waiters, null);
    }

    /**
     * @param inFlight tracks activations sent to invokers in other processes (see {@link Membership}); {@code null}
     *                 when all invokers are in this process.
     */
    public Scheduler(final SchedulerConfig config, final Journal journal, final InvokerTable invokers,
        final ActivationStore activations, final Waiters waiters, final InFlight inFlight)
    {
        this(config, journal, invokers, activations, waiters, inFlight, activation -> { });
    }

    /**
     * @param onUndeliverable told of each request that ends here because no invoker could take it (its record is
     *                        already stored), e.g. so admission control counts it out of flight.
     */
    public Scheduler(final SchedulerConfig config, final Journal journal, final InvokerTable invokers,
        final ActivationStore activations, final Waiters waiters, final InFlight inFlight,
        final java.util.function.Consumer<Activation> onUndeliverable)
    {
        this(config, journal, invokers, activations, waiters, inFlight, onUndeliverable, null);
    }

    /**
     * @param local the invokers in this process, reached by a call on their thread with no ring in between; {@code
     *              null} to dispatch through the ring over Aeron.
     */
    public Scheduler(final SchedulerConfig config, final Journal journal, final InvokerTable invokers,
        final ActivationStore activations, final Waiters waiters, final InFlight inFlight,
        final java.util.function.Consumer<Activation> onUndeliverable, final LocalDispatch local)
    {
        this.local = local;
        this.onUndeliverable = onUndeliverable;
        this.activations = activations;
        this.journal = journal;
        this.records = new RecordJournal(journal);
        this.waiters = waiters;
        this.invokers = invokers;
        this.journalStage = new JournalHandler(journal, this::onNotJournaled);
        this.dispatchStage = new DispatchHandler(invokers, activations, waiters, inFlight, journal, onUndeliverable,
            local);
        if (local != null)
        {
            this.disruptor = null;
            this.ring = null;
            return;
        }
        // Handlers block on a condition only while idle; a producer takes the lock only to wake one that is
        // waiting, so under load publishing is lock-free, and an idle ring costs no CPU on a small machine.
        this.disruptor = new Disruptor<>(InvokeEvent::new, config.ringSize(), threads(),
            ProducerType.MULTI, new LiteBlockingWaitStrategy());
        disruptor.setDefaultExceptionHandler(new LoggingExceptionHandler());
        if (config.stageThreads() == 1)
        {
            disruptor.handleEventsWith((event, sequence, endOfBatch) ->
            {
                journalStage.onEvent(event, sequence, endOfBatch);
                dispatchStage.onEvent(event, sequence, endOfBatch);
            });
        }
        else
        {
            disruptor.handleEventsWith(journalStage).then(dispatchStage);
        }
        this.ring = disruptor.start();
    }

    /**
     * Offers a request to the ring; the waiter hears {@code onJournaled} and later {@code onActivation}.
     *
     * @return false when the ring is full: the caller answers 503 and nothing was accepted.
     */
    public boolean tryPublish(final InvokeRequest request, final ActivationWaiter waiter)
    {
        if (local != null)
        {
            return runLocally(request, waiter, -1);
        }
        return ring.tryPublishEvent(InvokeEvent.TRANSLATOR, request, waiter);
    }

    /**
     * With local invokers: runs both stages for one request on the owner thread, at once when called there (and not
     * from inside a stage, e.g. a composition's next step started by a completion), else as a task on it.
     *
     * @return false when it ran at once and the journal could not take it (no space left): nothing was accepted and
     *         {@code waiter} hears nothing. A task that meets the same tells its waiter {@code onNotAccepted}.
     */
    private boolean runLocally(final InvokeRequest request, final ActivationWaiter waiter, final int pinned)
    {
        if (local.isOwnerThread() && !localBusy)
        {
            localBusy = true;
            try
            {
                localEvent.fill(request);
                localEvent.waiter = waiter;
                localEvent.pinned = pinned;
                journalStage.onEvent(localEvent, 0, true);
                if (localEvent.notJournaled)
                {
                    return false;
                }
                dispatchStage.onEvent(localEvent, 0, true);
                return true;
            }
            finally
            {
                localEvent.clear();
                localBusy = false;
            }
        }
        // The caller's request object is its own to reuse once this returns: carry the bytes.
        final org.agrona.ExpandableArrayBuffer copy = new org.agrona.ExpandableArrayBuffer(1024);
        final int length = request.encode(copy, 0);
        local.execute(() ->
        {
            final InvokeRequest r = new InvokeRequest().decode(copy, 0, length);
            if (!runLocally(r, waiter, pinned))
            {
                notAccepted(r, waiter);
            }
        });
        return true;
    }

    /**
     * Journal stage: the journal could not write the request (its disk is full). Refuse new requests at once, before
     * the next disk check would; the request was not accepted.
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
        if (local == null)
        {
            notAccepted(new InvokeRequest().decode(event.buffer, 0, event.length), event.waiter);
        }
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
        if (local != null)
        {
            local.execute(() ->
            {
                final InvokeRequest r = new InvokeRequest().decode(new org.agrona.concurrent.UnsafeBuffer(
                    encodedRequest), 0, encodedRequest.length);
                if (!runLocally(r, NOBODY, -1))
                {
                    notAccepted(r, NOBODY);
                }
            });
            return true;
        }
        return ring.tryPublishEvent(REDISPATCH, encodedRequest);
    }

    private static final ActivationWaiter NOBODY = new ActivationWaiter()
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

    private static final com.lmax.disruptor.EventTranslatorOneArg<InvokeEvent, byte[]> REDISPATCH =
        (event, sequence, bytes) ->
        {
            // fill() encodes the request into the slot, so it is decoded from the journal's bytes, not copied first.
            event.fill(new InvokeRequest().decode(new org.agrona.concurrent.UnsafeBuffer(bytes), 0, bytes.length));
            event.waiter = NOBODY;
        };

    /**
     * Offers a request that must run on invoker {@code invoker} and nowhere else (a health ping): it goes there
     * if the invoker is alive, up or not, and otherwise ends undeliverable.
     *
     * @return false when the ring is full.
     */
    public boolean tryPublishTo(final int invoker, final InvokeRequest request, final ActivationWaiter waiter)
    {
        if (local != null)
        {
            return runLocally(request, waiter, invoker);
        }
        return ring.tryPublishEvent(InvokeEvent.PINNED, request, waiter, invoker);
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
        if (disruptor != null)
        {
            disruptor.shutdown();
        }
        journal.close();
    }

    private static ThreadFactory threads()
    {
        final AtomicInteger n = new AtomicInteger();
        return r ->
        {
            final Thread t = new Thread(r, "scheduler-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
    }

    private static final class LoggingExceptionHandler implements ExceptionHandler<InvokeEvent>
    {
        @Override
        public void handleEventException(final Throwable ex, final long sequence, final InvokeEvent event)
        {
            LOG.error("event=ring-handler-failed sequence={} activationId={}", sequence, event.activationId, ex);
        }

        @Override
        public void handleOnStartException(final Throwable ex)
        {
            LOG.error("event=ring-start-failed", ex);
        }

        @Override
        public void handleOnShutdownException(final Throwable ex)
        {
            LOG.error("event=ring-shutdown-failed", ex);
        }
    }
}
