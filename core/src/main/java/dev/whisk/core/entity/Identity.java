package dev.whisk.core.entity;

/**
 * Who is calling: the subject, the namespace its key selects, and that namespace's limits. The key itself is never
 * part of an identity except where an action asked for it ({@code provide-api-key}).
 *
 * @param apiKey {@code uuid:key} as presented by the caller, kept only in memory.
 */
public record Identity(String subject, String namespace, String uuid, String apiKey, NamespaceLimits limits)
{
    @Override
    public String toString()
    {
        return "Identity[subject=" + subject + ", namespace=" + namespace + "]";
    }
}
