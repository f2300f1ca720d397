package dev.whisk.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives HTTP requests over keep-alive connections, one thread and one socket per connection, bounded by a count and
 * a duration, and records latency in HdrHistograms.
 *
 * <p>Open loop: each connection has a schedule of intended start times (fixed interval, or exponential gaps for
 * Poisson arrivals), and latency is measured from the intended start, not from when the request could be sent, so a
 * stall counts against every request it delays (no coordinated omission, as wrk2 does it). Closed loop: each
 * connection sends its next request when the previous answer arrives; latency is the round trip, throughput the
 * figure that counts. A daemon thread prints progress every two seconds.
 */
final class Load
{
    private static final long PROGRESS_NS = 2_000_000_000L;
    private static final int MAX_ERRORS = 1_000;

    private Load()
    {
    }

    /** What one connection sends: where, and which pre-rendered request for each call. */
    interface Connection
    {
        /** Where the connection goes; the harness loads only the platform it started, on loopback. */
        default String host()
        {
            return "127.0.0.1";
        }

        int port();

        /** The request of call {@code seq}; {@code random} is this connection's own. */
        int pick(long seq, SplittableRandom random);

        byte[] request(int choice);

        /** The time the call's own work takes (an action's sleep), subtracted for the overhead histogram. */
        default long expectedNs(final int choice)
        {
            return 0;
        }
    }

    /** One connection sending the same request to {@code host:port}. */
    static Connection fixed(final String host, final int port, final byte[] request)
    {
        return new Connection()
        {
            @Override
            public String host()
            {
                return host;
            }

            @Override
            public int port()
            {
                return port;
            }

            @Override
            public int pick(final long seq, final SplittableRandom random)
            {
                return 0;
            }

            @Override
            public byte[] request(final int choice)
            {
                return request;
            }
        };
    }

    /**
     * How to drive: {@code ratePerSecond} over all connections for an open loop ({@code <= 0}: closed loop),
     * {@code poisson} for exponential gaps, at most {@code maxCalls} calls and {@code maxSeconds} seconds.
     */
    record Plan(String name, List<Connection> connections, double ratePerSecond, boolean poisson, long maxCalls,
                double maxSeconds)
    {
        static Plan closed(final String name, final List<Connection> connections, final long maxCalls,
            final double maxSeconds)
        {
            return new Plan(name, connections, 0, false, maxCalls, maxSeconds);
        }

        static Plan open(final String name, final List<Connection> connections, final double ratePerSecond,
            final long maxCalls, final double maxSeconds)
        {
            return new Plan(name, connections, ratePerSecond, false, maxCalls, maxSeconds);
        }
    }

    /** What a run measured: latency (ns), latency less the expected work (ns), calls answered well, errors, time. */
    record Outcome(String name, int connections, double targetRate, Histogram latencyNs, Histogram overheadNs,
                   long calls, long errors, double seconds)
    {
        double throughput()
        {
            return calls / seconds;
        }
    }

    static Outcome run(final Plan plan) throws InterruptedException
    {
        return runTogether(List.of(plan)).get(0);
    }

    /**
     * Runs plans at the same time from one start instant, each its own connections and histograms; open-loop plans
     * are phased evenly, so that with two plans at one rate their requests alternate (interleaved baselines).
     */
    static List<Outcome> runTogether(final List<Plan> plans) throws InterruptedException
    {
        final AtomicLong done = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final long t0 = System.nanoTime() + 20_000_000L;
        final List<List<Worker>> byPlan = new ArrayList<>();
        for (int p = 0; p < plans.size(); p++)
        {
            final Plan plan = plans.get(p);
            final int n = plan.connections().size();
            final AtomicLong issued = new AtomicLong();
            final long deadline = t0 + (long)(plan.maxSeconds() * 1e9);
            final List<Worker> workers = new ArrayList<>();
            for (int i = 0; i < n; i++)
            {
                final double rate = plan.ratePerSecond() / n;
                final long phase = rate <= 0 ? 0 :
                    (long)((i + (double)p / plans.size()) * 1e9 / plan.ratePerSecond());
                workers.add(new Worker(plan, plan.connections().get(i), rate, t0 + phase, deadline, issued, done,
                    errors, i));
            }
            byPlan.add(workers);
        }
        final String name = plans.size() == 1 ? plans.get(0).name() : plans.get(0).name() + " + " +
            plans.get(1).name();
        final Thread progress = new Thread(() -> progress(name, t0, done, errors), "bench-progress");
        progress.setDaemon(true);
        byPlan.forEach(ws -> ws.forEach(w -> w.thread.start()));
        progress.start();
        for (final List<Worker> ws : byPlan)
        {
            for (final Worker w : ws)
            {
                w.thread.join();
            }
        }
        final long end = System.nanoTime();
        progress.interrupt();
        final List<Outcome> outcomes = new ArrayList<>();
        for (int p = 0; p < plans.size(); p++)
        {
            final Plan plan = plans.get(p);
            final Histogram latency = new Histogram(3_600_000_000_000L, 3);
            final Histogram overhead = new Histogram(3_600_000_000_000L, 3);
            long planErrors = 0;
            long unsent = 0;
            long lastEnd = t0;
            for (final Worker w : byPlan.get(p))
            {
                latency.add(w.latency);
                overhead.add(w.overhead);
                planErrors += w.errors;
                unsent += w.unsent;
                lastEnd = Math.max(lastEnd, w.endNs);
                if (w.failure != null)
                {
                    System.out.println("  " + plan.name() + ": a connection gave up: " + w.failure);
                }
            }
            final double seconds = Math.max(1e-9, (Math.min(end, lastEnd) - t0) / 1e9);
            final Outcome o = new Outcome(plan.name(), plan.connections().size(), plan.ratePerSecond(), latency,
                overhead, latency.getTotalCount(), planErrors, seconds);
            System.out.printf("  %s: %,d calls in %.1f s (%,.0f/s), errors %d, p50 %.0f µs, p99 %.0f µs%n",
                plan.name(), o.calls(), seconds, o.throughput(), o.errors(), latency.getValueAtPercentile(50) / 1e3,
                latency.getValueAtPercentile(99) / 1e3);
            if (unsent > 0)
            {
                System.out.printf("  %s: %,d calls scheduled before the deadline were never sent: the target could " +
                    "not keep up with the offered rate%n", plan.name(), unsent);
            }
            outcomes.add(o);
        }
        return outcomes;
    }

