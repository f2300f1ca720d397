package dev.whisk.frontdoor.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.activation.Activation;
import dev.whisk.core.json.Json;
import dev.whisk.frontdoor.Metrics;
import dev.whisk.storage.ActivationQuery;
import dev.whisk.storage.ActivationStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Forwards activation log lines to each namespace's Splunk HTTP Event Collector, off the invoke path: on a timer of
 * its own, on its own thread, it reads the records that completed since its last look from the activation store
 * (where every completed record already goes; nothing is added to the invoke path) and posts them in one batch per
 * namespace in HEC's JSON form, {@code {"time", "host", "source", "sourcetype", "index", "event":{activationId,
 * namespace, action, message}}} one event per line, to {@code {host}:{port}/services/collector/event} with
 * {@code Authorization: Splunk <hec_token>}. A batch is bounded ({@code maxLines}); lines beyond it, and every line of
 * a batch the sink refuses or does not answer within {@code timeoutMs}, are dropped and counted in {@code /metrics}
 * ({@code whisk_log_forwarding_dropped_lines_total}), never retried, so a slow or hanging sink costs the invokes
 * nothing and holds no growing memory. Records are found by start time with a look-back window (records start
 * before they complete); ids already sent within the window are remembered so none is sent twice.
 */
public final class LogForwarder implements AutoCloseable, Metrics.Source
{
    private static final Logger LOG = LoggerFactory.getLogger(LogForwarder.class);
    private static final long LOOK_BACK_MS = TimeUnit.MINUTES.toMillis(6);
    private static final int QUERY_LIMIT = 200;

    private final ActivationStore activations;
    private final LogForwardingStore settings;
    private final int maxLines;
    private final HttpClient http;
    private final Duration timeout;
    private final ScheduledExecutorService timer;
    /** Ids sent (or dropped) per namespace, with their start, while within the look-back window. Timer thread only. */
    private final Map<String, Map<String, Long>> seen = new HashMap<>();
    private final AtomicLong forwardedLines = new AtomicLong();
    private final AtomicLong droppedLines = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();

    public LogForwarder(final ActivationStore activations, final LogForwardingStore settings, final long periodMs,
        final int maxLines, final long timeoutMs)
    {
        this.activations = activations;
        this.settings = settings;
        this.maxLines = maxLines;
        this.timeout = Duration.ofMillis(timeoutMs);
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.timer = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread t = new Thread(r, "log-forwarder");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::tick, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    private void tick()
    {
        try
        {
            final long now = System.currentTimeMillis();
            for (final Map.Entry<String, ObjectNode> e : settings.all().entrySet())
            {
                final JsonNode hec = e.getValue().get("splunk_hec");
                if (hec != null)
                {
                    forward(e.getKey(), hec, now);
                }
            }
            seen.keySet().retainAll(settings.all().keySet());
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("event=log-forwarding-failed", ex);
        }
    }

    private void forward(final String namespace, final JsonNode hec, final long now)
    {
        final Map<String, Long> sent = seen.computeIfAbsent(namespace, k -> new HashMap<>());
        for (final Iterator<Long> it = sent.values().iterator(); it.hasNext(); )
        {
            if (it.next() < now - LOOK_BACK_MS)
            {
                it.remove();
            }
        }
        final List<Activation> fresh = new ArrayList<>();
        final List<Activation> page = activations.list(new ActivationQuery(namespace, null, now - LOOK_BACK_MS,
            Long.MAX_VALUE, 0, QUERY_LIMIT));
        for (final Activation a : page)
        {
            if (!sent.containsKey(a.activationId()))
            {
                fresh.add(a);
                sent.put(a.activationId(), a.startMs());
            }
        }
        if (fresh.isEmpty())
        {
            return;
        }
        final StringBuilder batch = new StringBuilder();
        int lines = 0;
        int over = 0;
        for (int i = fresh.size() - 1; i >= 0; i--)
        {
            final Activation a = fresh.get(i);
            for (final String line : a.logs())
            {
                if (lines >= maxLines)
                {
                    over++;
                    continue;
                }
                batch.append(event(hec, a, line)).append('\n');
                lines++;
            }
        }
        droppedLines.addAndGet(over);
        if (lines == 0)
        {
            return;
        }
        if (post(hec, batch.toString()))
        {
            forwardedLines.addAndGet(lines);
        }
        else
        {
            failedBatches.incrementAndGet();
            droppedLines.addAndGet(lines);
        }
    }

    private static String event(final JsonNode hec, final Activation a, final String line)
    {
        final ObjectNode e = Json.MAPPER.createObjectNode();
        e.put("time", a.endMs() / 1000.0);
        e.put("host", "whisk");
        e.put("source", "/" + a.namespace() + "/" + a.name());
        e.put("sourcetype", "_json");
        if (hec.hasNonNull("index"))
        {
            e.put("index", hec.get("index").asText());
        }
        final ObjectNode body = e.putObject("event");
        body.put("activationId", a.activationId());
        body.put("namespace", a.namespace());
        body.put("action", a.path() == null ? a.name() : a.path());
        body.put("message", line);
        return e.toString();
    }

    private boolean post(final JsonNode hec, final String batch)
    {
        final String host = hec.path("host").asText();
        final String base = host.startsWith("http://") || host.startsWith("https://") ? host : "https://" + host;
        try
        {
            final HttpResponse<Void> r = http.send(HttpRequest.newBuilder(
                    URI.create(base + ":" + hec.path("port").asInt() + "/services/collector/event"))
                .timeout(timeout)
                .header("Authorization", "Splunk " + hec.path("hec_token").asText())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(batch, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.discarding());
            return r.statusCode() / 100 == 2;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
        catch (final Exception ex)
        {
            LOG.debug("event=log-forwarding-batch-failed host={}", host, ex);
            return false;
        }
    }

    @Override
    public void appendTo(final StringBuilder out)
    {
        Metrics.counter(out, "whisk_log_forwarding_lines_total", "Log lines forwarded to namespaces' destinations.",
            forwardedLines.get());
        Metrics.counter(out, "whisk_log_forwarding_dropped_lines_total",
            "Log lines not forwarded: over a batch's bound, or in a batch the destination refused or did not answer.",
            droppedLines.get());
        Metrics.counter(out, "whisk_log_forwarding_failed_batches_total",
            "Batches the destination refused or did not answer in time.", failedBatches.get());
    }

    @Override
    public void close()
    {
        timer.shutdownNow();
    }
}
