package dev.whisk.frontdoor.invoke;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.json.Json;

import java.io.IOException;

/** Parsing of request bodies: an empty body is {@code {}}; anything that is not a JSON object is a 400. */
public final class Bodies
{
    private Bodies()
    {
    }

    public static ObjectNode object(final byte[] body)
    {
        if (isBlank(body))
        {
            return Json.MAPPER.createObjectNode();
        }
        final JsonNode node;
        try
        {
            node = Json.MAPPER.readTree(body);
        }
        catch (final IOException ex)
        {
            throw Refusal.badRequest(Messages.MALFORMED_PREFIX + Json.problem(ex));
        }
        if (node == null || !node.isObject())
        {
            throw Refusal.badRequest(Messages.MALFORMED_PREFIX + "expected a JSON object");
        }
        return (ObjectNode)node;
    }

    /**
     * Checks that {@code body} is one well-formed JSON object without building a tree (the invoke fast path).
     *
     * @return the body, or {@code {}} for an empty one.
     */
    public static byte[] requireObject(final byte[] body)
    {
        if (isBlank(body))
        {
            return EMPTY_OBJECT;
        }
        try (JsonParser p = Json.MAPPER.getFactory().createParser(body))
        {
            if (p.nextToken() != JsonToken.START_OBJECT)
            {
                throw Refusal.badRequest(Messages.MALFORMED_PREFIX + "expected a JSON object");
            }
            p.skipChildren();
            if (p.nextToken() != null)
            {
                throw Refusal.badRequest(Messages.MALFORMED_PREFIX + "trailing content after the JSON object");
            }
            return body;
        }
        catch (final IOException ex)
        {
            throw Refusal.badRequest(Messages.MALFORMED_PREFIX + Json.problem(ex));
        }
    }

    public static final byte[] EMPTY_OBJECT = {'{', '}'};

    /** Whether {@code needle} occurs in {@code body}: a cheap test before a parse that is rarely needed. */
    public static boolean mentions(final byte[] body, final byte[] needle)
    {
        final byte first = needle[0];
        outer:
        for (int i = 0, last = body.length - needle.length; i <= last; i++)
        {
            if (body[i] != first)
            {
                continue;
            }
            for (int j = 1; j < needle.length; j++)
            {
                if (body[i + j] != needle[j])
                {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean isBlank(final byte[] body)
    {
        for (final byte b : body)
        {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t')
            {
                return false;
            }
        }
        return true;
    }
}
