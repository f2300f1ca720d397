package dev.whisk.pool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.json.Json;
import dev.whisk.pool.JsonShape.Shape;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Classifies what a container answered into an activation status and result, as OpenWhisk's invoker does (spec
 * §5.2): a 200 object is a success unless it has a top-level {@code error}; anything not 200, not JSON or a JSON
 * scalar is a developer error.
 */
public final class RunResults
{
    /** Results above this are an application error, truncated (spec §7.1). */
    public static final int MAX_RESULT_BYTES = 1024 * 1024;
    private static final int TRUNCATED_PREVIEW = 1024;

    private RunResults()
    {
    }

    /** The status and result bytes of a {@code /run} answer. */
    public static Classified classifyRun(final int httpStatus, final byte[] body)
    {
        final Shape shape = shapeOf(body);
        if (httpStatus == 200 && shape != Shape.INVALID && shape != Shape.SCALAR)
        {
            if (body.length > MAX_RESULT_BYTES)
            {
                return new Classified(ActivationStatus.APPLICATION_ERROR, errorJson(
                    String.format(Messages.TRUNCATED_RESULT, body.length, MAX_RESULT_BYTES) +
                    new String(body, 0, TRUNCATED_PREVIEW, StandardCharsets.UTF_8)));
            }
            if (shape == Shape.OBJECT_WITH_ERROR)
            {
                return new Classified(ActivationStatus.APPLICATION_ERROR, onlyError(body));
            }
            return new Classified(ActivationStatus.SUCCESS, body);
        }
        if (shape == Shape.OBJECT_WITH_ERROR)
        {
            return new Classified(ActivationStatus.DEVELOPER_ERROR, onlyError(body));
        }
        return new Classified(ActivationStatus.DEVELOPER_ERROR,
            errorJson(Messages.INVALID_RUN_RESPONSE + preview(body)));
    }

    /** The developer error of a failed {@code /init}: the proxy's error if it gave one. */
    public static byte[] initFailure(final byte[] body)
    {
        if (shapeOf(body) == Shape.OBJECT_WITH_ERROR)
        {
            return onlyError(body);
        }
        return errorJson(Messages.FAILED_INIT + preview(body));
    }

    public static byte[] errorJson(final String message)
    {
        return dev.whisk.core.activation.ActivationResults.error(message);
    }

    private static String preview(final byte[] body)
    {
        return new String(body, 0, Math.min(body.length, TRUNCATED_PREVIEW), StandardCharsets.UTF_8);
    }

    private static byte[] onlyError(final byte[] body)
    {
        try
        {
            final JsonNode error = Json.MAPPER.readTree(body).get("error");
            final ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.set("error", error);
            return Json.MAPPER.writeValueAsBytes(node);
        }
        catch (final IOException ex)
        {
            return errorJson(Messages.INVALID_RUN_RESPONSE + preview(body));
        }
    }

    private static Shape shapeOf(final byte[] body)
    {
        return JsonShape.of(body);
    }

    /** A classified answer. */
    public record Classified(ActivationStatus status, byte[] result)
    {
    }
}
