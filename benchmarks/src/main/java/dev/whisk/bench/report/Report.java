package dev.whisk.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.core.json.Json;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code whisk report [results-dir]}: turns the harness's latency files and JMH's JSON results in one directory into
 * {@code report.md} and {@code report.html} with plots (latency CDFs against their baselines, JMH scores) and a
 * capacity planner worked from the measured overhead with Little's law.
 */
public final class Report
{
    private Report()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        System.setProperty("java.awt.headless", "true");
        final Path dir = Path.of(args.length > 0 ? args[0] : "benchmarks/results/latest");
        final List<Path> latencyFiles = new ArrayList<>();
        final List<JsonNode> loads = new ArrayList<>();
        final List<Path> summaries = new ArrayList<>();
        Path jmhFile = null;
        try (Stream<Path> files = Files.list(dir))
        {
            for (final Path f : (Iterable<Path>)files.sorted()::iterator)
            {
                final String name = f.getFileName().toString();
                if (name.startsWith("summary") && name.endsWith(".txt"))
                {
                    summaries.add(f);
                }
                else if (name.equals("jmh.json"))
                {
                    jmhFile = f;
                }
                else if (f.getFileName().toString().endsWith(".json"))
                {
                    final JsonNode r = Json.MAPPER.readTree(f.toFile());
                    if ("load".equals(r.path("kind").asText()))
                    {
                        loads.add(r);
                    }
                    else
                    {
                        latencyFiles.add(f);
                    }
                }
            }
        }
        final StringBuilder md = new StringBuilder("# whisk benchmark report\n\n");
        md.append("Results in `").append(dir).append("`. Every platform figure stands beside a baseline measured ")
            .append("in the same run; ratios, not absolute numbers, are what carries to other machines.\n\n");
        for (final Path summary : summaries)
        {
            md.append("## Key ratios against the goals (`").append(summary.getFileName()).append("`)\n\n```\n")
                .append(Files.readString(summary).strip()).append("\n```\n\n");
        }
        final LoadReport load = new LoadReport(dir);
        for (final String scenario : List.of("latency", "connections", "nonblocking", "floor", "starts", "eviction",
            "mixed"))
        {
            for (final JsonNode r : loads)
            {
                if (scenario.equals(r.path("scenario").asText()))
                {
                    md.append(load.section(r));
                }
            }
        }
        double overheadUs = Double.NaN;
        for (final Path f : latencyFiles)
        {
            final JsonNode r = Json.MAPPER.readTree(f.toFile());
            if (!r.has("platform"))
            {
                continue;
            }
            final String png = f.getFileName().toString().replace(".json", "-cdf.png");
            plotCdf(r, dir.resolve(png));
            final JsonNode p = r.get("platform");
            final JsonNode d = r.get("direct");
            overheadUs = p.get("p50Us").asDouble() - d.get("p50Us").asDouble();
            md.append("## ").append(r.path("scenario").asText()).append("\n\n")
                .append("Measured ").append(r.path("measuredAt").asText()).append(" on ")
                .append(r.path("machine").path("cores").asInt()).append(" cores, Java ")
                .append(r.path("machine").path("java").asText()).append(".\n\n")
                .append("| µs | p50 | p90 | p99 | p99.9 | mean | samples |\n|---|---|---|---|---|---|---|\n")
                .append(row("platform", p)).append(row("direct /run (baseline)", d))
                .append(String.format(Locale.ROOT, "| added by the platform | %.0f | %.0f | %.0f | %.0f | %.0f | |%n",
                    p.get("p50Us").asDouble() - d.get("p50Us").asDouble(),
                    p.get("p90Us").asDouble() - d.get("p90Us").asDouble(),
                    p.get("p99Us").asDouble() - d.get("p99Us").asDouble(),
                    p.get("p999Us").asDouble() - d.get("p999Us").asDouble(),
                    p.get("meanUs").asDouble() - d.get("meanUs").asDouble()))
                .append("\n![latency CDF](").append(png).append(")\n\n");
        }
        if (jmhFile != null)
        {
            md.append(jmh(Json.MAPPER.readTree(jmhFile.toFile()), dir));
        }
        md.append(planner(load, overheadUs));
        Files.writeString(dir.resolve("report.md"), md.toString(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.html"), Html.of(md.toString()), StandardCharsets.UTF_8);
        System.out.println("wrote " + dir.resolve("report.md") + " and " + dir.resolve("report.html"));
    }

    private static String row(final String name, final JsonNode h)
    {
        return String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %d |%n", name,
            h.get("p50Us").asDouble(), h.get("p90Us").asDouble(), h.get("p99Us").asDouble(),
            h.get("p999Us").asDouble(), h.get("meanUs").asDouble(), h.get("count").asLong());
    }

