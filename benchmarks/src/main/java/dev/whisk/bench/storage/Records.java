package dev.whisk.bench.storage;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationId;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.ActionLimits;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** The activation records the storage benchmarks write: about 1 KB encoded, as a typical small action's record. */
final class Records
{
    private static final String RESULT_PADDING = "lorem ipsum dolor sit amet ".repeat(28);

    private Records()
    {
    }

    /** A successful record in {@code namespace} with a ~800-byte result and two log lines. */
    static Activation oneKb(final String namespace, final long startMs)
    {
        final byte[] result = ("{\"greeting\":\"" + RESULT_PADDING + "\"}").getBytes(StandardCharsets.UTF_8);
        return new Activation(ActivationId.random(), namespace, namespace, "hello", "0.0.1", namespace + "/demo/hello",
            "nodejs:20", startMs, startMs + 12, null, ActivationStatus.SUCCESS, result,
            List.of("2026-11-23T10:00:00.000000000Z stdout: hello", "2026-11-23T10:00:00.001000000Z stdout: done"),
            ActionLimits.DEFAULT, false, 3, -1);
    }
}
