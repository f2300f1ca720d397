package dev.whisk.launcher.node;

import dev.whisk.frontdoor.Metrics;
import dev.whisk.pool.Lane;
import dev.whisk.pool.PoolMetrics;

import java.util.List;

/**
 * The container pool's counters and gauges on {@code /metrics}: how each job found its container (warm, pre-warmed
 * or cold; resumes among the warm), pauses and evictions, containers by state and memory. A load harness reads the
 * pool hit ratio from these. Reads {@link PoolMetrics}, which any thread may.
 */
final class PoolSamples implements Metrics.Source
{
    private final PoolMetrics pool;
    private final List<Lane> lanes;

    PoolSamples(final PoolMetrics pool, final List<Lane> lanes)
    {
        this.pool = pool;
        this.lanes = lanes;
    }

    @Override
    public void appendTo(final StringBuilder out)
    {
        Metrics.counter(out, "whisk_pool_warm_starts_total", "Jobs run on a warm container of their action.",
            pool.warmStarts());
        Metrics.counter(out, "whisk_pool_resumes_total", "Warm starts that resumed a paused container first.",
            pool.resumes());
        Metrics.counter(out, "whisk_pool_prewarm_starts_total", "Jobs run on a pre-warmed stem cell.",
            pool.prewarmStarts());
        Metrics.counter(out, "whisk_pool_cold_starts_total", "Jobs that needed a new container.",
            pool.coldStarts());
        Metrics.counter(out, "whisk_pool_pauses_total", "Idle containers paused.", pool.pauses());
        Metrics.counter(out, "whisk_pool_evictions_total", "Idle containers removed to make room for another.",
            pool.evictions());
        Metrics.counter(out, "whisk_pool_connections_reopened_total",
            "Connections to an idle container opened again after the runtime closed its last one.",
            pool.connectionsReopened());
        Metrics.counter(out, "whisk_pool_containers_lost_total",
            "Idle containers dropped because no connection to them could be opened (replaced on demand).",
            pool.containersLost());
        Metrics.gauge(out, "whisk_pool_containers", "Containers alive (starting, pre-warmed, idle, paused, busy).",
            pool.liveContainers());
        Metrics.gauge(out, "whisk_pool_containers_prewarmed", "Pre-warmed stem cells.",
            pool.prewarmedContainers());
        Metrics.gauge(out, "whisk_pool_containers_paused", "Paused containers.", pool.pausedContainers());
        Metrics.gauge(out, "whisk_pool_containers_busy", "Containers running a job.", pool.busyContainers());
        Metrics.gauge(out, "whisk_pool_memory_in_use_mb", "Memory of the live containers, stem cells included.",
            pool.memoryInUseMb());
        Metrics.gauge(out, "whisk_pool_memory_free_mb", "Memory the pool can still give without an eviction.",
            pool.freeMemoryMb());
        Metrics.gauge(out, "whisk_pool_waiting_jobs", "Jobs waiting for memory.", pool.waitingJobs());
        Metrics.gauge(out, "whisk_pool_queued_jobs", "Jobs waiting for a busy or starting container of their action.",
            pool.queuedJobs());
        final String[] names = new String[lanes.size()];
        final double[] queued = new double[lanes.size()];
        final double[] running = new double[lanes.size()];
        final double[] refused = new double[lanes.size()];
        for (int i = 0; i < names.length; i++)
        {
            final Lane lane = lanes.get(i);
            names[i] = lane.name();
            queued[i] = lane.queued();
            running[i] = lane.running();
            refused[i] = lane.refused();
        }
        Metrics.labelled(out, "whisk_pool_lane_queued", "Docker calls waiting for a thread of their lane.", "gauge",
            "lane", names, queued);
        Metrics.labelled(out, "whisk_pool_lane_running", "Docker calls under way on their lane.", "gauge", "lane",
            names, running);
        Metrics.labelled(out, "whisk_pool_lane_refused_total", "Docker calls refused: their lane was full.",
            "counter", "lane", names, refused);
    }
}
