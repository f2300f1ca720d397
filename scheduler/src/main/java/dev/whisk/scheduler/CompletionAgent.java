package dev.whisk.scheduler;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.wire.CompletionMessage;
import dev.whisk.core.wire.Heartbeat;
import dev.whisk.core.wire.MessageHeader;
import dev.whisk.core.wire.WholeMessages;
import dev.whisk.storage.ActivationStore;
import io.aeron.FragmentAssembler;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Takes results and completions from the invokers: a result answers its blocking caller at once; a completion is
 * handed to the activation store and answers a caller that is still waiting. Records the store cannot take now
 * wait in a backlog, in order, and are never dropped. Where messages come from, whether they still count and
 * whether they are journaled first is the {@link Fleet}'s to say: polled from an Aeron subscription for invokers in
 * other processes, or handed in by a call ({@link #accept}) from an invoker in this process on this agent's thread.
 *
 * <p>Thread: one, this agent's (its own in the controller; standalone's event loop, composed with the invoker).
 * It writes the {@link InvokerTable} (memory given back, invokers joining by heartbeat, health: release stores and
 * atomic adds the dispatch thread reads with acquire loads) and the journal through {@link RecordJournal}.
 */
public final class CompletionAgent implements Agent
{
    private static final Logger LOG = LoggerFactory.getLogger(CompletionAgent.class);
    private static final int FRAGMENT_LIMIT = 32;
    private static final long HEALTH_TICK_NS = 100_000_000L;

    private final Fleet fleet;
    private final ActivationStore store;
    private final Waiters waiters;
    private final FragmentHandler assembler;
    private final WholeMessages whole;
    private final ArrayDeque<Activation> backlog = new ArrayDeque<>();
    private final Consumer<Activation> onCompletion;
    private final Consumer<Activation> endLost = this::endLost;
    private final Heartbeat heartbeat = new Heartbeat();
    private final InvokerHealth health;
    private long nextHealthTickNs;
    private long refusedRecords;
    private final RecordJournal records;
    private final org.agrona.ExpandableArrayBuffer journalScratch = new org.agrona.ExpandableArrayBuffer(1024);

    public CompletionAgent(final Context context)
    {
        context.conclude();
        this.fleet = context.fleet;
        this.store = context.store;
        this.waiters = context.waiters;
        this.onCompletion = context.onCompletion;
        this.health = context.health;
        this.records = context.records;
        this.whole = new WholeMessages(this::onMessage);
        this.assembler = new FragmentAssembler((buffer, offset, length, header) ->
            whole.onFragment(buffer, offset, length, header.sessionId()));
    }

    /**
     * What a completion agent is made of. Required: {@link #fleet}, {@link #store}, {@link #waiters},
     * {@link #records}, {@link #health}; {@link #onCompletion} defaults to nobody.
     */
    public static final class Context
    {
        private Fleet fleet;
        private ActivationStore store;
        private Waiters waiters;
        private Consumer<Activation> onCompletion;
        private RecordJournal records;
        private InvokerHealth health;

        /** Where the invokers are: where their messages come from, and what a completion gives back. */
        public Context fleet(final Fleet fleet)
        {
            this.fleet = fleet;
            return this;
        }

        public Context store(final ActivationStore store)
        {
            this.store = store;
            return this;
        }

        public Context waiters(final Waiters waiters)
        {
            this.waiters = waiters;
            return this;
        }

        /**
         * Told of every completed activation (once each, on this agent's thread), e.g. so that admission control can
         * count it out of flight; must not block.
         */
        public Context onCompletion(final Consumer<Activation> onCompletion)
        {
            this.onCompletion = onCompletion;
            return this;
        }

        /**
         * Where results and completions are journaled before a caller hears them and before the store takes them,
         * when the fleet's invokers cannot resend them (in this process: they die with it), so that one still
         * waiting for the store's writer when the process is killed is recorded by recovery with its real outcome.
         */
        public Context records(final RecordJournal records)
        {
            this.records = records;
            return this;
        }

        /** Judges each invoker from its outcomes and pings it while unhealthy. */
        public Context health(final InvokerHealth health)
        {
            this.health = health;
            return this;
        }

        /** Checks what is required and fills the defaults. */
        Context conclude()
        {
            java.util.Objects.requireNonNull(fleet, "fleet");
            java.util.Objects.requireNonNull(store, "store");
            java.util.Objects.requireNonNull(waiters, "waiters");
            java.util.Objects.requireNonNull(records, "records");
            java.util.Objects.requireNonNull(health, "health");
            if (onCompletion == null)
            {
                onCompletion = activation -> { };
            }
            return this;
        }
    }

    @Override
    public int doWork()
    {
        int work = 0;
        while (!backlog.isEmpty() && tryAppend(backlog.peekFirst(), null))
        {
            backlog.pollFirst();
            work++;
        }
        final long nowNs = System.nanoTime();
        work += fleet.duty(nowNs, endLost);
        if (nowNs >= nextHealthTickNs)
        {
            nextHealthTickNs = nowNs + HEALTH_TICK_NS;
            work += health.tick(nowNs);
        }
        return work + fleet.poll(assembler, FRAGMENT_LIMIT);
    }

    @Override
    public String roleName()
    {
        return "completions";
    }

    /** A whole message from an invoker: a heartbeat, a result or a completion. */
    private void onMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        final short template = MessageHeader.templateId(buffer, offset, length);
        if (template == MessageHeader.HEARTBEAT)
        {
            fleet.onHeartbeat(heartbeat.decode(buffer, offset, length), System.nanoTime());
            return;
        }
        if (template != MessageHeader.RESULT && template != MessageHeader.COMPLETION)
        {
            LOG.warn("event=unknown-message template={} length={}", template, length);
            return;
        }
        accept(template, CompletionMessage.invokerId(buffer, offset), CompletionMessage.activation(buffer, offset,
            length));
    }

    /**
     * Takes one result ({@link MessageHeader#RESULT}) or completion ({@link MessageHeader#COMPLETION}) of invoker
     * {@code invokerId}: from this agent's subscription, or called directly on this agent's thread by an invoker in
     * this process that shares it.
     */
    public void accept(final short template, final int invokerId, final Activation activation)
    {
        if (!fleet.isLive(template, invokerId, activation))
        {
            return;
        }
        fleet.keepOutcome(records, template, activation, journalScratch);
        if (template == MessageHeader.COMPLETION)
        {
            if (!backlog.isEmpty() || !tryAppend(activation, fleet.onDurable(invokerId)))
            {
                backlog.addLast(activation);
            }
            health.onCompletion(invokerId, activation);
            onCompletion.accept(activation);
        }
        answer(activation);
    }

    /** An activation the fleet ended (its invoker fell silent, or its completion never came): recorded as it is. */
    private void endLost(final Activation activation)
    {
        store.append(activation);
        answer(activation);
        onCompletion.accept(activation);
    }

    private void answer(final Activation activation)
    {
        final ActivationWaiter waiter = waiters.take(activation.activationId());
        if (waiter != null)
        {
            waiter.onActivation(activation);
        }
    }

    /**
     * Hands a record to the store. A record the store refuses outright (too large for a record, a malformed id) is
     * logged and counted as taken, so that the rest of the completion (the caller's answer, the freed concurrency
     * slot and memory) still happens: one bad record never holds a slot or the backlog forever.
     */
    private boolean tryAppend(final Activation activation, final Consumer<Activation> onDurable)
    {
        try
        {
            return store.append(activation, onDurable);
        }
        catch (final IllegalArgumentException refused)
        {
            refusedRecords++;
            LOG.error("event=record-refused activationId={} reason={}", activation.activationId(),
                refused.getMessage());
            return true;
        }
    }

    /** Records the store refused outright since start (each logged); their activations still completed. */
    public long refusedRecords()
    {
        return refusedRecords;
    }

    /** Parts of long messages dropped since start (a sender that gave up half way resends the whole). */
    public long droppedParts()
    {
        return whole.dropped();
    }
}
