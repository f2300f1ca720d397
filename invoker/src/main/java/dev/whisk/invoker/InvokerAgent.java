package dev.whisk.invoker;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationId;
import dev.whisk.core.wire.ActivationRef;
import dev.whisk.core.wire.CompletionMessage;
import dev.whisk.core.wire.Heartbeat;
import dev.whisk.core.wire.MessageHeader;
import dev.whisk.core.wire.MessageParts;
import dev.whisk.core.wire.WholeMessages;
import dev.whisk.pool.ActionCodeSource;
import dev.whisk.pool.ContainerPool;
import dev.whisk.pool.ContainerPoolConfig;
import dev.whisk.pool.docker.DockerDriver;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;

/**
 * The invoker's one service thread: takes invoke messages from its Aeron subscription, hands them to the container
 * pool, and sends each result and completion back on its publication. It owns the pool's state (the pool's
 * {@code submit} and {@code doWork} run here) and the outbound buffer.
 *
 * <p>Messages the publication cannot take now (back pressure, not yet connected) wait in an outbound queue and are
 * offered again on later duty cycles, in order, so a completion is never dropped.
 *
 * <p>Owner: the thread that runs the agent ({@link Context#loop}'s event loop in {@code whisk invoker}, which also
 * holds the containers' connections); every method but {@link #start} and the setters called before it runs there.
 */
public final class InvokerAgent extends PoolInvoker
{
    private static final Logger LOG = LoggerFactory.getLogger(InvokerAgent.class);
    private static final int FRAGMENT_LIMIT = 16;
    private static final long RECONNECT_INTERVAL_NS = 1_000_000_000L;

    /** The agent's two Aeron channels: requests in, results, completions and heartbeats out. */
    public record Channels(Subscription requests, Publication completions)
    {
    }

    private Subscription requests;
    private Publication completions;
    private java.util.function.Supplier<Channels> reconnect;
    private long nextReconnectNs;
    private final ContainerPool pool;
    private final WholeMessages whole = new WholeMessages(this::onMessage);
    private final FragmentHandler assembler = new FragmentAssembler((buffer, offset, length, header) ->
        whole.onFragment(buffer, offset, length, header.sessionId()));
    private final ExpandableArrayBuffer outBuffer = new ExpandableArrayBuffer(4096);
    private final ArrayDeque<byte[]> backlog = new ArrayDeque<>();
    private final Heartbeat heartbeat = new Heartbeat();
    private final ExpandableArrayBuffer heartbeatBuffer = new ExpandableArrayBuffer(256);
    private long heartbeatIntervalNs;
    private long nextHeartbeatNs;
    private static final long RESEND_INTERVAL_NS = 1_000_000_000L;
    /** Completions not yet acknowledged by a remote controller, by activation id, oldest first. */
    private final java.util.LinkedHashMap<String, byte[][]> unacked = new java.util.LinkedHashMap<>();
    private long nextResendNs;
    private long partedMessages;

    /** Creates the agent and its container pool; call {@link #start()} before the agent runs. */
    public InvokerAgent(final Context context)
    {
        super(context.conclude());
        this.requests = context.requests;
        this.completions = context.completions;
        final ContainerPoolConfig poolConfig = context.poolConfig;
        final ActionCodeSource codeSource = context.codeSource;
        final io.netty.channel.EventLoop loop = context.loop;
        this.pool = drive(context, () ->
        {
            final ContainerPool pool = new ContainerPool(poolConfig, codeSource, this,
                DockerDriver.forPool(poolConfig), loop);
            if (loop != null)
            {
                pool.ownedBy(loop);
            }
            return pool;
        });
    }

    /**
     * What an invoker agent is made of: see {@link PoolInvoker.Context}; required besides: {@link #requests} and
     * {@link #completions}. {@link #seal} defaults to an ephemeral key; without a {@link #loop} the pool has loops of
     * its own and the agent runs on a thread of the caller's.
     */
    public static final class Context extends PoolInvoker.Context<Context>
    {
        private Subscription requests;
        private Publication completions;

        /** Where invoke requests (and acknowledgements) arrive. */
        public Context requests(final Subscription requests)
        {
            this.requests = requests;
            return this;
        }

        /** Where results, completions and heartbeats go. */
        public Context completions(final Publication completions)
        {
            this.completions = completions;
            return this;
        }

        /** Checks what is required and fills the defaults. */
        Context conclude()
        {
            concludeCommon();
            java.util.Objects.requireNonNull(requests, "requests");
            java.util.Objects.requireNonNull(completions, "completions");
            if (seal == null)
            {
                seal = dev.whisk.core.entity.KeySeal.ephemeral();
            }
            return this;
        }
    }

    /**
     * Prepares the pool (checks the engine, removes leftovers). Blocking; on the launcher's thread.
     *
     * @throws IllegalStateException when no Docker engine answers.
     */
    public void start()
    {
        startPool();
    }

    /** The pool, for its counters. Its state belongs to the agent's thread. */
    public ContainerPool pool()
    {
        return pool;
    }

    /**
     * Makes this invoker announce itself every {@code intervalNs} on its completion publication, naming the channel
     * it takes requests on, so a controller in another process can route to it and notice when it dies. Call before
     * the agent starts.
     */
    public void heartbeatEvery(final long intervalNs, final String requestChannel, final int totalMemoryMb)
    {
        this.heartbeatIntervalNs = intervalNs;
        this.heartbeat.invokerId = invokerId;
        this.heartbeat.requestChannel = requestChannel;
        this.heartbeat.totalMemoryMb = totalMemoryMb;
        this.heartbeat.flags = Heartbeat.FLAG_CAN_RUN;
    }

