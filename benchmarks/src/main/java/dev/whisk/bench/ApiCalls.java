package dev.whisk.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The harness's set-up calls to a platform's REST API (creating actions, triggers and rules, reading activations):
 * JSON bodies with the guest's key, one JDK client shared by all (cheap to make one for a call). Measured requests
 * do not go through it; they use {@link RawHttpClient} or wrk.
 */
final class ApiCalls
{
    /** One client for every instance: a JDK client owns a selector thread, so one per call site would cost one each. */
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final String apiHost;
    private final String authHeader;

    /**
     * @param apiHost    {@code http://127.0.0.1:3233}; paths passed below start with {@code /api/v1}.
     * @param authHeader the whole {@code Authorization} value ({@code Basic ...}).
     */
    ApiCalls(final String apiHost, final String authHeader)
    {
        this.apiHost = apiHost;
        this.authHeader = authHeader;
    }

    /** Sends the request and returns the answer's status and body; {@code body} null sends none. */
    HttpResponse<String> call(final String method, final String path, final String body)
        throws IOException, InterruptedException
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create(apiHost + path)).timeout(Duration.ofSeconds(60))
            .header("Authorization", authHeader).header("Content-Type", "application/json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() :
                HttpRequest.BodyPublishers.ofString(body))
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** As {@link #call}, for a request that must answer 200: returns the body, else throws with the answer. */
    String ok(final String method, final String path, final String body) throws IOException, InterruptedException
    {
        final HttpResponse<String> r = call(method, path, body);
        if (r.statusCode() != 200)
        {
            throw new IOException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }
}
