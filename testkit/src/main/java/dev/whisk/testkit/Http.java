package dev.whisk.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.core.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * The one HTTP client of the tests: speaks the OpenWhisk REST API with one credential (or none). Paths are
 * relative to the base, e.g. {@code /namespaces/_/actions/a} under {@code http://127.0.0.1:PORT/api/v1}. Every
 * answer is a {@link Reply}: status, body text, headers, and the body as JSON on demand.
 * <p>
 * A client can be made before its server starts ({@link #Http(Supplier, Supplier)}): base and credential are read
 * at each request, so a test class can declare its clients as fields beside a per-class {@link Fixture}.
 */
public class Http
{
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final Supplier<String> base;
    private final Supplier<String> auth;

    /** A client of the API under {@code base} (e.g. {@code http://127.0.0.1:PORT/api/v1}), {@code auth} as {@code uuid:key}. */
    public Http(final String base, final String auth)
    {
        this(() -> base, () -> auth);
    }

    /** As above, base and credential read at each request (for a server that a fixture starts later). */
    public Http(final Supplier<String> base, final Supplier<String> auth)
    {
        this.base = base;
        this.auth = auth;
    }

    /** A client of the REST API of the platform at {@code apiHost} ({@code http://host:port}). */
    public static Http api(final String apiHost, final String auth)
    {
        return new Http(apiHost + "/api/v1", auth);
    }

    /** The JDK client every {@link Http} shares, for a test that needs the raw response (bytes, redirects). */
    public static HttpClient client()
    {
        return CLIENT;
    }

    /** The {@code Authorization} header value this client sends, or {@code null} without a credential. */
    public String authHeader()
    {
        final String a = auth.get();
        return a == null ? null : "Basic " + Base64.getEncoder().encodeToString(a.getBytes(StandardCharsets.UTF_8));
    }

    /** The base URL the paths are relative to. */
    public String base()
    {
        return base.get();
    }

    public Reply get(final String path) throws IOException, InterruptedException
    {
        return send("GET", path, null);
    }

    public Reply put(final String path, final String body) throws IOException, InterruptedException
    {
        return send("PUT", path, body);
    }

    public Reply post(final String path, final String body) throws IOException, InterruptedException
    {
        return send("POST", path, body);
    }

    public Reply delete(final String path) throws IOException, InterruptedException
    {
        return send("DELETE", path, null);
    }

    /** Creates (or replaces) a nodejs:20 action from source, {@code extra} JSON members added ({@code null}: none). */
    public Reply putAction(final String name, final String code, final String extra)
        throws IOException, InterruptedException
    {
        final String body = "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":" + Json.MAPPER.valueToTree(code) + "}" +
            (extra == null ? "" : "," + extra) + "}";
        return put("/namespaces/_/actions/" + name + "?overwrite=true", body);
    }

    public Reply send(final String method, final String path, final String body)
        throws IOException, InterruptedException
    {
        return send(method, path, body, "application/json");
    }

    public Reply send(final String method, final String path, final String body, final String contentType)
        throws IOException, InterruptedException
    {
        return request(method, path, body, "Content-Type", contentType);
    }

    /**
     * A raw request: {@code headers} are name, value pairs sent as given (a {@code null} value leaves the header
     * out); this client's credential is added unless the pairs name {@code Authorization} themselves.
     */
    public Reply request(final String method, final String path, final String body, final String... headers)
        throws IOException, InterruptedException
    {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base.get() + path))
            .timeout(TIMEOUT)
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() :
                HttpRequest.BodyPublishers.ofString(body));
        boolean ownAuth = false;
        for (int i = 0; i + 1 < headers.length; i += 2)
        {
            ownAuth |= "Authorization".equalsIgnoreCase(headers[i]);
            if (headers[i + 1] != null)
            {
                b.header(headers[i], headers[i + 1]);
            }
        }
        final String authHeader = authHeader();
        if (!ownAuth && authHeader != null)
        {
            b.header("Authorization", authHeader);
        }
        final HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r.headers());
    }

    /** A response: status, body text, headers, and the body as JSON when it is JSON. */
    public record Reply(int status, String body, HttpHeaders headers)
    {
        /** The body parsed as JSON; an {@link AssertionError} when it is not JSON. */
        public JsonNode json()
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

        /** The {@code error} text of an OpenWhisk error body. */
        public String error()
        {
            return json().path("error").asText();
        }

        /** The first value of header {@code name}, or {@code null}. */
        public String header(final String name)
        {
            return headers == null ? null : headers.firstValue(name).orElse(null);
        }

        /** The {@code x-openwhisk-activation-id} header, or {@code null}. */
        public String activationIdHeader()
        {
            return header("x-openwhisk-activation-id");
        }

        /** The value of annotation {@code key} of an activation record, or {@code null}. */
        public JsonNode annotation(final String key)
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