    private static void progress(final String name, final long t0, final AtomicLong done, final AtomicLong errors)
    {
        long last = 0;
        long lastNs = t0;
        while (!Thread.currentThread().isInterrupted())
        {
            try
            {
                Thread.sleep(PROGRESS_NS / 1_000_000);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            final long now = System.nanoTime();
            final long d = done.get();
            System.out.printf("    %s: %5.1f s, %,d done, %,.0f/s, errors %d%n", name, (now - t0) / 1e9, d,
                (d - last) * 1e9 / Math.max(1, now - lastNs), errors.get());
            last = d;
            lastNs = now;
        }
    }

    /** One connection's thread: its socket, schedule and histograms. */
    private static final class Worker implements Runnable
    {
        private final Plan plan;
        private final Connection connection;
        private final double ratePerSecond;
        private final long firstStartNs;
        private final long deadlineNs;
        private final AtomicLong issued;
        private final AtomicLong done;
        private final AtomicLong allErrors;
        private final SplittableRandom random;
        private final Histogram latency = new Histogram(3_600_000_000_000L, 3);
        private final Histogram overhead = new Histogram(3_600_000_000_000L, 3);
        private final Thread thread;
        private volatile String failure;
        private long errors;
        private long unsent;
        private long endNs;

        Worker(final Plan plan, final Connection connection, final double ratePerSecond, final long firstStartNs,
            final long deadlineNs, final AtomicLong issued, final AtomicLong done, final AtomicLong errors,
            final int index)
        {
            this.plan = plan;
            this.connection = connection;
            this.ratePerSecond = ratePerSecond;
            this.firstStartNs = firstStartNs;
            this.deadlineNs = deadlineNs;
            this.issued = issued;
            this.done = done;
            this.allErrors = errors;
            this.random = new SplittableRandom(0x5EED + index);
            this.thread = new Thread(this, "bench-" + plan.name() + "-" + index);
        }

        @Override
        public void run()
        {
            RawHttpClient client = null;
            try
            {
                client = new RawHttpClient(connection.host(), connection.port());
                final boolean open = ratePerSecond > 0;
                final double meanGapNs = open ? 1e9 / ratePerSecond : 0;
                long intended = firstStartNs;
                for (long seq = 0; ; seq++)
                {
                    if (open)
                    {
                        if (seq > 0)
                        {
                            intended += plan.poisson() ? (long)(-Math.log(1 - random.nextDouble()) * meanGapNs) :
                                (long)meanGapNs;
                        }
                        // Bounded in time even when behind schedule: the calls still owed are counted unsent.
                        if (intended > deadlineNs || System.nanoTime() > deadlineNs)
                        {
                            unsent = intended > deadlineNs ? 0 :
                                1 + (long)((deadlineNs - intended) / Math.max(1.0, meanGapNs));
                            break;
                        }
                        waitUntil(intended);
                    }
                    else
                    {
                        intended = System.nanoTime();
                        if (intended > deadlineNs)
                        {
                            break;
                        }
                    }
                    if (issued.incrementAndGet() > plan.maxCalls())
                    {
                        break;
                    }
                    final int choice = connection.pick(seq, random);
                    int status;
                    try
                    {
                        status = client.exchange(connection.request(choice), null);
                    }
                    catch (final IOException ex)
                    {
                        status = -1;
                        client.close();
                        client = new RawHttpClient(connection.host(), connection.port());
                    }
                    final long latencyNs = System.nanoTime() - intended;
                    if (status == 200 || status == 202)
                    {
                        latency.recordValue(latencyNs);
                        overhead.recordValue(Math.max(0, latencyNs - connection.expectedNs(choice)));
                        done.incrementAndGet();
                    }
                    else
                    {
                        errors++;
                        if (allErrors.incrementAndGet() > MAX_ERRORS)
                        {
                            failure = "more than " + MAX_ERRORS + " errors (last status " + status + ")";
                            break;
                        }
                    }
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                failure = ex.toString();
            }
            finally
            {
                endNs = System.nanoTime();
                if (client != null)
                {
                    try
                    {
                        client.close();
                    }
                    catch (final IOException ex)
                    {
                        // Closing a socket we are done with.
                    }
                }
            }
        }

        private static void waitUntil(final long ns)
        {
            long left;
            while ((left = ns - System.nanoTime()) > 0)
            {
                if (left > 100_000)
                {
                    LockSupport.parkNanos(left - 50_000);
                }
                else
                {
                    Thread.onSpinWait();
                }
            }
        }
    }
}
