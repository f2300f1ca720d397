package dev.whisk.invoker;

import dev.whisk.core.json.Json;
import dev.whisk.pool.ActionCode;
import dev.whisk.pool.ActionCodeSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Action code fetched from the controller's {@link CodeEndpoint}, for an invoker in another process. Called on the
 * pool's Docker executor on cold starts only.
 */
public final class HttpCodeSource implements ActionCodeSource
{
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String token;

    public HttpCodeSource(final String baseUrl, final String token)
    {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
    }

    @Override
    public ActionCode fetch(final String actionPath, final String version, final long revision)
    {
        final URI uri = URI.create(baseUrl + "/code?path=" + URLEncoder.encode(actionPath, StandardCharsets.UTF_8) +
            "&version=" + URLEncoder.encode(version, StandardCharsets.UTF_8) + "&revision=" + revision);
        try
        {
            final HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header(CodeEndpoint.TOKEN_HEADER, token)
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() == 404)
            {
                return null;
            }
            if (r.statusCode() != 200)
            {
                throw new IllegalStateException("the controller's code endpoint answered " + r.statusCode());
            }
            return Json.MAPPER.readValue(r.body(), ActionCode.class);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("fetching the code of " + actionPath + " failed", ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching the code of " + actionPath, ex);
        }
    }
}
