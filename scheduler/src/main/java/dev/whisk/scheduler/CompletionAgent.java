package dev.whisk.scheduler;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.wire.CompletionMessage;
import dev.whisk.core.wire.Heartbeat;
import dev.whisk.core.wire.MessageHeader;
import dev.whisk.core.wire.MessageParts;
import dev.whisk.storage.ActivationStore;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Takes results and completions from the invokers: a result answers its blocking caller at once; a completion is
 * handed to the activation store and answers a caller that is still waiting. Records the store cannot take now
 * wait in a backlog, in order, and are never dropped.
 */
public final class CompletionAgent implements Agent
{
    private static final Logger LOG = LoggerFactory.getLogger(CompletionAgent.class);
    private static final int FRAGMENT_LIMIT = 32;
    private static final long HEALTH_TICK_NS = 100_000_000L;
    private static final long RESUBSCRIBE_INTERVAL_NS = 1_000_000_000L;

    private Subscription completions;
    private java.util.function.Supplier<Subscription> resubscribe;
    private long nextResubscribeNs;
    private final ActivationStore store;
    private final Waiters waiters;
    private final FragmentHandler assembler = new FragmentAssembler(this::onFragment);
    private final MessageParts.Assembler parts = new MessageParts.Assembler();
    private final ArrayDeque<Activation> backlog = new ArrayDeque<>();
    private final Consumer<Activation> onCompletion;
    private final Membership membership;
    private final Heartbeat heartbeat = new Heartbeat();
    private final InvokerTable invokers;
    private final InvokerHealth health;
    private long nextHealthTickNs;
    private long refusedRecords;
    private RecordJournal journal;
    private final org.agrona.ExpandableArrayBuffer journalScratch = new org.agrona.ExpandableArrayBuffer(1024);

    public CompletionAgent(final Subscription completions, final ActivationStore store, final Waiters waiters)
    {
        this(completions, store, waiters, activation -> { });
    }

    public CompletionAgent(final Subscription completions, final ActivationStore store, final Waiters waiters,
        final Consumer<Activation> onCompletion)
    {
        this(completions, store, waiters, onCompletion, null);
    }

    /**
     * @param onCompletion told of every completed activation (once each, on this agent's thread), e.g. so that
     *                     admission control can count it out of flight; must not block.
     * @param membership   for invokers in other processes: heartbeats, silence, in-flight bookkeeping; {@code null}
     *                     for in-process invokers.
     */
    public CompletionAgent(final Subscription completions, final ActivationStore store, final Waiters waiters,
        final Consumer<Activation> onCompletion, final Membership membership)
    {
        this(completions, store, waiters, onCompletion, membership, null, null);
    }

    /**
     * @param invokers whose memory a completed activation gives back (in-process invokers; remote ones give it back
     *                 through their in-flight bookkeeping); {@code null} when nothing is accounted.
     * @param health   judges each invoker from its outcomes and pings it while unhealthy; {@code null} for none.
     */
    public CompletionAgent(final Subscription completions, final ActivationStore store, final Waiters waiters,
        final Consumer<Activation> onCompletion, final Membership membership, final InvokerTable invokers,
        final InvokerHealth health)
    {
        this.invokers = invokers;
        this.health = health;
        this.membership = membership;
        this.completions = completions;
        this.store = store;
        this.waiters = waiters;
        this.onCompletion = onCompletion;
    }

    /**
     * Journals every result and completion before a caller hears it and before the store takes it, so that one still
     * waiting for the store's writer when the process is killed is recorded by recovery with its real outcome. For
     * invokers in this process, which die with it and cannot resend; a remote invoker resends a completion until it
     * hears it is durable.
     *
     * @return this agent.
     */
    public CompletionAgent journalCompletionsTo(final RecordJournal records)
    {
        this.journal = records;
        return this;
    }

    /**
     * Lets this agent open its subscription again when it finds it closed (its Aeron client died, e.g. after a stall
     * of the process longer than the client tolerates): {@code subscribe} returns a new one on a new client, or
     * throws when that cannot be done now (tried again a second later). Call before the agent runs.
     *
     * @return this agent.
     */
    public CompletionAgent resubscribeWith(final java.util.function.Supplier<Subscription> subscribe)
    {
        this.resubscribe = subscribe;
        return this;
    }

    @Override
    public int doWork()
    {
        int work = 0;
        if (resubscribe != null && completions.isClosed())
        {
            work += resubscribe();
        }
        while (!backlog.isEmpty() && tryAppend(backlog.peekFirst(), null))
        {
            backlog.pollFirst();
            work++;
        }
        if (membership != null || health != null)
        {
            final long nowNs = System.nanoTime();
            if (membership != null)
            {
                work += membership.checkSilence(nowNs);
            }
            if (health != null && nowNs >= nextHealthTickNs)
            {
                nextHealthTickNs = nowNs + HEALTH_TICK_NS;
                work += health.tick(nowNs);
            }
        }
        return completions == null ? work : work + completions.poll(assembler, FRAGMENT_LIMIT);
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
    public String roleName()
    {
        return "completions";
    }

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final short template = MessageHeader.templateId(buffer, offset, length);
        if (template == MessageHeader.PART)
        {
            // A record too long for one Aeron message (large logs): handled once its last part is in.
            final byte[] whole = parts.onPart(header.sessionId(), buffer, offset, length);
            if (whole != null)
            {
                onFragment(new UnsafeBuffer(whole), 0, whole.length, header);
            }
            return;
        }
        if (template == MessageHeader.HEARTBEAT && membership != null)
        {
            membership.onHeartbeat(heartbeat.decode(buffer, offset, length), System.nanoTime());
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
        final boolean live = membership == null || isStillInFlight(template, activation);
        if (live && journal != null)
        {
            // A result is journaled before its blocking caller hears it: a caller told the outcome finds it recorded.
            journal.tryAppend(template, activation, journalScratch);
        }
        if (live && template == MessageHeader.COMPLETION)
        {
            // A remote invoker hears its acknowledgement only once the record is durable; until then it resends.
            final Consumer<Activation> onDurable = membership == null ? null :
                stored -> membership.acknowledge(invokerId, stored.activationId());
            if (!backlog.isEmpty() || !tryAppend(activation, onDurable))
            {
                backlog.addLast(activation);
            }
            if (membership == null && invokers != null)
            {
                invokers.release(invokerId, activation.limits().memory());
            }
            if (health != null)
            {
                health.onCompletion(invokerId, activation);
            }
            onCompletion.accept(activation);
        }
        else if (membership != null && template == MessageHeader.COMPLETION)
        {
            // A duplicate of one already recorded (or ended with its invoker): the invoker resends until it hears.
            membership.acknowledge(invokerId, activation.activationId());
        }
        if (!live)
        {
            return;
        }
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
        return parts.dropped();
    }

    /**
     * For a remote invoker: a result counts while its activation is in flight; a completion takes it out. Either
     * arriving after the activation was failed with its silent invoker is dropped, so nothing is recorded twice.
     */
    private boolean isStillInFlight(final short template, final Activation activation)
    {
        final boolean live = template == MessageHeader.RESULT ?
            membership.inFlight().contains(activation.activationId()) :
            membership.inFlight().complete(activation.activationId());
        if (!live)
        {
            LOG.warn("event=late-message-dropped activationId={} template={}", activation.activationId(), template);
        }
        return live;
    }
}
