package dev.whisk.frontdoor;

import dev.whisk.frontdoor.invoke.Admission;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The platform's counters as Prometheus text (format 0.0.4) for {@code GET /metrics}: this process's CPU time and the
 * bytes its threads have allocated (so that a load harness can divide both by invocations), invocations accepted and
 * completed, and whatever other parts of the process {@link #add add} (the launcher adds the container pool's).
 * Rendered on request only, off the hot path; the counters it reads are the parts' own.
 *
 * <p>Threads: {@link #render} from any event loop (it is {@code synchronized} because it keeps the allocation of
 * threads that ended); {@link #add} at start.
 */
public final class Metrics
{
    /** A part of the process that appends its own samples. */
    public interface Source
    {
        /** Appends {@code # HELP}, {@code # TYPE} and sample lines; see {@link #counter} and {@link #gauge}. */
        void appendTo(StringBuilder out);
    }

    private final Admission admission;
    private final List<Source> sources = new CopyOnWriteArrayList<>();
    private final com.sun.management.ThreadMXBean threads = threadBean();
    private final com.sun.management.OperatingSystemMXBean os = osBean();
    /** Last allocation seen per thread id, so a total never drops when a thread ends. Guarded by {@code this}. */
    private final Map<Long, Long> allocatedByThread = new HashMap<>();
    private long allocatedByEndedThreads;

    public Metrics(final Admission admission)
    {
        this.admission = admission;
    }

    /** Adds a part's samples to every later rendering. */
    public void add(final Source source)
    {
        sources.add(source);
    }

    /** The whole exposition, one sample per line. */
    public synchronized String render()
    {
        final StringBuilder out = new StringBuilder(2048);
        if (os != null)
        {
            counter(out, "process_cpu_seconds_total", "CPU time (user and system) of the platform process.",
                os.getProcessCpuTime() / 1e9);
        }
        if (threads != null && threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled())
        {
            counter(out, "whisk_jvm_allocated_bytes_total",
                "Bytes allocated on the heap by the platform's threads, ended threads included.", allocatedBytes());
        }
        final MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        gauge(out, "whisk_jvm_heap_used_bytes", "Heap in use.", heap.getUsed());
        counter(out, "whisk_invocations_accepted_total",
            "Invocations admitted into the scheduler (sequence components included).",
            admission.invocationsAccepted());
        counter(out, "whisk_invocations_completed_total", "Activations completed.",
            admission.invocationsCompleted());
        gauge(out, "whisk_payload_bytes_queued",
            "Bytes of large invoke payloads accepted and not yet completed.", admission.payloadBytesQueued());
        if (admission.maxPayloadBytesQueued() != Long.MAX_VALUE)
        {
            gauge(out, "whisk_payload_bytes_queued_max", "The bound of large invoke payloads queued.",
                admission.maxPayloadBytesQueued());
        }
        counter(out, "whisk_payload_refusals_total",
            "Invokes refused with 503 because their payload did not fit the bound of payloads queued.",
            admission.payloadRefusals());
        for (final Source s : sources)
        {
            s.appendTo(out);
        }
        return out.toString();
    }

    /** Appends one counter with its help and type lines. */
    public static void counter(final StringBuilder out, final String name, final String help, final double value)
    {
        sample(out, name, help, "counter", value);
    }

    /** Appends one gauge with its help and type lines. */
    public static void gauge(final StringBuilder out, final String name, final String help, final double value)
    {
        sample(out, name, help, "gauge", value);
    }

    /**
     * Appends one metric with one sample per label value: {@code name{label="value"} n}, under one help and type line.
     *
     * @param type "counter" or "gauge".
     */
    public static void labelled(final StringBuilder out, final String name, final String help, final String type,
        final String label, final String[] labelValues, final double[] values)
    {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
            .append("# TYPE ").append(name).append(' ').append(type).append('\n');
        for (int i = 0; i < labelValues.length; i++)
        {
            out.append(name).append('{').append(label).append("=\"").append(labelValues[i]).append("\"} ");
            value(out, values[i]);
        }
    }

    private static void sample(final StringBuilder out, final String name, final String help, final String type,
        final double value)
    {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
            .append("# TYPE ").append(name).append(' ').append(type).append('\n')
            .append(name).append(' ');
        value(out, value);
    }

    private static void value(final StringBuilder out, final double value)
    {
        if (value == Math.rint(value) && Math.abs(value) < 1e15)
        {
            out.append((long)value);
        }
        else
        {
            out.append(String.format(Locale.ROOT, "%.6f", value));
        }
        out.append('\n');
    }

    /**
     * Java 17 has no process-wide allocation counter, so this sums the live threads' counters and keeps the last
     * value of each thread that has since ended.
     */
    private long allocatedBytes()
    {
        final long[] ids = threads.getAllThreadIds();
        final long[] bytes = threads.getThreadAllocatedBytes(ids);
        final Map<Long, Long> live = new HashMap<>(ids.length * 2);
        long total = 0;
        for (int i = 0; i < ids.length; i++)
        {
            if (bytes[i] >= 0)
            {
                live.put(ids[i], bytes[i]);
                total += bytes[i];
            }
        }
        for (final Map.Entry<Long, Long> e : allocatedByThread.entrySet())
        {
            if (!live.containsKey(e.getKey()))
            {
                allocatedByEndedThreads += e.getValue();
            }
        }
        allocatedByThread.clear();
        allocatedByThread.putAll(live);
        return total + allocatedByEndedThreads;
    }

    private static com.sun.management.ThreadMXBean threadBean()
    {
        return ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t ? t : null;
    }

    private static com.sun.management.OperatingSystemMXBean osBean()
    {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean o ?
            o : null;
    }
}
