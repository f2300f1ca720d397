package dev.whisk.scheduler;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationResults;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.wire.InvokeRequest;

import java.util.List;

/**
 * The {@code whisk internal error} records the scheduler writes itself, for requests that end without a completion
 * from an invoker (none could take it, its invoker died, the platform stopped).
 */
final class WhiskErrors
{
    private WhiskErrors()
    {
    }

    static Activation of(final String activationId, final InvokeRequest r, final String message, final long startMs,
        final long endMs, final int waitTimeMs)
    {
        return of(activationId, r.namespace, r.subject, r.actionPath, r.actionVersion, r.kind, r.cause,
            new ActionLimits(r.timeoutMs, r.memoryMb, r.logsMb, r.concurrency), message, startMs, endMs, waitTimeMs);
    }

    /** @param path the action's {@code ns/[pkg/]name}; the record's name is its last segment. */
    static Activation of(final String activationId, final String namespace, final String subject, final String path,
        final String version, final String kind, final String cause, final ActionLimits limits, final String message,
        final long startMs, final long endMs, final int waitTimeMs)
    {
        return new Activation(activationId, namespace, subject, path.substring(path.lastIndexOf('/') + 1), version,
            path, kind, startMs, endMs, cause, ActivationStatus.WHISK_ERROR, ActivationResults.error(message),
            List.of(), limits, false, waitTimeMs, -1);
    }
}
