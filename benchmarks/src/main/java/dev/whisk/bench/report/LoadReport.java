package dev.whisk.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.PieChart;
import org.knowm.xchart.PieChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The load harness's part of the report: for each scenario file ({@code load-*.json}) a table of its runs beside
 * their baselines and its plots (latency CDFs, throughput vs connections, start latency by kind, memory per
 * container, pool hit ratio), and the figures the capacity planner takes from them.
 */
final class LoadReport
{
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 560;

    /** Measured inputs of the planner, NaN where the run did not measure them. */
    double addedLatencyMs = Double.NaN;
    double cpuUsPerCall = Double.NaN;
    double bytesPerCall = Double.NaN;
    double containerMemoryMib = Double.NaN;
    double hitRatio = Double.NaN;
    double coldStartMs = Double.NaN;

    private final Path dir;

    LoadReport(final Path dir)
    {
        this.dir = dir;
    }

    String section(final JsonNode r) throws IOException
    {
        final String scenario = r.path("scenario").asText();
        final StringBuilder md = new StringBuilder("## Load: ").append(scenario).append("\n\n")
            .append(r.path("description").asText()).append(". Measured ").append(r.path("measuredAt").asText())
            .append(" on ").append(r.path("machine").path("cores").asInt()).append(" cores, Java ")
            .append(r.path("machine").path("java").asText()).append(".\n\n");
        if (r.path("runs").size() > 0)
        {
            md.append(runTable(r.path("runs")));
        }
        switch (scenario)
        {
            case "latency" ->
            {
                md.append(cdf(r, "load-latency-cdf.png", "warm blocking no-op at a low rate: latency by percentile"));
                final JsonNode p = run(r, "platform");
                final JsonNode d = run(r, "baseline");
                addedLatencyMs = (p.path("latency").path("p50Us").asDouble() -
                    d.path("latency").path("p50Us").asDouble()) / 1e3;
                md.append(String.format(Locale.ROOT, "Added by the platform over direct: p50 %.0f µs, p99 %.0f µs. " +
                    "Idle platform CPU %.1f ms per second; CPU per call less that idle share: %.0f µs.%n%n",
                    addedLatencyMs * 1e3, p.path("latency").path("p99Us").asDouble() -
                        d.path("latency").path("p99Us").asDouble(),
                    r.path("figures").path("idleCpuMsPerSecond").asDouble(),
                    r.path("figures").path("cpuUsPerCallLessIdle").asDouble()));
            }
            case "connections" -> md.append(connections(r));
            case "starts" -> md.append(starts(r));
            case "mixed" -> md.append(mixed(r));
            case "eviction" ->
            {
                md.append(cdf(r, "load-eviction-cdf.png", "eviction: latency by percentile"));
                final JsonNode f = r.path("figures");
                md.append(String.format(Locale.ROOT, "In the evicting run: %.0f evictions, %.0f cold starts, %.0f " +
                    "warm starts.%n%n", f.path("evictions").asDouble(), f.path("coldStarts").asDouble(),
                    f.path("warmStarts").asDouble()));
            }
            case "nonblocking" ->
            {
                final JsonNode f = r.path("figures");
                md.append(String.format(Locale.ROOT, "All %,.0f activations completed %.1f s after the first " +
                    "request: %,.0f completed per second end to end.%n%n", f.path("completed").asDouble(),
                    f.path("secondsUntilAllCompleted").asDouble(), f.path("completedPerSecond").asDouble()));
            }
            case "floor" -> md.append(cdf(r, "load-floor-cdf.png", "front door GET vs Netty echo: latency"));
            default ->
            {
            }
        }
        return md.toString();
    }

