package dev.whisk.core.entity;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Per-namespace limits set by the operator. Zero in {@code invocationsPerMinute} or {@code concurrentInvocations}
 * blocks the namespace from invoking. The action-limit maxima are optional overrides of the system's maxima for
 * this namespace ({@code null}: the system value).
 *
 * @param maxActionMemoryMb      highest {@code limits.memory} an action of this namespace may ask for, or {@code null}.
 * @param maxActionTimeoutMs     highest {@code limits.timeout}, or {@code null}.
 * @param maxActionLogsMb        highest {@code limits.logs}, or {@code null}.
 * @param maxActionConcurrency   highest {@code limits.concurrency}, or {@code null}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NamespaceLimits(int invocationsPerMinute, int concurrentInvocations, int firesPerMinute,
                              Integer maxActionMemoryMb, Integer maxActionTimeoutMs, Integer maxActionLogsMb,
                              Integer maxActionConcurrency)
{
    /** OpenWhisk's standalone/ansible defaults for ordinary namespaces. */
    public static final NamespaceLimits DEFAULT = new NamespaceLimits(60, 30, 60);

    /** High enough that a benchmark on one machine is never throttled. */
    public static final NamespaceLimits UNTHROTTLED = new NamespaceLimits(1_000_000, 100_000, 1_000_000);

    public NamespaceLimits
    {
        if (invocationsPerMinute < 0 || concurrentInvocations < 0 || firesPerMinute < 0)
        {
            throw new IllegalArgumentException("namespace limits must not be negative");
        }
        requirePositive(maxActionMemoryMb, "maxActionMemoryMb");
        requirePositive(maxActionTimeoutMs, "maxActionTimeoutMs");
        requireNotNegative(maxActionLogsMb, "maxActionLogsMb");
        requirePositive(maxActionConcurrency, "maxActionConcurrency");
    }

    /** Throttles only; the action-limit maxima are the system's. */
    public NamespaceLimits(final int invocationsPerMinute, final int concurrentInvocations, final int firesPerMinute)
    {
        this(invocationsPerMinute, concurrentInvocations, firesPerMinute, null, null, null, null);
    }

    /** These limits with other action-limit maxima ({@code null}: the system value). */
    public NamespaceLimits withActionMaxima(final Integer memoryMb, final Integer timeoutMs, final Integer logsMb,
        final Integer concurrency)
    {
        return new NamespaceLimits(invocationsPerMinute, concurrentInvocations, firesPerMinute, memoryMb, timeoutMs,
            logsMb, concurrency);
    }

    private static void requirePositive(final Integer value, final String name)
    {
        if (value != null && value < 1)
        {
            throw new IllegalArgumentException(name + " " + value + " must be at least 1");
        }
    }

    private static void requireNotNegative(final Integer value, final String name)
    {
        if (value != null && value < 0)
        {
            throw new IllegalArgumentException(name + " " + value + " must not be negative");
        }
    }
}
