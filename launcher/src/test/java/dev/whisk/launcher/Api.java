package dev.whisk.launcher;

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

/** A small HTTP client for tests: speaks the OpenWhisk REST API with one credential. */
final class Api
{
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String authHeader;

    Api(final String apiHost, final String auth)
    {
        this.base = apiHost + "/api/v1";
        this.authHeader = auth == null ? null :
            "Basic " + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8));
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

    /** Creates (or replaces) a nodejs:20 action from source. */
    Reply putAction(final String name, final String code, final String extra) throws IOException, InterruptedException
    {
        final String body = "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":" + Json.MAPPER.valueToTree(code) + "}" +
            (extra == null ? "" : "," + extra) + "}";
        return put("/namespaces/_/actions/" + name + "?overwrite=true", body);
    }

    Reply send(final String method, final String path, final String body) throws IOException, InterruptedException
    {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(90))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() :
                HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
        if (authHeader != null)
        {
            b.header("Authorization", authHeader);
        }
        final HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r.headers().firstValue("x-openwhisk-activation-id").orElse(null));
    }

    /** A response: status, body text, and the body as JSON when it is JSON. */
    record Reply(int status, String body, String activationIdHeader)
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

        /** The value of annotation {@code key} of an activation record, or {@code null}. */
        JsonNode annotation(final String key)
        {
            for (final JsonNode a : json().path("annotations"))
            {
                if (key.equals(a.path("key").asText()))
                {
                    return a.get("value");
                }
            }
            return null;
        }
    }
}
