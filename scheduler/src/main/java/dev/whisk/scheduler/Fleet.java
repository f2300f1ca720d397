package dev.whisk.scheduler;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.wire.Heartbeat;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.core.wire.MessageHeader;
import dev.whisk.core.wire.MessageParts;
import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Where the invokers are: the deployment mode as a type, chosen once when a node is wired and asked, never tested
 * for, by the {@link Scheduler}, the {@link DispatchHandler}, the {@link CompletionAgent} and {@link Recovery}.
 * <ul>
 *   <li>{@link Local} (standalone): invokers in this process, reached by a call on the event loop that owns them
 *   ({@link LocalDispatch}). No ring: a request is journaled and dispatched by the thread that reads it. Results and
 *   completions arrive as calls ({@link CompletionAgent#accept}), are journaled before anyone hears them (the invoker
 *   dies with this process and cannot resend), and give back their invoker's memory.</li>
 *   <li>{@link Remote} (controller): invokers in other processes. Requests go through the ring and out on each
 *   invoker's Aeron publication; results, completions and heartbeats come in on one subscription. Each dispatched
 *   activation is tracked ({@link InFlight}) until its completion or its invoker's death ({@link Membership});
 *   a completion is acknowledged once durable, so the invoker stops resending it.</li>
 * </ul>
 *
 * <p>Threads: {@link #intake} is asked once, by the scheduler's constructor. The dispatch side ({@link #track},
 * {@link #send}, {@link #abandon}) runs on the dispatch thread (the ring's, or the local loop); the completion side
 * ({@link #poll}, {@link #duty}, {@link #isLive}, {@link #keepOutcome}, {@link #onDurable}) on the completion agent's
 * thread. What the two share is the {@link InvokerTable} (atomics, see there) and, remotely, {@link InFlight} (a
 * concurrent map).
 */
public abstract sealed class Fleet permits Fleet.Local, Fleet.Remote
{
    final InvokerTable invokers;

    private Fleet(final InvokerTable invokers)
    {
        this.invokers = Objects.requireNonNull(invokers, "invokers");
    }

    /** Invokers in this process, on the thread {@code dispatch} runs requests on. */
    public static Fleet local(final InvokerTable invokers, final LocalDispatch dispatch)
    {
        return new Local(invokers, dispatch);
    }

    /** Invokers in other processes, as {@code context} describes them. */
    public static Fleet remote(final Remote.Context context)
    {
        return new Remote(context.conclude());
    }

    /** The invokers and what each can take. */
    public InvokerTable invokers()
    {
        return invokers;
    }

    /** Activations sent to invokers in other processes and not yet completed; 0 for invokers in this process. */
    public abstract int inFlight();

    /** Whether invokers may outlive this process: a dispatched request found at a restart may still complete. */
    abstract boolean outlivesUs();

    /** Start-up, before the scheduler runs: takes over what recovery found dispatched and awaiting its invoker. */
    public abstract void adopt(Recovery recovery);

    /** Dispatch side: how requests reach {@code stages}: through a ring, or by a call on the invokers' thread. */
    abstract Intake intake(SchedulerConfig config, Stages stages);

    /** Dispatch thread: remembers a request about to be sent to {@code home}, before it is sent. */
    abstract void track(int home, InvokeEvent event);

    /**
     * Dispatch thread: sends a journaled request to {@code home}.
     *
     * @return false when it could not be sent: {@link #abandon} it.
     */
    abstract boolean send(int home, InvokeEvent event, long nowNs);

    /**
     * Dispatch thread: a request promised to {@code home} that will not run (not sent, or its dispatch not
     * journaled) gives back its memory.
     *
     * @return whether the caller must record it as undeliverable (false: it already ended otherwise).
     */
    abstract boolean abandon(int home, InvokeEvent event);

    /** Completion thread: reads invoker messages, if any come in on a subscription. */
    abstract int poll(FragmentHandler handler, int limit);

    /** Completion thread: periodic work; activations it ends (their invoker died) go to {@code ended}. */
    abstract int duty(long nowNs, Consumer<Activation> ended);

    /** Completion thread: an invoker's heartbeat. */
    abstract void onHeartbeat(Heartbeat heartbeat, long nowNs);

    /**
     * Completion thread: whether a result or completion of {@code invokerId} still counts. A completion that counts
     * gives back the memory its activation held; one that does not is a duplicate, acknowledged again.
     */
    abstract boolean isLive(short template, int invokerId, Activation activation);

    /** Completion thread: journals an outcome before anyone hears it, if its invoker cannot resend it. */
    abstract void keepOutcome(RecordJournal records, short template, Activation activation,
        ExpandableArrayBuffer scratch);

    /** What to tell once a completion of {@code invokerId} is durable in the store; {@code null}: nobody. */
    abstract Consumer<Activation> onDurable(int invokerId);

    /**
     * What an intake needs of the scheduler: its two stages, and how to refuse a request that was not journaled (its
     * waiter, or its record when nobody waits, hears why).
     */
    record Stages(JournalHandler journalStage, DispatchHandler dispatchStage,
                  java.util.function.BiConsumer<InvokeRequest, ActivationWaiter> notAccepted)
    {
    }

    /** How requests enter the scheduler's two stages. */
    interface Intake extends AutoCloseable
    {
        /** @param pinned the invoker it must go to, or -1 for the balancer's choice. */
        boolean publish(InvokeRequest request, ActivationWaiter waiter, int pinned);

        /** A request recovered from the journal; nobody waits on it. */
        boolean redispatch(byte[] encodedRequest);

        @Override
        void close();
    }

    /** Invokers in this process: see {@link Fleet}. */
    static final class Local extends Fleet
    {
        private final LocalDispatch dispatch;

        Local(final InvokerTable invokers, final LocalDispatch dispatch)
        {
            super(invokers);
            this.dispatch = Objects.requireNonNull(dispatch, "dispatch");
        }

        @Override
        public int inFlight()
        {
            return 0;
        }

        @Override
        boolean outlivesUs()
        {
            return false;
        }

        @Override
        public void adopt(final Recovery recovery)
        {
            // An in-process invoker stopped with us: recovery already ended what it had been sent.
        }

        @Override
        Intake intake(final SchedulerConfig config, final Stages stages)
        {
            return new LoopIntake(dispatch, stages);
        }

        @Override
        void track(final int home, final InvokeEvent event)
        {
        }

        @Override
        boolean send(final int home, final InvokeEvent event, final long nowNs)
        {
            dispatch.dispatch(home, event.buffer, 0, event.length);
            return true;
        }

        @Override
        boolean abandon(final int home, final InvokeEvent event)
        {
            invokers.release(home, event.memoryMb);
            return true;
        }

        @Override
        int poll(final FragmentHandler handler, final int limit)
        {
            return 0;
        }

        @Override
        int duty(final long nowNs, final Consumer<Activation> ended)
        {
            return 0;
        }

        @Override
        void onHeartbeat(final Heartbeat heartbeat, final long nowNs)
        {
        }

        @Override
        boolean isLive(final short template, final int invokerId, final Activation activation)
        {
            if (template == MessageHeader.COMPLETION)
            {
                invokers.release(invokerId, activation.limits().memory());
            }
            return true;
        }

        @Override
        void keepOutcome(final RecordJournal records, final short template, final Activation activation,
            final ExpandableArrayBuffer scratch)
        {
            // A result is journaled before its blocking caller hears it: a caller told the outcome finds it recorded.
            records.tryAppend(template, activation, scratch);
        }

        @Override
        Consumer<Activation> onDurable(final int invokerId)
        {
            return null;
        }
    }

    /** Invokers in other processes: see {@link Fleet}. */
    public static final class Remote extends Fleet
    {
        private static final Logger LOG = LoggerFactory.getLogger(Remote.class);
        /** Back-pressured offers between two looks at the clock and the invoker's liveness. */
        private static final int CLOCK_CHECK_ATTEMPTS = 64;
        private static final long RESUBSCRIBE_INTERVAL_NS = 1_000_000_000L;

        private final InFlight inFlight;
        private final Membership membership;
        private final Supplier<Subscription> resubscribe;
        /** Completion thread: the subscription invoker messages come in on, replaced when its client died. */
        private Subscription completions;
        private long nextResubscribeNs;
        /** Dispatch thread: spins, yields, then parks up to 1 ms; a wait of seconds must not hold a core. */
        private final IdleStrategy retryIdle = new BackoffIdleStrategy(64, 64, 1_000, 1_000_000);
        /** Dispatch thread: the request being tracked, decoded. */
        private final InvokeRequest tracked = new InvokeRequest();

        private Remote(final Context context)
        {
            super(context.invokers);
            this.inFlight = new InFlight(context.invokers);
            this.membership = new Membership(context.aeron, context.requestStreamId, context.invokers, inFlight,
                context.invokers.capacity(), context.invokers.silenceNs());
            this.completions = context.completions;
            this.resubscribe = context.resubscribe;
        }

        /**
         * What a remote fleet is made of. Required: the {@link #invokers} table, the Aeron client to open
         * publications to invokers on as they join ({@link #aeron}), their {@link #requestStreamId}, and the
         * subscription their messages arrive on ({@link #completions}).
         */
        public static final class Context
        {
            private InvokerTable invokers;
            private Supplier<Aeron> aeron;
            private int requestStreamId = -1;
            private Subscription completions;
            private Supplier<Subscription> resubscribe;

            public Context invokers(final InvokerTable invokers)
            {
                this.invokers = invokers;
                return this;
            }

            /** The node's Aeron client of the day: a client that died is made again by its owner. */
            public Context aeron(final Supplier<Aeron> aeron)
            {
                this.aeron = aeron;
                return this;
            }

            public Context requestStreamId(final int requestStreamId)
            {
                this.requestStreamId = requestStreamId;
                return this;
            }

            /** Where invokers' results, completions and heartbeats arrive. */
            public Context completions(final Subscription completions)
            {
                this.completions = completions;
                return this;
            }

            /**
             * Optional: how to open the completion subscription again when it is found closed (its Aeron client
             * died, e.g. after a stall longer than the client tolerates); it may throw, and is tried again a second
             * later. Without it a closed subscription stays closed.
             */
            public Context resubscribe(final Supplier<Subscription> resubscribe)
            {
                this.resubscribe = resubscribe;
                return this;
            }

            Context conclude()
            {
                Objects.requireNonNull(invokers, "invokers");
                Objects.requireNonNull(aeron, "aeron");
                Objects.requireNonNull(completions, "completions");
                if (requestStreamId < 0)
                {
                    throw new IllegalArgumentException("request stream id not set");
                }
                return this;
            }
        }

        @Override
        public int inFlight()
        {
            return inFlight.size();
        }

        @Override
        boolean outlivesUs()
        {
            return true;
        }

        @Override
        public void adopt(final Recovery recovery)
        {
            for (final Recovery.Dispatched d : recovery.awaiting())
            {
                inFlight.add(d.invoker(), d.activationId(), d.request());
                invokers.acquire(d.invoker(), d.request().memoryMb);
            }
        }

        @Override
        Intake intake(final SchedulerConfig config, final Stages stages)
        {
            return new RingIntake(config, stages);
        }

        @Override
        void track(final int home, final InvokeEvent event)
        {
            // Before the offer: the completion may come back before the offer call returns.
            inFlight.add(home, event.activationId, tracked.decode(event.buffer, 0, event.length));
        }

        @Override
        boolean send(final int home, final InvokeEvent event, final long nowNs)
        {
            final Publication publication = invokers.publication(home);
            final long result;
            if (event.length > publication.maxMessageLength())
            {
                // Params and defaults near their limits can pass one Aeron message: sent in parts, put together by
                // the invoker, rather than refused by offer.
                result = offerParts(publication, MessageParts.split(event.buffer, 0, event.length, event.idHi,
                    event.idLo, publication.maxMessageLength()), home, nowNs);
            }
            else
            {
                result = offer(publication, event.buffer, event.length, home, nowNs);
            }
            if (result >= 0)
            {
                invokers.wake(home);
                return true;
            }
            LOG.warn("event=dispatch-failed activationId={} invoker={} code={}", event.activationId, home, result);
            return false;
        }

        @Override
        boolean abandon(final int home, final InvokeEvent event)
        {
            // Taking it out of flight gives its memory back; false when its invoker's death already ended it.
            return inFlight.complete(event.activationId);
        }

        /**
         * Offers the request, waiting out back pressure while the invoker is alive, for at most its silence window:
         * an invoker that drains more slowly than requests come (big payloads in a burst) is waited for, so work
         * already accepted (a non-blocking caller heard 202 when it was journaled) is not failed with "No invoker is
         * available". Meanwhile the ring fills and the front door refuses new work with 503, before accepting it. An
         * invoker that is not connected, or closed, is not waited for: it is not coming back within the wait.
         *
         * @return the publication's result: a position, or the negative code it ended with.
         */
        private long offer(final Publication publication, final DirectBuffer buffer, final int length, final int home,
            final long startNs)
        {
            final long giveUpNs = startNs + invokers.silenceNs();
            long result;
            for (int attempt = 1; ; attempt++)
            {
                result = publication.offer(buffer, 0, length);
                if (result != Publication.BACK_PRESSURED && result != Publication.ADMIN_ACTION)
                {
                    break;
                }
                if (attempt % CLOCK_CHECK_ATTEMPTS == 0)
                {
                    final long now = System.nanoTime();
                    if (now - giveUpNs >= 0 || !invokers.isAlive(home, now))
                    {
                        break;
                    }
                }
                retryIdle.idle();
            }
            retryIdle.reset();
            return result;
        }

        /** Offers the parts in order; stops at the first that cannot go (the invoker drops what it got of them). */
        private long offerParts(final Publication publication, final byte[][] parts, final int home,
            final long startNs)
        {
            long result = Publication.NOT_CONNECTED;
            for (final byte[] part : parts)
            {
                result = offer(publication, new UnsafeBuffer(part), part.length, home, startNs);
                if (result < 0)
                {
                    return result;
                }
            }
            return result;
        }

        @Override
        int poll(final FragmentHandler handler, final int limit)
        {
            int work = 0;
            if (resubscribe != null && completions.isClosed())
            {
                work += resubscribe();
            }
            return work + completions.poll(handler, limit);
        }

        private int resubscribe()
        {
            final long nowNs = System.nanoTime();
            if (nowNs < nextResubscribeNs)
            {
                return 0;
            }
            nextResubscribeNs = nowNs + RESUBSCRIBE_INTERVAL_NS;
            try
            {
                completions = resubscribe.get();
                LOG.warn("event=completions-resubscribed channel={}", completions.channel());
                return 1;
            }
            catch (final RuntimeException ex)
            {
                LOG.error("event=completions-resubscribe-failed", ex);
                return 0;
            }
        }

        @Override
        int duty(final long nowNs, final Consumer<Activation> ended)
        {
            return membership.checkSilence(nowNs, ended);
        }

        @Override
        void onHeartbeat(final Heartbeat heartbeat, final long nowNs)
        {
            membership.onHeartbeat(heartbeat, nowNs);
        }

        /**
         * A result counts while its activation is in flight; a completion takes it out. Either arriving after the
         * activation was failed with its silent invoker is dropped, so nothing is recorded twice; a completion
         * dropped so is acknowledged again (its invoker resends until it hears).
         */
        @Override
        boolean isLive(final short template, final int invokerId, final Activation activation)
        {
            final boolean live = template == MessageHeader.RESULT ?
                inFlight.contains(activation.activationId()) :
                inFlight.complete(activation.activationId());
            if (!live)
            {
                LOG.warn("event=late-message-dropped activationId={} template={}", activation.activationId(),
                    template);
                if (template == MessageHeader.COMPLETION)
                {
                    membership.acknowledge(invokerId, activation.activationId());
                }
            }
            return live;
        }

        @Override
        void keepOutcome(final RecordJournal records, final short template, final Activation activation,
            final ExpandableArrayBuffer scratch)
        {
            // A remote invoker resends a completion until it hears it is durable: nothing to journal here.
        }

        @Override
        Consumer<Activation> onDurable(final int invokerId)
        {
            // A remote invoker hears its acknowledgement only once the record is durable; until then it resends.
            return stored -> membership.acknowledge(invokerId, stored.activationId());
        }
    }
}
