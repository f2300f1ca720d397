package dev.whisk.frontdoor.invoke;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.entity.NamespaceLimits;
import dev.whisk.frontdoor.invoke.Refusal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Per-namespace admission control before an invoke enters the ring: {@code concurrentInvocations} (accepted and not
 * yet completed) and {@code invocationsPerMinute} (a fixed window per wall-clock minute, as OpenWhisk's
 * {@code RateThrottler} counts); trigger fires have their own window, {@code firesPerMinute}. Lock-free and
 * allocation-free once a namespace has its counters: one atomic increment for the in-flight count and one
 * compare-and-set on a word that packs {@code minute << 32 | count}.
 * <p>
 * Threads: {@link #tryAdmit} and {@link #release} from event loops; {@link #onCompleted} from the scheduler's
 * completion thread. Example: limits 60/min and 30 in flight; the 61st admit within minute m is refused with the
 * per-minute text and does not count; the first admit of minute m+1 resets the window to 1.
 * Caveat: counters live in memory; activations in flight across a restart are not counted afterwards.
 * <p>
 * Large payloads are bounded for the whole platform too: an invoke whose payload is at least
 * {@code payloadAccountingMinBytes} holds its size against {@code maxPayloadBytesQueued} from acceptance until its
 * activation completes, and one that does not fit is refused with 503 before it is accepted, so a burst of big
 * non-blocking invokes is refused up front instead of filling the heap with work that can then only fail. Smaller
 * payloads are not counted: the hot path keeps its two atomics.
 */
public final class Admission
{
    private static final long MINUTE_MS = 60_000L;
    private static final long COUNT_MASK = 0xFFFF_FFFFL;

    /** Outcome of an admission attempt. */
    public enum Decision
    {
        ADMITTED,
        TOO_MANY_PER_MINUTE,
        TOO_MANY_CONCURRENT
    }

    private final ConcurrentHashMap<String, Counters> byNamespace = new ConcurrentHashMap<>();
    private final Function<String, Counters> newCounters = ns -> new Counters();
    /** For {@code /metrics}: striped, so event loops counting at once do not contend on one word. */
    private final LongAdder accepted = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final long maxPayloadBytesQueued;
    private final int payloadAccountingMinBytes;
    private final AtomicLong payloadBytesQueued = new AtomicLong();
    /** Activation id to payload bytes of the large payloads accepted and not completed. */
    private final ConcurrentHashMap<String, Integer> largePayloads = new ConcurrentHashMap<>();
    private final LongAdder payloadRefusals = new LongAdder();

    /** With no bound on queued payloads. */
    public Admission()
    {
        this(Long.MAX_VALUE, Integer.MAX_VALUE);
    }

    /**
     * @param maxPayloadBytesQueued     bytes of large payloads that may be accepted and not yet completed.
     * @param payloadAccountingMinBytes the size from which a payload counts.
     */
    public Admission(final long maxPayloadBytesQueued, final int payloadAccountingMinBytes)
    {
        this.maxPayloadBytesQueued = maxPayloadBytesQueued;
        this.payloadAccountingMinBytes = payloadAccountingMinBytes;
    }

    /**
     * Holds {@code bytes} of payload for an invoke about to be accepted, if it is large and fits; a small one always
     * passes and is not counted. A held payload must be {@link #trackPayload tracked} once its activation id is
     * known (and {@link #forgetPayload forgotten} when the invoke is not accepted after all).
     *
     * @return false when the payload does not fit: refuse with {@link #payloadRefusal}.
     */
    public boolean tryHoldPayload(final int bytes)
    {
        if (bytes < payloadAccountingMinBytes)
        {
            return true;
        }
        while (true)
        {
            final long queued = payloadBytesQueued.get();
            if (queued + bytes > maxPayloadBytesQueued)
            {
                payloadRefusals.increment();
                return false;
            }
            if (payloadBytesQueued.compareAndSet(queued, queued + bytes))
            {
                return true;
            }
        }
    }

    /** The held payload of {@code bytes} belongs to activation {@code activationId}: its completion frees it. */
    public void trackPayload(final String activationId, final int bytes)
    {
        if (bytes >= payloadAccountingMinBytes)
        {
            largePayloads.put(activationId, bytes);
        }
    }

    /** Gives back the tracked payload of {@code activationId}, whose invoke was not accepted after all. */
    public void forgetPayload(final String activationId, final int bytes)
    {
        if (bytes >= payloadAccountingMinBytes && largePayloads.remove(activationId) != null)
        {
            payloadBytesQueued.addAndGet(-bytes);
        }
    }

    /** The 503 of a payload that does not fit. */
    public Refusal payloadRefusal(final int bytes)
    {
        return new Refusal(Refusal.Kind.UNAVAILABLE,
            Messages.payloadsOverBudget(bytes, maxPayloadBytesQueued));
    }

    /** Bytes of large payloads accepted and not yet completed. */
    public long payloadBytesQueued()
    {
        return payloadBytesQueued.get();
    }

    /** The bound of {@link #payloadBytesQueued()}. */
    public long maxPayloadBytesQueued()
    {
        return maxPayloadBytesQueued;
    }

    /** Invokes refused because their payload did not fit, since start. */
    public long payloadRefusals()
    {
        return payloadRefusals.sum();
    }

    /**
     * Counts one invoke for {@code namespace} if both limits allow it. An admitted invoke must later be matched by
     * {@link #onCompleted} (its activation ended) or {@link #release} (it never entered the ring).
     */
    public Decision tryAdmit(final String namespace, final NamespaceLimits limits, final long nowMs)
    {
        final Counters c = counters(namespace);
        final int inFlight = c.inFlight.incrementAndGet();
        if (inFlight > limits.concurrentInvocations())
        {
            c.inFlight.decrementAndGet();
            return Decision.TOO_MANY_CONCURRENT;
        }
        if (!tryCount(c.minuteWindow, limits.invocationsPerMinute(), nowMs / MINUTE_MS))
        {
            c.inFlight.decrementAndGet();
            return Decision.TOO_MANY_PER_MINUTE;
        }
        accepted.increment();
        return Decision.ADMITTED;
    }

    /** Adds one to the {@code minute << 32 | count} window unless it is at {@code allowed}; a new minute resets it. */
    private static boolean tryCount(final AtomicLong window, final int allowed, final long minute)
    {
        while (true)
        {
            final long word = window.get();
            final long next;
            if (word >>> 32 != minute)
            {
                if (allowed <= 0)
                {
                    return false;
                }
                next = minute << 32 | 1;
            }
            else if ((word & COUNT_MASK) >= allowed)
            {
                return false;
            }
            else
            {
                next = word + 1;
            }
            if (window.compareAndSet(word, next))
            {
                return true;
            }
        }
    }

    /**
     * Counts one trigger fire for {@code namespace} against {@code firesPerMinute} (same fixed window as invokes):
     * {@link Decision#ADMITTED} or {@link Decision#TOO_MANY_PER_MINUTE}.
     */
    public Decision tryFire(final String namespace, final NamespaceLimits limits, final long nowMs)
    {
        return tryCount(counters(namespace).fireWindow, limits.firesPerMinute(), nowMs / MINUTE_MS) ?
            Decision.ADMITTED : Decision.TOO_MANY_PER_MINUTE;
    }

    /** The 429 of a refused fire, with the per-minute text. */
    public Refusal fireRefusal(final String namespace, final NamespaceLimits limits)
    {
        return new Refusal(Refusal.Kind.THROTTLED, Messages.tooManyRequests(
            counters(namespace).fireWindow.get() & COUNT_MASK, limits.firesPerMinute()));
    }

    /** Counts one run in flight without a check: a sequence's components, throttled only as the sequence. */
    public void countIn(final String namespace)
    {
        counters(namespace).inFlight.incrementAndGet();
        accepted.increment();
    }

    /** Undoes the in-flight count of an admitted invoke that was never published. */
    public void release(final String namespace)
    {
        accepted.decrement();
        decrement(byNamespace.get(namespace));
    }

    /** Completion hook: the activation ended, so its namespace has one fewer in flight. */
    public void onCompleted(final Activation activation)
    {
        completed.increment();
        decrement(byNamespace.get(activation.namespace()));
        if (!largePayloads.isEmpty())
        {
            final Integer bytes = largePayloads.remove(activation.activationId());
            if (bytes != null)
            {
                payloadBytesQueued.addAndGet(-bytes);
            }
        }
    }

    /** Activations admitted and not yet completed, for tests and metrics. */
    public int inFlight(final String namespace)
    {
        final Counters c = byNamespace.get(namespace);
        return c == null ? 0 : c.inFlight.get();
    }

    /** Invokes admitted (and sequence components counted in) and not released, since start. */
    public long invocationsAccepted()
    {
        return accepted.sum();
    }

    /** Activations completed since start. */
    public long invocationsCompleted()
    {
        return completed.sum();
    }

    /** The 429 error of a refusal, with the spec's text and the current count. */
    public Refusal refusal(final Decision decision, final String namespace, final NamespaceLimits limits)
    {
        final Counters c = counters(namespace);
        final String message = decision == Decision.TOO_MANY_CONCURRENT ?
            Messages.tooManyConcurrentRequests(c.inFlight.get(), limits.concurrentInvocations()) :
            Messages.tooManyRequests(c.minuteWindow.get() & COUNT_MASK, limits.invocationsPerMinute());
        return new Refusal(Refusal.Kind.THROTTLED, message);
    }

    private Counters counters(final String namespace)
    {
        final Counters c = byNamespace.get(namespace);
        return c != null ? c : byNamespace.computeIfAbsent(namespace, newCounters);
    }

    private static void decrement(final Counters c)
    {
        if (c == null)
        {
            return;
        }
        while (true)
        {
            final int v = c.inFlight.get();
            if (v <= 0 || c.inFlight.compareAndSet(v, v - 1))
            {
                return;
            }
        }
    }

    private static final class Counters
    {
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicLong minuteWindow = new AtomicLong();
        private final AtomicLong fireWindow = new AtomicLong();
    }
}
