package dev.whisk.frontdoor;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code GET /metrics}: the platform's counters in Prometheus text, unauthenticated, as a metrics port usually is
 * (counters only, nothing of any namespace). Runs on the event loop that read the request.
 */
final class MetricsHandler
{
    static final String PATH = "/metrics";
    private static final AsciiString PROMETHEUS_TEXT = AsciiString.cached("text/plain; version=0.0.4; charset=utf-8");

    private final Metrics metrics;

    MetricsHandler(final Metrics metrics)
    {
        this.metrics = metrics;
    }

    /** What is rendered; the front door adds its connections' samples. */
    Metrics metrics()
    {
        return metrics;
    }

    void serve(final Exchange ex)
    {
        ApiHandler.requireMethod(ex, HttpMethod.GET);
        ex.sendContent(HttpResponseStatus.OK, metrics.render().getBytes(StandardCharsets.UTF_8), PROMETHEUS_TEXT,
            List.of(), null);
    }
}