    private static JsonNode run(final JsonNode r, final String role)
    {
        for (final JsonNode run : r.path("runs"))
        {
            if (role.equals(run.path("role").asText()))
            {
                return run;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static String runTable(final JsonNode runs)
    {
        final StringBuilder md = new StringBuilder("| run | role | conns | loop | calls | req/s | p50 µs | p90 µs | "
            +
            "p99 µs | p99.9 µs | CPU µs/call | bytes/call |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (final JsonNode run : runs)
        {
            final JsonNode l = run.path("latency");
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %,d | %,.0f | %.0f | %.0f | %.0f | %.0f | %s | "
                +
                "%s |%n", run.path("name").asText(), run.path("role").asText(), run.path("connections").asInt(),
                run.path("mode").asText() + ("open".equals(run.path("mode").asText()) ?
                    String.format(Locale.ROOT, " %.0f/s", run.path("targetRate").asDouble()) : ""),
                run.path("calls").asLong(), run.path("throughput").asDouble(), l.path("p50Us").asDouble(),
                l.path("p90Us").asDouble(), l.path("p99Us").asDouble(), l.path("p999Us").asDouble(),
                run.has("cpuUsPerCall") ? String.format(Locale.ROOT, "%.1f", run.path("cpuUsPerCall").asDouble()) : "",
                run.has("bytesPerCall") ? String.format(Locale.ROOT, "%,.0f", run.path("bytesPerCall").asDouble()) :
                    ""));
        }
        return md.append('\n').toString();
    }

    /**
     * Latency by percentile of every run of a scenario, on a "nines" x axis (90, 99, 99.9 equally spaced) so the
     * tail is visible, log-scaled y.
     */
    private String cdf(final JsonNode r, final String png, final String title) throws IOException
    {
        final XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
            .xAxisTitle("percentile").yAxisTitle("latency (µs, log scale)").build();
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(4.0).setYAxisLogarithmic(true).setYAxisDecimalPattern("#,##0")
            .setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setMarkerSize(3);
        chart.setCustomXAxisTickLabelsFormatter(x -> nines(x));
        for (final JsonNode run : r.path("runs"))
        {
            addCdf(chart, run.path("name").asText(), run.path("latency"));
            if (run.has("overhead"))
            {
                addCdf(chart, run.path("name").asText() + ": added over the action's duration", run.path("overhead"));
            }
        }
        BitmapEncoder.saveBitmap(chart, dir.resolve(png).toString(), BitmapEncoder.BitmapFormat.PNG);
        return "![" + title + "](" + png + ")\n\n";
    }

    private static void addCdf(final XYChart chart, final String name, final JsonNode h)
    {
        final List<Double> x = new ArrayList<>();
        final List<Double> y = new ArrayList<>();
        for (final JsonNode point : h.path("cdf"))
        {
            final double p = point.get(0).asDouble();
            if (p < 99.99 && point.get(1).asDouble() > 0)
            {
                x.add(-Math.log10(1 - p / 100));
                y.add(point.get(1).asDouble());
            }
        }
        if (!x.isEmpty())
        {
            chart.addSeries(name, x, y).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        }
    }

    /** Tick labels at whole nines only (0, 90, 99, 99.9, 99.99); the ticks between stay unlabelled. */
    private static String nines(final double x)
    {
        final long k = Math.round(x);
        if (Math.abs(x - k) > 1e-6)
        {
            return "";
        }
        return k == 0 ? "0" : String.format(Locale.ROOT, "%." + Math.max(0, k - 2) + "f", 100 * (1 - Math.pow(10, -k)));
    }

    private String connections(final JsonNode r) throws IOException
    {
        final TreeMap<Integer, double[]> byConnections = new TreeMap<>();
        for (final JsonNode run : r.path("runs"))
        {
            final double[] v = byConnections.computeIfAbsent(run.path("connections").asInt(), c -> new double[4]);
            final int at = "platform".equals(run.path("role").asText()) ? 0 : 1;
            v[at] = run.path("throughput").asDouble();
            if (at == 0)
            {
                v[2] = run.path("cpuUsPerCall").asDouble(Double.NaN);
                v[3] = run.path("bytesPerCall").asDouble(Double.NaN);
            }
        }
        final List<Integer> x = new ArrayList<>(byConnections.keySet());
        final List<Double> platform = new ArrayList<>();
        final List<Double> direct = new ArrayList<>();
        final StringBuilder md = new StringBuilder("| connections | platform req/s | direct req/s | platform/direct | "
            +
            "CPU µs/call | bytes/call |\n|---|---|---|---|---|---|\n");
        double bestThroughput = 0;
        for (final Map.Entry<Integer, double[]> e : byConnections.entrySet())
        {
            final double[] v = e.getValue();
            platform.add(v[0]);
            direct.add(v[1]);
            md.append(String.format(Locale.ROOT, "| %d | %,.0f | %,.0f | %.0f%% | %.1f | %,.0f |%n", e.getKey(), v[0],
                v[1], 100 * v[0] / v[1], v[2], v[3]));
            if (v[0] > bestThroughput)
            {
                bestThroughput = v[0];
                cpuUsPerCall = v[2];
                bytesPerCall = v[3];
            }
        }
        final CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
            .title("no-op throughput vs keep-alive connections (closed loop)").xAxisTitle("connections")
            .yAxisTitle("requests per second").build();
        chart.getStyler().setLabelsVisible(true).setLabelsFontColorAutomaticEnabled(false)
            .setYAxisDecimalPattern("#,##0").setLegendPosition(Styler.LegendPosition.InsideNW)
            .setDecimalPattern("#,##0");
        chart.addSeries("through the platform", x, platform);
        chart.addSeries("direct /run, same containers", x, direct);
        BitmapEncoder.saveBitmap(chart, dir.resolve("load-connections.png").toString(),
            BitmapEncoder.BitmapFormat.PNG);
        return md.append("\n![throughput vs connections](load-connections.png)\n\n").toString();
    }

    private String starts(final JsonNode r) throws IOException
    {
        final JsonNode kinds = r.path("figures").path("starts");
        final List<String> names = new ArrayList<>();
        final List<Double> p50 = new ArrayList<>();
        final List<Double> p90 = new ArrayList<>();
        final StringBuilder md = new StringBuilder("| kind of start | samples | p50 ms | p90 ms | max ms |\n" +
            "|---|---|---|---|---|\n");
        for (final Iterator<Map.Entry<String, JsonNode>> it = kinds.fields(); it.hasNext(); )
        {
            final Map.Entry<String, JsonNode> e = it.next();
            final JsonNode h = e.getValue();
            names.add(e.getKey());
            p50.add(h.path("p50Us").asDouble() / 1e3);
            p90.add(h.path("p90Us").asDouble() / 1e3);
            md.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f |%n", e.getKey(),
                h.path("count").asLong(), h.path("p50Us").asDouble() / 1e3, h.path("p90Us").asDouble() / 1e3,
                h.path("maxUs").asDouble() / 1e3));
        }
        coldStartMs = kinds.path("cold").path("p50Us").asDouble(Double.NaN) / 1e3;
        final CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
            .title("time to a blocking invoke's answer, by kind of start").xAxisTitle("kind of start")
            .yAxisTitle("ms").build();
        // Linear with each bar labelled: XChart's bar charts take no logarithmic axis.
        chart.getStyler().setLabelsVisible(true).setLabelsFontColorAutomaticEnabled(false).setLabelsPosition(1.0)
            .setYAxisDecimalPattern("#,##0").setLegendPosition(Styler.LegendPosition.InsideNE)
            .setDecimalPattern("#,##0.0");
        chart.addSeries("p50", names, p50);
        chart.addSeries("p90", names, p90);
        BitmapEncoder.saveBitmap(chart, dir.resolve("load-starts.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        md.append("\n![start latency by kind](load-starts.png)\n\n");

        final JsonNode mem = r.path("figures").path("containerMemoryMib");
        if (mem.size() > 0)
        {
            final List<String> ids = new ArrayList<>();
            final List<Double> mib = new ArrayList<>();
            double sum = 0;
            for (int i = 0; i < mem.size(); i++)
            {
                ids.add(Integer.toString(i + 1));
                mib.add(mem.get(i).asDouble());
                sum += mem.get(i).asDouble();
            }
            containerMemoryMib = sum / mem.size();
            final CategoryChart m = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("memory in use per container (docker stats), MiB").xAxisTitle("container")
                .yAxisTitle("MiB").build();
            m.getStyler().setLabelsVisible(true).setLabelsFontColorAutomaticEnabled(false).setYAxisMin(0.0)
                .setLegendVisible(false).setDecimalPattern("#,##0.0");
            m.addSeries("MiB", ids, mib);
            BitmapEncoder.saveBitmap(m, dir.resolve("load-memory.png").toString(), BitmapEncoder.BitmapFormat.PNG);
            md.append(String.format(Locale.ROOT, "Memory in use per container after the run (Node.js 20 runtime, " +
                "warm or paused, of a 256 or 512 MB limit): mean %.1f MiB over %d containers.%n%n" +
                "![memory per container](load-memory.png)%n%n", containerMemoryMib, mem.size()));
        }
        return md.toString();
    }

    private String mixed(final JsonNode r) throws IOException
    {
        final JsonNode f = r.path("figures");
        hitRatio = f.path("hitRatio").asDouble(Double.NaN);
        final JsonNode p = run(r, "platform");
        if (p.has("overhead"))
        {
            addedLatencyMs = Double.isNaN(addedLatencyMs) ? p.path("overhead").path("p50Us").asDouble() / 1e3 :
                addedLatencyMs;
        }
        final PieChart pie = new PieChartBuilder().width(WIDTH).height(HEIGHT)
            .title(String.format(Locale.ROOT, "mixed workload: how each call found its container (hit ratio %.1f%%)",
                100 * hitRatio)).build();
        pie.getStyler().setLabelsVisible(true).setLabelsFontColorAutomaticEnabled(false)
            .setLegendPosition(Styler.LegendPosition.OutsideE).setDecimalPattern("#,##0");
        pie.addSeries(String.format(Locale.ROOT, "warm (%.0f, of which %.0f resumed)", f.path("warmStarts").asDouble(),
            f.path("resumes").asDouble()), f.path("warmStarts").asDouble());
        pie.addSeries(String.format(Locale.ROOT, "pre-warmed (%.0f)", f.path("prewarmStarts").asDouble()),
            f.path("prewarmStarts").asDouble());
        pie.addSeries(String.format(Locale.ROOT, "cold (%.0f)", f.path("coldStarts").asDouble()),
            f.path("coldStarts").asDouble());
        BitmapEncoder.saveBitmap(pie, dir.resolve("load-mixed-hits.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        return String.format(Locale.ROOT, "Pool hit ratio (warm / all starts) %.1f%%: %.0f warm (%.0f resumed), " +
                "%.0f pre-warmed, %.0f cold, %.0f evictions; weighted mean duration %.1f ms; %.0f containers at the " +
                "end.%n%n![pool hit ratio](load-mixed-hits.png)%n%n", 100 * hitRatio, f.path("warmStarts").asDouble(),
            f.path("resumes").asDouble(), f.path("prewarmStarts").asDouble(), f.path("coldStarts").asDouble(),
            f.path("evictions").asDouble(), f.path("meanDurationMs").asDouble(), f.path("containers").asDouble()) +
            cdf(r, "load-mixed-cdf.png", "mixed workload: latency and latency added over the action's duration");
    }
}
