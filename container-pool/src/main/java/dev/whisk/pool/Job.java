package dev.whisk.pool;

import dev.whisk.core.entity.ActionLimits;

/**
 * One activation to run, as the invoker hands it to the pool. Immutable after construction; the pool attaches it to
 * a container and gives it back in {@link JobListener} callbacks.
 *
 * @param namespace    the invoking namespace; containers never cross namespaces.
 * @param actionPath   {@code ns/[pkg/]name}.
 * @param revision     the action's {@code updated} stamp; with the version it keys warm containers.
 * @param params       the arguments, JSON object text.
 * @param acceptedMs   when the platform accepted the request (for {@code waitTime}).
 * @param apiKey       given to the action only with {@code provide-api-key}, else {@code null}.
 */
public record Job(String activationId, String namespace, String subject, String actionPath, String version,
                  long revision, String kind, ActionLimits limits, byte[] params, long acceptedMs, String apiKey,
                  String cause, boolean blocking, Object attachment)
{
    /** The key of the warm containers this job may use. */
    public ContainerKey key()
    {
        return new ContainerKey(namespace, actionPath, version, revision, limits.memory());
    }
}
