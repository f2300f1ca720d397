package dev.whisk.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.json.Json;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** Harness results as JSON files that {@code whisk report} reads. */
final class Results
{
    private Results()
    {
    }

    /** Writes two latency histograms (platform and its baseline) with percentiles and a CDF, in microseconds. */
    static void writeLatency(final Path file, final String scenario, final Histogram platform,
        final Histogram baseline) throws IOException
    {
        final ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("scenario", scenario);
        root.put("measuredAt", Instant.now().toString());
        root.set("machine", machine());
        root.set("platform", histogram(platform));
        root.set("direct", histogram(baseline));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }

    static ObjectNode machine()
    {
        final ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("java", System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("maxHeapMb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        return m;
    }

    /**
     * A load scenario's file: {@code kind: load}, its runs (each with its role, platform or baseline, latency
     * histogram, throughput and, for platform runs, CPU and allocation per call) and scenario-specific figures.
     */
    static ObjectNode loadScenario(final String scenario, final String description)
    {
        final ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("kind", "load");
        root.put("scenario", scenario);
        root.put("description", description);
        root.put("measuredAt", Instant.now().toString());
        root.set("machine", machine());
        root.putArray("runs");
        root.putObject("figures");
        return root;
    }

    /** Adds a run; {@code cpuUsPerCall} and {@code bytesPerCall} are NaN where not measured (baselines). */
    static ObjectNode addRun(final ObjectNode scenario, final String role, final Load.Outcome o,
        final double cpuUsPerCall, final double bytesPerCall)
    {
        final ObjectNode run = ((ArrayNode)scenario.get("runs")).addObject();
        run.put("name", o.name());
        run.put("role", role);
        run.put("connections", o.connections());
        run.put("mode", o.targetRate() > 0 ? "open" : "closed");
        run.put("targetRate", o.targetRate());
        run.put("calls", o.calls());
        run.put("errors", o.errors());
        run.put("seconds", o.seconds());
        run.put("throughput", o.throughput());
        putFinite(run, "cpuUsPerCall", cpuUsPerCall);
        putFinite(run, "bytesPerCall", bytesPerCall);
        run.set("latency", histogram(o.latencyNs()));
        if (o.overheadNs().getTotalCount() > 0 && o.overheadNs().getMean() < o.latencyNs().getMean())
        {
            run.set("overhead", histogram(o.overheadNs()));
        }
        return run;
    }

    static void putFinite(final ObjectNode node, final String name, final double value)
    {
        if (Double.isFinite(value))
        {
            node.put(name, value);
        }
    }

    static void write(final Path file, final ObjectNode root) throws IOException
    {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }

    /** A latency histogram in ns as count, mean, percentiles and a CDF, in microseconds. */
    static ObjectNode histogram(final Histogram h)
    {
        final ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("count", h.getTotalCount());
        n.put("meanUs", h.getMean() / 1e3);
        n.put("p50Us", h.getValueAtPercentile(50) / 1e3);
        n.put("p90Us", h.getValueAtPercentile(90) / 1e3);
        n.put("p99Us", h.getValueAtPercentile(99) / 1e3);
        n.put("p999Us", h.getValueAtPercentile(99.9) / 1e3);
        n.put("maxUs", h.getMaxValue() / 1e3);
        final ArrayNode cdf = n.putArray("cdf");
        for (final HistogramIterationValue v : h.percentiles(5))
        {
            cdf.addArray().add(v.getPercentileLevelIteratedTo()).add(v.getValueIteratedTo() / 1e3);
        }
        return n;
    }
}
