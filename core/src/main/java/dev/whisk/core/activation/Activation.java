package dev.whisk.core.activation;

import dev.whisk.core.entity.ActionLimits;

import java.util.List;

/**
 * The record of one run, as stored and as rendered by the REST API (see {@link ActivationJson}).
 *
 * @param namespace  the invoking namespace (never the package path).
 * @param subject    the invoking subject.
 * @param name       the action's simple name.
 * @param path       {@code ns/[pkg/]name} of the action, the {@code path} annotation.
 * @param endMs      0 for a trigger activation, which has no end.
 * @param kind       the runtime kind; {@code sequence} for a sequence's own record, {@link #KIND_COMPOSITION} for a
 *                   conductor composition's.
 * @param cause      the parent activation id inside a sequence or composition, else {@code null}.
 * @param result     the result as JSON text bytes ({@code {"error":...}} for errors); opaque on the hot path.
 * @param initTimeMs time spent in {@code /init}, or -1 for a warm start (no {@code initTime} annotation).
 * @param waitTimeMs time from acceptance to the start of the run.
 */
public record Activation(String activationId, String namespace, String subject, String name, String version,
                         String path, String kind, long startMs, long endMs, String cause,
                         ActivationStatus status, byte[] result, List<String> logs, ActionLimits limits,
                         boolean timedOut, int waitTimeMs, int initTimeMs)
{
    /**
     * The stored {@code kind} of a conductor composition's own record. It renders as OpenWhisk shows one: kind
     * {@code sequence} with the annotation {@code conductor: true}.
     */
    public static final String KIND_COMPOSITION = "sequence:conductor";

    public Activation
    {
        logs = List.copyOf(logs);
    }

    public long durationMs()
    {
        return endMs == 0 ? 0 : endMs - startMs;
    }

    public Activation withLogs(final List<String> newLogs)
    {
        return new Activation(activationId, namespace, subject, name, version, path, kind, startMs, endMs, cause,
            status, result, newLogs, limits, timedOut, waitTimeMs, initTimeMs);
    }
}