    /**
     * Lets this agent open its channels again when it finds one closed (its Aeron client died, e.g. after a stall of
     * the process longer than the client tolerates): {@code open} returns new ones on a new client, or throws when
     * that cannot be done now (tried again a second later). Completions not yet acknowledged are resent on them.
     * Call before the agent runs.
     */
    public void reconnectWith(final java.util.function.Supplier<Channels> open)
    {
        this.reconnect = open;
    }

    @Override
    public int doWork()
    {
        int work = 0;
        if (reconnect != null && (completions.isClosed() || requests.isClosed()))
        {
            work += reconnect();
        }
        if (heartbeatIntervalNs > 0)
        {
            final long nowNs = System.nanoTime();
            work += sendHeartbeatIfDue(nowNs) + resendUnacked(nowNs);
        }
        work += drainBacklog();
        work += requests.poll(assembler, FRAGMENT_LIMIT);
        work += poolWork();
        return work;
    }

    private int sendHeartbeatIfDue(final long nowNs)
    {
        if (nowNs < nextHeartbeatNs)
        {
            return 0;
        }
        nextHeartbeatNs = nowNs + heartbeatIntervalNs;
        heartbeat.freeMemoryMb = freeMemoryMb();
        heartbeat.sentMs = System.currentTimeMillis();
        final int length = heartbeat.encode(heartbeatBuffer, 0);
        // A heartbeat that cannot go now is not queued: the next one carries fresher numbers.
        return completions.offer(heartbeatBuffer, 0, length) > 0 ? 1 : 0;
    }

    private int reconnect()
    {
        final long nowNs = System.nanoTime();
        if (nowNs < nextReconnectNs)
        {
            return 0;
        }
        nextReconnectNs = nowNs + RECONNECT_INTERVAL_NS;
        try
        {
            final Channels channels = reconnect.get();
            requests = channels.requests();
            completions = channels.completions();
            LOG.warn("event=invoker-reconnected invoker={}", invokerId);
            return 1;
        }
        catch (final RuntimeException ex)
        {
            LOG.error("event=invoker-reconnect-failed invoker={}", invokerId, ex);
            return 0;
        }
    }

    /** A whole message from the controller: an invoke request, or the acknowledgement of a completion. */
    private void onMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        final short template = MessageHeader.templateId(buffer, offset, length);
        if (template == MessageHeader.ACK && ActivationRef.is(buffer, offset, length, MessageHeader.ACK))
        {
            unacked.remove(ActivationId.toString(ActivationRef.idHi(buffer, offset), ActivationRef.idLo(buffer,
                offset)));
            return;
        }
        if (template != MessageHeader.INVOKE)
        {
            LOG.warn("event=unknown-message invoker={} length={}", invokerId, length);
            return;
        }
        submit(buffer, offset, length);
    }

    /**
     * Sends one result or completion, whole when it fits in one Aeron message, else in {@link MessageParts}: a record
     * of any allowed size (10 MB of logs, a result at its limit) reaches the controller as it is. What the
     * publication cannot take now waits in the backlog, in order.
     */
    @Override
    void send(final short templateId, final int memoryMb, final Activation activation)
    {
        final int length = CompletionMessage.encode(outBuffer, 0, templateId, invokerId, memoryMb, activation);
        final boolean keepUntilAcked = heartbeatIntervalNs > 0 && templateId == MessageHeader.COMPLETION;
        final int maxLength = completions.maxMessageLength();
        if (length > maxLength)
        {
            final byte[][] parts = MessageParts.split(outBuffer, 0, length,
                ActivationId.parseHi(activation.activationId()), ActivationId.parseLo(activation.activationId()),
                maxLength);
            for (final byte[] part : parts)
            {
                if (!backlog.isEmpty() || completions.offer(new UnsafeBuffer(part)) < 0)
                {
                    backlog.addLast(part);
                }
            }
            partedMessages++;
            if (keepUntilAcked)
            {
                unacked.put(activation.activationId(), parts);
            }
            return;
        }
        final boolean sent = backlog.isEmpty() && completions.offer(outBuffer, 0, length) >= 0;
        if (!sent || keepUntilAcked)
        {
            final byte[] copy = new byte[length];
            outBuffer.getBytes(0, copy);
            if (!sent)
            {
                backlog.addLast(copy);
            }
            if (keepUntilAcked)
            {
                unacked.put(activation.activationId(), new byte[][] {copy});
            }
        }
    }

    /** Results and completions sent in parts since start, for tests and operators. */
    public long partedMessages()
    {
        return partedMessages;
    }

    /**
     * With a controller in another process, a completion is resent every second until the controller acknowledges
     * it: a controller that restarts, or a datagram that is lost, costs no record.
     */
    private int resendUnacked(final long nowNs)
    {
        // Not while the backlog holds messages: a resent message must not land between the parts of another.
        if (unacked.isEmpty() || nowNs < nextResendNs || !backlog.isEmpty())
        {
            return 0;
        }
        nextResendNs = nowNs + RESEND_INTERVAL_NS;
        int sent = 0;
        for (final byte[][] message : unacked.values())
        {
            for (final byte[] part : message)
            {
                if (completions.offer(new UnsafeBuffer(part)) < 0)
                {
                    // The controller drops a message it got only half of; the next round resends it whole.
                    return sent;
                }
            }
            sent++;
        }
        return sent;
    }

    private int drainBacklog()
    {
        int sent = 0;
        while (!backlog.isEmpty())
        {
            final byte[] next = backlog.peekFirst();
            final long result = completions.offer(new UnsafeBuffer(next));
            if (result < 0)
            {
                if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
                {
                    LOG.error("event=completion-publication-unusable invoker={} code={} dropped={}",
                        invokerId, result, backlog.size());
                    backlog.clear();
                }
                break;
            }
            backlog.pollFirst();
            sent++;
        }
        return sent;
    }
}
