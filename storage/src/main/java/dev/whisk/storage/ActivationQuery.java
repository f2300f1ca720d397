package dev.whisk.storage;

/**
 * A list query over one namespace's activations.
 *
 * @param name    {@code null}, an action name {@code a}, or {@code pkg/a}; matched against the record's {@code path}
 *                with its first segment (the namespace) removed.
 * @param sinceMs only records with {@code start >= sinceMs} (0: no bound).
 * @param uptoMs  only records with {@code start <= uptoMs} ({@link Long#MAX_VALUE}: no bound).
 */
public record ActivationQuery(String namespace, String name, long sinceMs, long uptoMs, int skip, int limit)
{
    public ActivationQuery
    {
        if (skip < 0 || limit < 0)
        {
            throw new IllegalArgumentException("skip " + skip + " and limit " + limit + " must not be negative");
        }
    }

    public static ActivationQuery newest(final String namespace, final int limit)
    {
        return new ActivationQuery(namespace, null, 0, Long.MAX_VALUE, 0, limit);
    }
}
