package dev.whisk.frontdoor.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.entity.Param;
import dev.whisk.core.entity.SemVer;
import dev.whisk.core.json.Json;
import dev.whisk.frontdoor.ApiError;
import dev.whisk.frontdoor.invoke.Arguments;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The PUT body fields that packages, triggers and rules share with actions ({@code publish}, {@code version},
 * {@code parameters}, {@code annotations}, {@code delAnnotations}), read with OpenWhisk's update rules: an omitted
 * field keeps its old value, parameters are replaced whole, annotations are merged by key.
 */
final class PutFields
{
    private PutFields()
    {
    }

    static boolean publish(final ObjectNode body, final boolean existing)
    {
        final JsonNode node = body.get("publish");
        if (node == null || node.isNull())
        {
            return existing;
        }
        if (!node.isBoolean())
        {
            throw ApiError.badRequest("'publish' must be a boolean");
        }
        return node.booleanValue();
    }

    /** The body's version, else the existing one bumped, else {@link SemVer#INITIAL}. */
    static String version(final ObjectNode body, final String existing)
    {
        final JsonNode node = body.get("version");
        if (node != null && !node.isNull())
        {
            if (!node.isTextual() || !SemVer.isValid(node.asText()))
            {
                throw ApiError.badRequest("'version' must be a semantic version like 0.0.1");
            }
            return node.asText();
        }
        return existing == null ? SemVer.INITIAL : SemVer.bumpPatch(existing);
    }

    static List<Param> parameters(final ObjectNode body, final List<Param> existing)
    {
        return body.has("parameters") ? ActionDocs.params(body.get("parameters"), "parameters") :
            existing == null ? List.of() : existing;
    }

    static List<Param> annotations(final ObjectNode body, final List<Param> existing)
    {
        final Map<String, Param> merged = new LinkedHashMap<>();
        if (existing != null)
        {
            for (final Param p : existing)
            {
                merged.put(p.key(), p);
            }
        }
        final JsonNode del = body.get("delAnnotations");
        if (del != null && !del.isNull())
        {
            if (!del.isArray())
            {
                throw ApiError.badRequest("'delAnnotations' must be an array of strings");
            }
            for (final JsonNode k : del)
            {
                merged.remove(k.asText());
            }
        }
        for (final Param p : ActionDocs.params(body.get("annotations"), "annotations"))
        {
            merged.put(p.key(), p);
        }
        return new ArrayList<>(merged.values());
    }

    /** 413 with the spec's text when parameters and annotations together are over {@code maxBytes}. */
    static void checkSize(final List<Param> parameters, final List<Param> annotations, final int maxBytes)
    {
        final int size;
        try
        {
            size = Json.MAPPER.writeValueAsBytes(parameters).length + Json.MAPPER.writeValueAsBytes(annotations).length;
        }
        catch (final JsonProcessingException ex)
        {
            throw ApiError.badRequest(Messages.MALFORMED_PREFIX + Json.problem(ex));
        }
        if (size > maxBytes)
        {
            throw new ApiError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "parameters larger than allowed: " + size + " > " + maxBytes + " bytes.");
        }
    }

    /** Parameters merged by key, later lists overriding earlier ones; see {@link Arguments#layer}. */
    public static List<Param> merge(final List<Param> lower, final List<Param> higher)
    {
        return Arguments.layer(lower, higher);
    }
}
