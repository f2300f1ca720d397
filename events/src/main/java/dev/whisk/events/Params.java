package dev.whisk.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.json.Json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reading feed parameters as wsk passes them (strings for numbers and booleans are common), with clear errors. */
final class Params
{
    private Params()
    {
    }

    static String required(final ObjectNode p, final String field)
    {
        final String v = optional(p, field, null);
        if (v == null || v.isBlank())
        {
            throw new IllegalArgumentException("the '" + field + "' parameter is required");
        }
        return v;
    }

    static String optional(final ObjectNode p, final String field, final String orElse)
    {
        final JsonNode v = p.get(field);
        return v == null || v.isNull() ? orElse : v.asText();
    }

    /** A configuration with the engine's address: {@code host} (default 127.0.0.1) and {@code port}. */
    static ObjectNode address(final ObjectNode p, final int defaultPort)
    {
        final ObjectNode c = Json.MAPPER.createObjectNode();
        c.put("host", optional(p, "host", "127.0.0.1"));
        c.put("port", integer(p, "port", defaultPort, 1, 65_535));
        return c;
    }

    /** Copies {@code field} into {@code into} when the parameters give it. */
    static void copyIfGiven(final ObjectNode p, final String field, final ObjectNode into)
    {
        final String v = optional(p, field, null);
        if (v != null)
        {
            into.put(field, v);
        }
    }

    static boolean flag(final ObjectNode p, final String field)
    {
        final JsonNode v = p.get(field);
        return v != null && (v.asBoolean(false) || "true".equalsIgnoreCase(v.asText()));
    }

    static int integer(final ObjectNode p, final String field, final int orElse, final int min, final int max)
    {
        final JsonNode v = p.get(field);
        if (v == null || v.isNull())
        {
            return orElse;
        }
        final int value;
        try
        {
            value = v.isNumber() ? v.asInt() : Integer.parseInt(v.asText().trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("'" + field + "' must be an integer, not " + v);
        }
        if (value < min || value > max)
        {
            throw new IllegalArgumentException("'" + field + "' " + value + " is outside " + min + ".." + max);
        }
        return value;
    }

    /** A JSON array of strings, a JSON array in a string, or a comma-separated string; empty when absent. */
    static List<String> list(final ObjectNode p, final String field)
    {
        JsonNode v = p.get(field);
        final List<String> out = new ArrayList<>();
        if (v == null || v.isNull())
        {
            return out;
        }
        if (v.isTextual() && v.asText().trim().startsWith("["))
        {
            try
            {
                v = Json.MAPPER.readTree(v.asText());
            }
            catch (final JsonProcessingException ex)
            {
                throw new IllegalArgumentException("'" + field + "' is not a JSON array: " + v.asText());
            }
        }
        if (v.isArray())
        {
            for (final JsonNode e : (ArrayNode)v)
            {
                if (!e.asText().isBlank())
                {
                    out.add(e.asText().trim());
                }
            }
            return out;
        }
        for (final String s : v.asText().split(","))
        {
            if (!s.isBlank())
            {
                out.add(s.trim());
            }
        }
        return out;
    }

    static int size(final JsonNode node)
    {
        return node.toString().getBytes(StandardCharsets.UTF_8).length;
    }
}
