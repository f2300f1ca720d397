package dev.whisk.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The key ratios of a load run, printed at its end and kept in {@code summary-<scenario>.txt}: added latency over
 * direct, platform/direct throughput, CPU and allocation per call, start latencies, each beside the goal.
 * Figures, never assertions: a slower hot path shows here, in CI output, without failing the build.
 */
final class Summary
{
    private final List<String> lines = new ArrayList<>();
    private final List<String> goals = new ArrayList<>();

    void line(final String text)
    {
        lines.add(text);
    }

    void latency(final Load.Outcome platform, final Load.Outcome direct, final LoadBench.Cost cost,
        final double idleCpuNsPerSecond)
    {
        final double addedP50 = (platform.latencyNs().getValueAtPercentile(50) -
            direct.latencyNs().getValueAtPercentile(50)) / 1e3;
        final double addedP99 = (platform.latencyNs().getValueAtPercentile(99) -
            direct.latencyNs().getValueAtPercentile(99)) / 1e3;
        line(String.format(Locale.ROOT, "latency at %.0f/s: platform p50 %.0f p99 %.0f µs, direct p50 %.0f p99 %.0f " +
            "µs: added p50 %.0f µs, p99 %.0f µs; CPU %.0f µs/call (idle platform %.1f ms/s), %,.0f B/call",
            platform.targetRate(), platform.latencyNs().getValueAtPercentile(50) / 1e3,
            platform.latencyNs().getValueAtPercentile(99) / 1e3, direct.latencyNs().getValueAtPercentile(50) / 1e3,
            direct.latencyNs().getValueAtPercentile(99) / 1e3, addedP50, addedP99, cost.cpuUsPerCall(),
            idleCpuNsPerSecond / 1e6, cost.bytesPerCall()));
        goal("added p50 over direct", addedP50, "µs", 150, true);
        goal("added p99 over direct", addedP99, "µs", 1_000, true);
    }

    void connections(final int c, final Load.Outcome platform, final Load.Outcome direct,
        final LoadBench.Cost cost, final int containers)
    {
        final double ratio = platform.throughput() / direct.throughput();
        line(String.format(Locale.ROOT, "x%-2d connections: platform %,.0f/s (p50 %.0f µs) vs direct %,.0f/s " +
            "(p50 %.0f µs) on %d container(s): %.0f%%; CPU %.1f µs/call, %,.0f B/call", c, platform.throughput(),
            platform.latencyNs().getValueAtPercentile(50) / 1e3, direct.throughput(),
            direct.latencyNs().getValueAtPercentile(50) / 1e3, containers, 100 * ratio, cost.cpuUsPerCall(),
            cost.bytesPerCall()));
        goal("throughput vs direct, x" + c, 100 * ratio, "%", 70, false);
        goal("platform CPU per no-op, x" + c, cost.cpuUsPerCall(), "µs", 60, true);
        goal("allocation per no-op, x" + c, cost.bytesPerCall(), "B", 2_048, true);
    }

    /**
     * The bare forwarder beside direct: the design's floor (two TCP hops, nothing else), and the platform's CPU per
     * call against the forwarder's.
     */
    void forwarder(final String where, final Load.Outcome forwarder, final Load.Outcome direct,
        final double forwarderCpuUsPerCall, final double platformCpuUsPerCall)
    {
        final double ratio = platformCpuUsPerCall / forwarderCpuUsPerCall;
        line(String.format(Locale.ROOT, "forwarder %s: %,.0f/s p50 %.0f µs p99 %.0f µs (direct p50 %.0f µs); CPU " +
            "%.1f µs/call; platform CPU %.2f x the forwarder's", where, forwarder.throughput(),
            forwarder.latencyNs().getValueAtPercentile(50) / 1e3, forwarder.latencyNs().getValueAtPercentile(99) / 1e3,
            direct.latencyNs().getValueAtPercentile(50) / 1e3, forwarderCpuUsPerCall, ratio));
        goal("platform CPU / forwarder's, " + where, ratio, "x", 1.5, true);
    }

    /** A figure beside its goal: {@code atMost} for "under", else "at least". */
    void goal(final String what, final double value, final String unit, final double goal, final boolean atMost)
    {
        final boolean met = atMost ? value < goal : value >= goal;
        goals.add(String.format(Locale.ROOT, "  %-34s %10.1f %-2s goal %s %,.0f %s: %s", what, value, unit,
            atMost ? "<" : ">=", goal, unit, met ? "met" : "NOT met"));
    }

    void print(final PrintStream out)
    {
        out.print(this);
    }

    @Override
    public String toString()
    {
        final StringBuilder b = new StringBuilder("\n== key ratios (figures, not assertions) ==\n");
        lines.forEach(l -> b.append(l).append('\n'));
        if (!goals.isEmpty())
        {
            b.append("goals:\n");
            goals.forEach(g -> b.append(g).append('\n'));
        }
        return b.toString();
    }
}
