package dev.whisk.frontdoor.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.json.Json;
import dev.whisk.frontdoor.ApiError;
import dev.whisk.frontdoor.Exchange;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a web action's activation as the URL's extension asks: {@code .json} the value as JSON, {@code .html},
 * {@code .svg} and {@code .text} one string field, {@code .http} a {@code {statusCode, headers, body}} object with
 * base64 bodies for binary types. The value is the result, or {@code result.error} for an application error; a
 * developer or platform error is a 400.
 */
final class WebResponses
{
    static final String PROCESSING_ERROR = "There was an error processing your request.";
    static final String NOT_JSON = "Response is not valid 'application/json'.";
    static final String NOT_HTTP = "Response is not valid 'message/http'.";
    static final String MISSING_PROPERTY = "Response does not include requested property.";
    static final String TYPE_MISMATCH = "Response type in header did not match generated content type.";

    private WebResponses()
    {
    }

    static void send(final Exchange ex, final String extension, final Activation a)
    {
        try
        {
            render(ex, extension, a);
        }
        catch (final ApiError error)
        {
            ex.sendError(error.status(), error.getMessage());
        }
    }

    private static void render(final Exchange ex, final String extension, final Activation a)
    {
        if (a.status() == ActivationStatus.DEVELOPER_ERROR || a.status() == ActivationStatus.WHISK_ERROR)
        {
            throw ApiError.badRequest(PROCESSING_ERROR);
        }
        final JsonNode result = parse(a.result());
        final JsonNode value = a.status() == ActivationStatus.APPLICATION_ERROR && result.has("error") ?
            result.get("error") : result;
        final String id = a.activationId();
        switch (extension)
        {
            case "json" ->
            {
                if (!value.isObject() && !value.isArray())
                {
                    throw ApiError.badRequest(NOT_JSON);
                }
                ex.sendContent(HttpResponseStatus.OK, bytes(value.toString()), "application/json", null, id);
            }
            case "html" -> ex.sendContent(HttpResponseStatus.OK, bytes(field(value, "html", false)), "text/html", null,
                id);
            case "svg" -> ex.sendContent(HttpResponseStatus.OK, bytes(field(value, "svg", false)), "image/svg+xml",
                null, id);
            case "text" -> ex.sendContent(HttpResponseStatus.OK, bytes(field(value, "text", true)), "text/plain", null,
                id);
            default -> http(ex, value, id);
        }
    }

    /** {@code body}, else the extension's own field; an object is pretty-printed when {@code objects} allows. */
    private static String field(final JsonNode value, final String alternative, final boolean objects)
    {
        final JsonNode v = value.has("body") ? value.get("body") : value.get(alternative);
        if (v != null && v.isTextual())
        {
            return v.asText();
        }
        if (v != null && objects && (v.isObject() || v.isArray() || v.isValueNode()) && !v.isNull())
        {
            return v.isContainerNode() ? v.toPrettyString() : v.asText();
        }
        throw new ApiError(HttpResponseStatus.NOT_FOUND, MISSING_PROPERTY);
    }

    private static void http(final Exchange ex, final JsonNode value, final String id)
    {
        if (!value.isObject())
        {
            throw ApiError.badRequest(NOT_HTTP);
        }
        final List<Map.Entry<String, String>> headers = new ArrayList<>();
        String contentType = null;
        final JsonNode h = value.get("headers");
        if (h != null && !h.isNull())
        {
            if (!h.isObject())
            {
                throw ApiError.badRequest(NOT_HTTP);
            }
            for (final Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); )
            {
                final Map.Entry<String, JsonNode> e = it.next();
                final String lower = e.getKey().toLowerCase(Locale.ROOT);
                final List<String> values = headerValues(e.getValue());
                if ("content-type".equals(lower))
                {
                    contentType = values.isEmpty() ? null : values.get(0);
                }
                else if (!"content-length".equals(lower))
                {
                    for (final String v : values)
                    {
                        headers.add(new AbstractMap.SimpleImmutableEntry<>(e.getKey(), v));
                    }
                }
            }
        }
        final JsonNode bodyNode = value.get("body");
        final byte[] body;
        if (bodyNode == null || bodyNode.isNull())
        {
            body = new byte[0];
        }
        else if (bodyNode.isTextual())
        {
            if (contentType == null)
            {
                contentType = "text/html";
            }
            body = WebActionsApi.isText(contentType) ? bytes(bodyNode.asText()) : base64(bodyNode.asText());
        }
        else
        {
            if (contentType == null)
            {
                contentType = "application/json";
            }
            else if (!WebActionsApi.isJson(contentType))
            {
                throw ApiError.badRequest(TYPE_MISMATCH);
            }
            body = bytes(bodyNode.toString());
        }
        final int status = statusCode(value.get("statusCode"), body.length == 0);
        ex.sendContent(HttpResponseStatus.valueOf(status), body, contentType, headers, id);
    }

    private static int statusCode(final JsonNode node, final boolean emptyBody)
    {
        if (node == null || node.isNull())
        {
            return emptyBody ? 204 : 200;
        }
        final int code;
        if (node.isInt())
        {
            code = node.intValue();
        }
        else if (node.isTextual() && node.asText().matches("\\d{3}"))
        {
            code = Integer.parseInt(node.asText());
        }
        else
        {
            throw ApiError.badRequest(NOT_HTTP);
        }
        if (code < 100 || code > 599)
        {
            throw ApiError.badRequest(NOT_HTTP);
        }
        return code;
    }

    private static List<String> headerValues(final JsonNode v)
    {
        final List<String> out = new ArrayList<>(1);
        if (v.isArray())
        {
            for (final JsonNode e : v)
            {
                out.add(scalar(e));
            }
        }
        else
        {
            out.add(scalar(v));
        }
        return out;
    }

    private static String scalar(final JsonNode v)
    {
        if (v.isTextual() || v.isNumber() || v.isBoolean())
        {
            return v.asText();
        }
        throw ApiError.badRequest(NOT_HTTP);
    }

    private static byte[] base64(final String text)
    {
        try
        {
            return Base64.getMimeDecoder().decode(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw ApiError.badRequest(NOT_HTTP);
        }
    }

    private static JsonNode parse(final byte[] result)
    {
        if (result == null || result.length == 0)
        {
            return Json.MAPPER.createObjectNode();
        }
        try
        {
            return Json.MAPPER.readTree(result);
        }
        catch (final IOException ex)
        {
            throw ApiError.badRequest(PROCESSING_ERROR);
        }
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
