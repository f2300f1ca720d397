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
