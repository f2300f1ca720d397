package dev.whisk.scheduler;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Tells an invoker that is alive and well apart from one that is alive but cannot run containers (its Docker engine
 * stopped answering, its disk is full, its images are gone), as OpenWhisk's invoker supervision does:
 * <ul>
 *   <li>the outcomes of each invoker's last {@value #WINDOW} activations are kept; {@value #MAX_SYSTEM_ERRORS} or
 *   more {@code whisk internal error}s among them make it {@link InvokerTable#UNHEALTHY}, and it gets no more user
 *   work;</li>
 *   <li>an unhealthy invoker (a newly joined remote invoker starts so) is sent a health ping, a real activation of a
 *   tiny system action pinned to it, every {@link #PING_INTERVAL_NS}; the first ping that succeeds makes it up
 *   again.</li>
 * </ul>
 *
 * <p>Owned by the thread that reads invoker messages: {@link #onCompletion} and {@link #tick} run there. A ping's
 * answer may arrive on the dispatch thread (when it could not be sent), so it is handed over through an atomic
 * array.
 */
public final class InvokerHealth
{
    /** Sends one health ping to an invoker; the waiter hears its record. False when it could not be queued. */
    @FunctionalInterface
    public interface Pinger
    {
        boolean ping(int invoker, ActivationWaiter waiter);
    }

    static final int WINDOW = 10;
    static final int MAX_SYSTEM_ERRORS = 3;
    static final long PING_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    /** A ping unanswered this long (its record lost) no longer holds back the next one. */
    private static final long PING_GIVE_UP_NS = TimeUnit.SECONDS.toNanos(90);

    private static final Logger LOG = LoggerFactory.getLogger(InvokerHealth.class);
    private static final int NO_ANSWER = 0;
    private static final int PASSED = 1;
    private static final int FAILED = 2;

    private final InvokerTable table;
    private final Pinger pinger;
    private final String pingNamespace;
    private final String pingName;
    /** Per invoker, bit i set when the i-th of its last outcomes (a ring) was a whisk internal error. */
    private final int[] systemErrorBits;
    private final int[] nextOutcome;
    private final long[] lastPingNs;
    private final boolean[] pinging;
    private final AtomicIntegerArray pingAnswers;

    /**
     * @param pingAction the {@code ns/name} path of the ping action, whose outcomes are pings, not user work.
     */
    public InvokerHealth(final InvokerTable table, final Pinger pinger, final String pingAction)
    {
        final int n = table.capacity();
        this.table = table;
        this.pinger = pinger;
        final int slash = pingAction.indexOf('/');
        this.pingNamespace = pingAction.substring(0, slash);
        this.pingName = pingAction.substring(pingAction.lastIndexOf('/') + 1);
        this.systemErrorBits = new int[n];
        this.nextOutcome = new int[n];
        this.lastPingNs = new long[n];
        this.pinging = new boolean[n];
        this.pingAnswers = new AtomicIntegerArray(n);
    }

    /** A completed activation of {@code invoker}: a whisk internal error counts against it. */
    public void onCompletion(final int invoker, final Activation a)
    {
        if (invoker < 0 || invoker >= systemErrorBits.length || isPing(a))
        {
            return;
        }
        final int bit = 1 << nextOutcome[invoker];
        nextOutcome[invoker] = (nextOutcome[invoker] + 1) % WINDOW;
        if (a.status() == ActivationStatus.WHISK_ERROR)
        {
            systemErrorBits[invoker] |= bit;
        }
        else
        {
            systemErrorBits[invoker] &= ~bit;
        }
        if (Integer.bitCount(systemErrorBits[invoker]) >= MAX_SYSTEM_ERRORS && table.health(invoker) ==
            InvokerTable.UP)
        {
            table.setHealth(invoker, InvokerTable.UNHEALTHY);
            LOG.warn("event=invoker-unhealthy invoker={} systemErrorsOfLast={} lastError={}", invoker, WINDOW,
                a.activationId());
        }
    }

    private boolean isPing(final Activation a)
    {
        return pingName.equals(a.name()) && pingNamespace.equals(a.namespace());
    }

    /** Takes in ping answers and sends pings that are due; returns how many things it did. */
    public int tick(final long nowNs)
    {
        int work = 0;
        for (int id = 0; id < table.size(); id++)
        {
            final int answer = pingAnswers.getAndSet(id, NO_ANSWER);
            if (answer != NO_ANSWER)
            {
                work++;
                pinging[id] = false;
                if (answer == PASSED && table.health(id) != InvokerTable.UP)
                {
                    systemErrorBits[id] = 0;
                    table.setHealth(id, InvokerTable.UP);
                    LOG.info("event=invoker-up invoker={} reason=health-ping-passed", id);
                }
            }
            if (table.health(id) == InvokerTable.UP || !table.isAlive(id, nowNs))
            {
                continue;
            }
            final long sinceLastPing = nowNs - lastPingNs[id];
            final boolean awaitingAnswer = pinging[id] && sinceLastPing < PING_GIVE_UP_NS;
            final boolean pingedRecently = lastPingNs[id] != 0 && sinceLastPing < PING_INTERVAL_NS;
            if (awaitingAnswer || pingedRecently)
            {
                continue;
            }
            final int invoker = id;
            lastPingNs[id] = nowNs;
            pinging[id] = pinger.ping(id, new ActivationWaiter()
            {
                @Override
                public void onJournaled(final String activationId)
                {
                }

                @Override
                public void onActivation(final Activation a)
                {
                    final boolean passed = a.status() == ActivationStatus.SUCCESS;
                    if (!passed)
                    {
                        LOG.warn("event=health-ping-failed invoker={} activationId={} status={} result={}", invoker,
                            a.activationId(), a.status(), a.result() == null ? "" :
                                new String(a.result(), java.nio.charset.StandardCharsets.UTF_8));
                    }
                    pingAnswers.set(invoker, passed ? PASSED : FAILED);
                }
            });
            work++;
        }
        return work;
    }
}
