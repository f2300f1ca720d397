package dev.whisk.pool;

import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.pool.docker.CollectedLogs;
import dev.whisk.pool.docker.ContainerLogReader;
import dev.whisk.pool.docker.StartedContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * An activation's log lines. Images that run our own proxy return them with the answer (in-band); the run completes
 * at once. For any other image, and a run that ended without an answer, they are read from the container's Docker
 * log behind the result, on the log lane, one run at a time in the order the runs ended: the result is reported at
 * once, the completion once the lines are read.
 *
 * <p>Owner thread only, but for the log lane's thread, which reads a container's log file and hands the lines back.
 */
final class LogCollection
{
    private static final Logger LOG = LoggerFactory.getLogger(LogCollection.class);
    /** The label {@code runtimes/nodejs/build-image.sh} puts on images of our proxy, which speaks in-band logs. */
    static final String INLINE_LOGS_LABEL = "whisk.proxy.sha256";
    /** OpenWhisk's blackbox base image, whose proxy prints the log sentinels. */
    private static final String SKELETON_IMAGE = "dockerskeleton";

    private final ContainerPool pool;
    private final JobLedger ledger;
    /**
     * Docker's json-file logs (images without in-band logs, and runs that ended without an answer): one thread, so a
     * slow log never delays a container start, and a blackbox run's logs never delay our image's records.
     */
    final Lane lane = new Lane("logs", 1, ContainerPool.LANE_CAPACITY);
    /** Images that run our own proxy, which returns an activation's logs with its answer. */
    private final Set<String> inlineLogImages = new HashSet<>();

    LogCollection(final ContainerPool pool)
    {
        this.pool = pool;
        this.ledger = pool.ledger;
    }

    /** At start, blocking: which of the configured runtime images speak in-band logs. */
    void learnImages()
    {
        final ContainerEngine engine = pool.engine;
        for (final String image : pool.config.runtimeImages().values())
        {
            final String proxy = engine.hasImage(image) ? engine.imageLabel(image, INLINE_LOGS_LABEL) : null;
            if (proxy != null && !proxy.isEmpty())
            {
                inlineLogImages.add(image);
            }
        }
    }

    /**
     * The container is running. Our own proxy returns logs in-band; of the other images only OpenWhisk's skeletons
     * print the sentinels (as OpenWhisk's {@code sentinelledLogs} says), so the log of any other blackbox image is
     * read as it stands, with no wait for sentinels that never come.
     */
    void attach(final PooledContainer c, final StartedContainer started)
    {
        c.docker = started;
        c.logReader = new ContainerLogReader(Path.of(started.logPath()), 0);
        c.inlineLogs = inlineLogImages.contains(started.image());
        c.sentinels = !ContainerPool.BLACKBOX.equals(c.kind) || started.image().contains(SKELETON_IMAGE);
    }

    /** The in-band log limit to ask the container for, or -1 when its logs are read from Docker's log. */
    static long logLimit(final PooledContainer c, final Job job)
    {
        return c.inlineLogs ? job.limits().logBytes() : -1;
    }

    /**
     * A run on {@code c} ended without in-band logs and its result is reported: its completion follows once its lines
     * are read from Docker's log, behind the runs of {@code c} that ended before it.
     */
    void collectAfter(final PooledContainer c, final Job job, final RunOutcome outcome)
    {
        c.pendingLogs.addLast(new PooledContainer.PendingLogs(job, outcome));
        if (!c.collecting)
        {
            collectNext(c);
        }
    }

    /** Reads the logs of the oldest ended run of {@code c} on the log lane; with none left, removes it if due. */
    private void collectNext(final PooledContainer c)
    {
        final PooledContainer.PendingLogs next = c.pendingLogs.pollFirst();
        if (next == null)
        {
            c.collecting = false;
            if (c.removeAfterLogs)
            {
                pool.eviction.removeFromEngine(c);
            }
            return;
        }
        c.collecting = true;
        final ContainerLogReader reader = c.logReader;
        final boolean ranToEnd = next.outcome().status() != ActivationStatus.DEVELOPER_ERROR;
        final long logWaitMs = pool.config.logWaitMs();
        final long waitNs = TimeUnit.MILLISECONDS.toNanos(ranToEnd ? logWaitMs : logWaitMs / 4);
        final boolean sentinels = c.sentinels;
        final Job job = next.job();
        lane.execute(() ->
        {
            CollectedLogs collected;
            try
            {
                collected = reader.collect(job.activationId(), job.limits().logBytes(), waitNs, sentinels);
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("event=log-collection-failed activationId={}", job.activationId(), ex);
                collected = new CollectedLogs(List.of(), reader.position(), false);
            }
            final CollectedLogs logs = collected;
            pool.onOwner(() ->
            {
                ledger.complete(job, next.outcome(), logs.lines());
                collectNext(c);
            });
        }, () ->
        {
            ledger.complete(job, next.outcome(), List.of());
            collectNext(c);
        });
    }
}
