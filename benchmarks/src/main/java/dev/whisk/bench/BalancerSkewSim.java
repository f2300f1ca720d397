package dev.whisk.bench;

import dev.whisk.scheduler.InvokerTable;
import org.HdrHistogram.Histogram;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A discrete-event simulation of placement under skewed load: the controller's real {@link InvokerTable} (home by
 * hash, probing with a coprime step, memory promised until completion, the least over-committed invoker when all
 * are full) beside OpenWhisk's sharding balancer policy as its source describes it (the same probing, but a random
 * invoker when none has room). Both see the same arrivals: Zipf-popular actions, Poisson arrivals, exponential run
 * times, a cold start when the chosen invoker holds no warm container of the action, and each invoker running as
 * many activations at once as its memory allows and queueing the rest in order.
 *
 * <p>It measures the balancing policy, not a platform: no process, container or network is involved. Usage:
 * {@code BalancerSkewSim [activations-per-run]} (default 400,000, one run per load level, a few seconds).
 */
public final class BalancerSkewSim
{
    private static final int INVOKERS = 4;
    private static final int INVOKER_MB = 8192;
    private static final int ACTION_MB = 256;
    private static final int SLOTS = INVOKER_MB / ACTION_MB;
    private static final int ACTIONS = 100;
    private static final double ZIPF_S = 1.1;
    private static final double MEAN_RUN_MS = 100;
    private static final double COLD_START_MS = 300;
    /** Warm containers an invoker keeps (LRU): as many as its memory holds, busy or idle. */
    private static final int WARM_PER_INVOKER = SLOTS;

    private BalancerSkewSim()
    {
    }

    public static void main(final String[] args)
    {
        final int activations = args.length > 0 ? Integer.parseInt(args[0]) : 400_000;
        System.out.printf("%d invokers x %d slots, %d actions Zipf(%.1f), runs exp(%.0f ms), cold start %.0f ms%n",
            INVOKERS, SLOTS, ACTIONS, ZIPF_S, MEAN_RUN_MS, COLD_START_MS);
        System.out.printf("%-6s %-10s %10s %10s %10s %10s %8s%n", "load", "policy", "p50 ms", "p99 ms", "p99.9 ms",
            "mean ms", "cold %");
        for (final double load : new double[]{0.5, 0.55, 0.6, 0.65})
        {
            for (final boolean ours : new boolean[]{false, true})
            {
                run(load, ours, activations);
            }
        }
    }

    private static void run(final double load, final boolean ours, final int activations)
    {
        final Random arrivals = new Random(42);
        final Random runs = new Random(7);
        final Random fallback = new Random(99);
        final double[] cdf = zipf();
        final double ratePerMs = load * INVOKERS * SLOTS / MEAN_RUN_MS;
        final InvokerTable table = new InvokerTable(new InvokerTable.Context()
            .inProcess(Collections.nCopies(INVOKERS, null)));
        final long[] usedMb = new long[INVOKERS];
        final int[] running = new int[INVOKERS];
        final ArrayDeque<double[]>[] queues = queues();
        final LinkedHashMap<Integer, Boolean>[] warm = warmSets();
        final PriorityQueue<double[]> completions = new PriorityQueue<>((a, b) -> Double.compare(a[0], b[0]));
        final Histogram latency = new Histogram(3_600_000_000L, 3);
        long cold = 0;
        double now = 0;
        for (int i = 0; i < INVOKERS; i++)
        {
            table.setCapacity(i, INVOKER_MB);
        }
        for (int n = 0; n < activations; n++)
        {
            now += -Math.log(1 - arrivals.nextDouble()) / ratePerMs;
            while (!completions.isEmpty() && completions.peek()[0] <= now)
            {
                final double[] done = completions.poll();
                final int inv = (int)done[1];
                if (ours)
                {
                    table.release(inv, ACTION_MB);
                }
                else
                {
                    usedMb[inv] -= ACTION_MB;
                }
                running[inv]--;
                final double[] next = queues[inv].pollFirst();
                if (next != null)
                {
                    cold += start(next, done[0], inv, warm[inv], running, runs, completions, latency);
                }
            }
            final int action = pick(cdf, arrivals.nextDouble());
            final int hash = ("guest/action" + action).hashCode();
            final int inv = ours ? table.select(hash, ACTION_MB, false, 0) : openWhisk(hash, usedMb, fallback);
            final double[] job = {now, action};
            if (running[inv] < SLOTS)
            {
                cold += start(job, now, inv, warm[inv], running, runs, completions, latency);
            }
            else
            {
                queues[inv].addLast(job);
            }
        }
        System.out.printf("%-6.2f %-10s %10.1f %10.1f %10.1f %10.1f %8.1f%n", load, ours ? "whisk" : "openwhisk",
            latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(99) / 1e3,
            latency.getValueAtPercentile(99.9) / 1e3, latency.getMean() / 1e3, 100.0 * cold / activations);
    }

