package dev.whisk.pool;

import dev.whisk.core.activation.ActivationStatus;

/**
 * How one run ended, before logs are attached.
 *
 * @param result     JSON text of the result ({@code {"error":...}} for errors).
 * @param initTimeMs time in {@code /init}, or -1 when the container was warm.
 */
public record RunOutcome(ActivationStatus status, byte[] result, long startMs, long endMs, int initTimeMs,
                         boolean timedOut)
{
}
