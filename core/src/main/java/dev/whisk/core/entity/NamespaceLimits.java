package dev.whisk.core.entity;

/**
 * Per-namespace throttles set by the operator. Zero in {@code invocationsPerMinute} or
 * {@code concurrentInvocations} blocks the namespace from invoking.
 */
public record NamespaceLimits(int invocationsPerMinute, int concurrentInvocations, int firesPerMinute)
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
    }
}
