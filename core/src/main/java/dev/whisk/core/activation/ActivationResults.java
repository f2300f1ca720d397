package dev.whisk.core.activation;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.nio.charset.StandardCharsets;

/** Result bodies the platform writes itself. */
public final class ActivationResults
{
    private ActivationResults()
    {
    }

    /** {@code {"error":"<message>"}} as JSON bytes, with the message escaped. */
    public static byte[] error(final String message)
    {
        return JsonNodeFactory.instance.objectNode().put("error", message).toString()
            .getBytes(StandardCharsets.UTF_8);
    }
}