    /** Starts {@code job} on {@code inv} at {@code t}; returns 1 for a cold start. */
    private static int start(final double[] job, final double t, final int inv, final LinkedHashMap<Integer,
        Boolean> warm, final int[] running, final Random runs, final PriorityQueue<double[]> completions,
        final Histogram latency)
    {
        final int action = (int)job[1];
        final boolean isWarm = warm.remove(action) != null;
        warm.put(action, Boolean.TRUE);
        final double end = t + (isWarm ? 0 : COLD_START_MS) - Math.log(1 - runs.nextDouble()) * MEAN_RUN_MS;
        running[inv]++;
        completions.add(new double[]{end, inv});
        latency.recordValue(Math.max(1, (long)((end - job[0]) * 1e3)));
        return isWarm ? 0 : 1;
    }

    /** OpenWhisk's sharding balancer: the same home and coprime-step probing; no room anywhere, a random one. */
    private static int openWhisk(final int hash, final long[] usedMb, final Random fallback)
    {
        final int[] steps = coprimeSteps(INVOKERS);
        final int home = Math.floorMod(hash, INVOKERS);
        final int step = steps[Math.floorMod(hash, steps.length)];
        for (int probe = 0, at = home; probe < INVOKERS; probe++, at = (at + step) % INVOKERS)
        {
            if (usedMb[at] + ACTION_MB <= INVOKER_MB)
            {
                usedMb[at] += ACTION_MB;
                return at;
            }
        }
        final int random = fallback.nextInt(INVOKERS);
        usedMb[random] += ACTION_MB;
        return random;
    }

    private static int[] coprimeSteps(final int n)
    {
        // For 4 invokers OpenWhisk's pairwise coprime steps are 1 and 3, as InvokerTable computes them.
        return n == 4 ? new int[]{1, 3} : new int[]{1};
    }

    private static double[] zipf()
    {
        final double[] cdf = new double[ACTIONS];
        double sum = 0;
        for (int k = 1; k <= ACTIONS; k++)
        {
            sum += 1 / Math.pow(k, ZIPF_S);
            cdf[k - 1] = sum;
        }
        for (int k = 0; k < ACTIONS; k++)
        {
            cdf[k] /= sum;
        }
        return cdf;
    }

    private static int pick(final double[] cdf, final double u)
    {
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi)
        {
            final int mid = (lo + hi) >>> 1;
            if (cdf[mid] < u)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    @SuppressWarnings("unchecked")
    private static ArrayDeque<double[]>[] queues()
    {
        final ArrayDeque<double[]>[] q = new ArrayDeque[INVOKERS];
        for (int i = 0; i < INVOKERS; i++)
        {
            q[i] = new ArrayDeque<>();
        }
        return q;
    }

    @SuppressWarnings("unchecked")
    private static LinkedHashMap<Integer, Boolean>[] warmSets()
    {
        final LinkedHashMap<Integer, Boolean>[] w = new LinkedHashMap[INVOKERS];
        for (int i = 0; i < INVOKERS; i++)
        {
            w[i] = new LinkedHashMap<>(64, 0.75f, false)
            {
                @Override
                protected boolean removeEldestEntry(final Map.Entry<Integer, Boolean> eldest)
                {
                    return size() > WARM_PER_INVOKER;
                }
            };
        }
        return w;
    }
}
