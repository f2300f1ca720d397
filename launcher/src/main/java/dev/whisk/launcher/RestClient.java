package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.core.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** The client commands' HTTP client: one credential, JSON in and out, paths relative to {@code /api/v1}. */
final class RestClient
{
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String authHeader;

    RestClient(final WskProps props)
    {
        this.base = props.apiHost() + "/api/v1";
        this.authHeader = "Basic " + Base64.getEncoder().encodeToString(props.auth().getBytes(StandardCharsets.UTF_8));
    }

    /** A response; {@link #isOk()} for 2xx. */
    record Response(int status, String body)
    {
        boolean isOk()
        {
            return status >= 200 && status < 300;
        }

        JsonNode json()
        {
            try
            {
                return body.isEmpty() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(body);
            }
            catch (final IOException ex)
            {
                return Json.MAPPER.createObjectNode().put("error", body);
            }
        }

        /** The server's error text, or the status when it sent none. */
        String error()
        {
            final JsonNode e = json().path("error");
            return e.isTextual() ? e.asText() : "HTTP " + status + (body.isEmpty() ? "" : ": " + body);
        }
    }

    Response send(final String method, final String path, final String body) throws IOException
    {
        final HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(75))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() :
                HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .header("Authorization", authHeader)
            .header("User-Agent", "whisk-cli")
            .build();
        try
        {
            final HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
    }

    /**
     * The REST path of an entity name as wsk spells it: {@code name}, {@code pkg/name}, {@code /ns/name} or
     * {@code /ns/pkg/name}, each segment URL-encoded.
     */
    static String entityPath(final String collection, final String name)
    {
        String ns = "_";
        String rest = name;
        if (name.startsWith("/"))
        {
            final int slash = name.indexOf('/', 1);
            if (slash < 0)
            {
                throw new IllegalArgumentException("'" + name + "' is not a valid name: use /namespace/name");
            }
            ns = name.substring(1, slash);
            rest = name.substring(slash + 1);
        }
        final StringBuilder sb = new StringBuilder("/namespaces/").append(encode(ns)).append('/').append(collection);
        for (final String segment : rest.split("/", -1))
        {
            sb.append('/').append(encode(segment));
        }
        return sb.toString();
    }

    static String encode(final String segment)
    {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