    private static void plotCdf(final JsonNode r, final Path png) throws IOException
    {
        final XYChart chart = new XYChartBuilder().width(900).height(520)
            .title(r.path("scenario").asText() + ": latency by percentile")
            .xAxisTitle("percentile").yAxisTitle("latency (µs, log scale)").build();
        chart.getStyler().setYAxisLogarithmic(true).setLegendPosition(Styler.LegendPosition.InsideNW)
            .setMarkerSize(3);
        for (final String series : List.of("platform", "direct"))
        {
            final List<Double> x = new ArrayList<>();
            final List<Double> y = new ArrayList<>();
            for (final JsonNode point : r.get(series).get("cdf"))
            {
                if (point.get(0).asDouble() <= 99.99 && point.get(1).asDouble() > 0)
                {
                    x.add(point.get(0).asDouble());
                    y.add(point.get(1).asDouble());
                }
            }
            chart.addSeries("platform".equals(series) ? "through the platform" : "direct /run, same container",
                x, y);
        }
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static String jmh(final JsonNode results, final Path dir) throws IOException
    {
        final StringBuilder md = new StringBuilder("## Microbenchmarks (JMH)\n\n")
            .append("| benchmark | mode | score | unit | ± error | alloc B/op |\n|---|---|---|---|---|---|\n");
        final List<String> names = new ArrayList<>();
        final List<Double> scores = new ArrayList<>();
        for (final JsonNode b : results)
        {
            final String name = b.get("benchmark").asText().replaceFirst("^dev\\.whisk\\.bench\\.jmh\\.", "");
            final JsonNode m = b.get("primaryMetric");
            final JsonNode alloc = b.path("secondaryMetrics").path("·gc.alloc.rate.norm");
            md.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %s | %.3f | %s |%n", name, b.get("mode").asText(),
                m.get("score").asDouble(), m.get("scoreUnit").asText(), m.path("scoreError").asDouble(),
                alloc.isMissingNode() ? "" : String.format(Locale.ROOT, "%.0f", alloc.get("score").asDouble())));
            if ("avgt".equals(b.get("mode").asText()) && m.get("scoreUnit").asText().startsWith("ns"))
            {
                names.add(name);
                scores.add(m.get("score").asDouble());
            }
        }
        if (!names.isEmpty())
        {
            final CategoryChart chart = new CategoryChartBuilder().width(900).height(520)
                .title("time per operation (ns, lower is better)").xAxisTitle("benchmark").yAxisTitle("ns/op")
                .build();
            chart.getStyler().setXAxisLabelRotation(30).setLegendVisible(false);
            chart.addSeries("ns/op", names, scores);
            BitmapEncoder.saveBitmap(chart, dir.resolve("jmh.png").toString(), BitmapEncoder.BitmapFormat.PNG);
            md.append("\n![JMH](jmh.png)\n");
        }
        return md.append('\n').toString();
    }

    /**
     * Little's law: containers busy on average = arrival rate x time each is held (the action's duration plus the
     * platform's added latency). Memory follows from the containers; invokers from memory or from the platform's CPU
     * per call, whichever needs more. Headroom covers bursts and pool churn.
     */
    static String planner(final LoadReport measured, final double legacyOverheadUs)
    {
        final double overheadMs = !Double.isNaN(measured.addedLatencyMs) ? measured.addedLatencyMs :
            Double.isNaN(legacyOverheadUs) ? 1.0 : legacyOverheadUs / 1000.0;
        final double cpuUs = Double.isNaN(measured.cpuUsPerCall) ? 100 : measured.cpuUsPerCall;
        final double inUseMib = measured.containerMemoryMib;
        final double headroom = 1.3;
        final int invokerBudgetMb = 12 * 1024;
        final double platformCoresPerInvoker = 1.0;
        final StringBuilder md = new StringBuilder("## Capacity planner\n\n")
            .append("Containers = rate × (mean duration + platform overhead) × headroom (Little's law: one ")
            .append("activation ")
            .append("per container at a time). Memory reserved = containers × the action's memory limit (the pool ")
            .append("reserves the limit, not what the process uses); memory in use = containers × the measured use ")
            .append("per container. Platform cores = rate × platform CPU per call. Invokers = the larger of memory ")
            .append("reserved / invoker budget and platform cores / cores per invoker.\n\n")
            .append("Assumptions: ")
            .append(String.format(Locale.ROOT, "overhead %.2f ms (%s); platform CPU %.0f µs per call (%s); ",
                overheadMs, Double.isNaN(measured.addedLatencyMs) ? "assumed" : "measured, added p50 over direct",
                cpuUs, Double.isNaN(measured.cpuUsPerCall) ? "assumed" : "measured at the highest throughput"))
            .append(Double.isNaN(inUseMib) ? "memory in use per container not measured; " :
                String.format(Locale.ROOT, "%.0f MiB in use per Node.js container (measured); ", inUseMib))
            .append(String.format(Locale.ROOT, "headroom %.1f; an invoker offers %d MB of container memory (half of ",
                headroom, invokerBudgetMb))
            .append(String.format(Locale.ROOT, "a 24 GB host) and %.0f core for the platform; warm containers ",
                platformCoresPerInvoker))
            .append("(steady load; cold starts add their time to the hold time of the few calls that need one")
            .append(Double.isNaN(measured.hitRatio) ? "" : String.format(Locale.ROOT,
                ", %.1f%% of calls were warm in the mixed workload", 100 * measured.hitRatio))
            .append(Double.isNaN(measured.coldStartMs) ? "" : String.format(Locale.ROOT,
                ", a cold start took %.0f ms", measured.coldStartMs))
            .append("); actions with `concurrency` > 1 need proportionally fewer containers.\n\n")
            .append("| rate (req/s) | mean duration (ms) | memory/action (MB) | containers | memory reserved (GB) | ")
            .append("memory in use (GB) | platform cores | invokers |\n|---|---|---|---|---|---|---|---|\n");
        final double[][] loads = {{100, 50, 256}, {1_000, 200, 256}, {5_000, 100, 128}, {20_000, 20, 256},
            {50_000, 5, 128}};
        for (final double[] l : loads)
        {
            final int containers = (int)Math.ceil(l[0] * (l[1] + overheadMs) / 1000.0 * headroom);
            final double memoryMb = containers * l[2];
            final double cores = l[0] * cpuUs / 1e6;
            final int invokers = (int)Math.max(Math.ceil(memoryMb / invokerBudgetMb),
                Math.ceil(cores / platformCoresPerInvoker));
            md.append(String.format(Locale.ROOT, "| %,.0f | %.0f | %.0f | %,d | %.1f | %s | %.2f | %d |%n", l[0], l[1],
                l[2], containers, memoryMb / 1024, Double.isNaN(inUseMib) ? "" :
                    String.format(Locale.ROOT, "%.1f", containers * inUseMib / 1024), cores, invokers));
        }
        return md.append('\n').toString();
    }
}
