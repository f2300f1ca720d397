package dev.whisk.frontdoor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.core.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** A test client of the REST API with one credential; paths are relative to {@code /api/v1}. */
final class Http
{
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String authHeader;

    Http(final String base, final String auth)
    {
        this.base = base;
        this.authHeader = auth == null ? null :
            "Basic " + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8));
    }

    /** The {@code Authorization} header value this client sends. */
    String authHeader()
    {
        return authHeader;
    }

    Reply get(final String path) throws IOException, InterruptedException
    {
        return send("GET", path, null);
    }

    Reply put(final String path, final String body) throws IOException, InterruptedException
    {
        return send("PUT", path, body);
    }

    Reply post(final String path, final String body) throws IOException, InterruptedException
    {
        return send("POST", path, body);
    }

    Reply delete(final String path) throws IOException, InterruptedException
    {
        return send("DELETE", path, null);
    }

    Reply send(final String method, final String path, final String body) throws IOException, InterruptedException
    {
        return send(method, path, body, "application/json");
    }

    Reply send(final String method, final String path, final String body, final String contentType)
        throws IOException, InterruptedException
    {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() :
                HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", contentType);
        if (authHeader != null)
        {
            b.header("Authorization", authHeader);
        }
        final HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }

    /** Status and body; {@link #json()} parses the body. */
    record Reply(int status, String body)
    {
        JsonNode json()
        {
            try
            {
                return Json.MAPPER.readTree(body);
            }
            catch (final IOException ex)
            {
                throw new AssertionError("not JSON: " + body, ex);
            }
        }

        String error()
        {
            return json().path("error").asText();
        }
    }
}
