package dev.whisk.pool;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.json.Json;
import dev.whisk.pool.docker.CollectedLogs;
import dev.whisk.pool.docker.ContainerSpec;
import dev.whisk.pool.docker.DockerDriver;
import dev.whisk.pool.docker.LogCollector;
import dev.whisk.pool.docker.StartedContainer;
import dev.whisk.pool.runtime.ResponseCallback;
import dev.whisk.pool.runtime.RuntimeClient;
import dev.whisk.pool.runtime.RuntimeConnection;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps action containers warm per (namespace, action, version, memory) and runs jobs on them: a warm idle container
 * takes a job at once; otherwise a container is created, started and initialized for it (a cold start). Memory is
 * admitted against a budget: when full, the least recently used idle container is removed, and when nothing can be
 * freed the job waits in one fair FIFO queue.
 *
 * <p>Single writer: every field below the constructor's is owned by one thread, the owner, which calls
 * {@link #submit} and {@link #doWork}. Docker calls and log reads run on a small executor and the HTTP exchanges on
 * the runtime client's event loop; both hand their results back as commands that {@link #doWork} executes.
 */
public final class ContainerPool implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ContainerPool.class);
    private static final int PORT = 8080;
    private static final long REAP_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    private final ContainerPoolConfig config;
    private final DockerDriver driver;
    private final RuntimeClient client;
    private final ExecutorService dockerExecutor;
    private final ActionCodeSource codeSource;
    private final JobListener listener;
    private final ManyToOneConcurrentLinkedQueue<Runnable> commands = new ManyToOneConcurrentLinkedQueue<>();

    private final Map<ContainerKey, ArrayDeque<PooledContainer>> idle = new HashMap<>();
    private final Set<PooledContainer> live = new HashSet<>();
    private final ArrayDeque<Job> waiting = new ArrayDeque<>();
    private int memoryUsedMb;
    private long nextSeq;
    private long nextReapNs;
    private boolean closed;

    private final AtomicLong coldStarts = new AtomicLong();
    private final AtomicLong warmStarts = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();

    public ContainerPool(final ContainerPoolConfig config, final ActionCodeSource codeSource,
        final JobListener listener)
    {
        this.config = config;
        this.codeSource = codeSource;
        this.listener = listener;
        this.driver = new DockerDriver(config.dockerHost(), config.network());
        this.client = new RuntimeClient(config.clientThreads());
        this.dockerExecutor = Executors.newFixedThreadPool(config.dockerThreads(), r ->
        {
            final Thread t = new Thread(r, "pool-docker");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Prepares the engine side: checks the engine answers, creates the network, removes containers an earlier run
     * of this invoker left behind. Blocking; call once before the first job.
     *
     * @throws IllegalStateException when no Docker engine answers.
     */
    public void start()
    {
        if (!driver.isReachable())
        {
            throw new IllegalStateException("no Docker engine answers at " + config.dockerHost());
        }
        driver.ensureNetwork();
        final int removed = driver.removeAll(config.invokerLabel());
        LOG.info("event=pool-started invoker={} leftoversRemoved={} memoryBudgetMb={}", config.invokerLabel(),
            removed, config.memoryBudgetMb());
    }

    /** Whether the image for a runtime kind is present locally. */
    public boolean hasImage(final String image)
    {
        return driver.hasImage(image);
    }

    /** Owner thread: takes a job; its outcome arrives through the {@link JobListener}. */
    public void submit(final Job job)
    {
        if (closed)
        {
            fail(job, ActivationStatus.WHISK_ERROR, Messages.PROVISION_FAILED, System.currentTimeMillis());
            return;
        }
        final PooledContainer warm = takeIdle(job.key());
        if (warm != null)
        {
            warmStarts.incrementAndGet();
            run(warm, job, -1, System.currentTimeMillis());
        }
        else if (!tryStartFor(job))
        {
            waiting.addLast(job);
        }
    }

    /** Owner thread: runs the commands handed back by other threads and removes long-idle containers. */
    public int doWork()
    {
        int work = 0;
        Runnable command;
        while ((command = commands.poll()) != null)
        {
            command.run();
            work++;
        }
        final long now = System.nanoTime();
        if (now >= nextReapNs)
        {
            nextReapNs = now + REAP_INTERVAL_NS;
            work += reapIdle(now);
        }
        return work;
    }

    public long coldStarts()
    {
        return coldStarts.get();
    }

    public long warmStarts()
    {
        return warmStarts.get();
    }

    public long evictions()
    {
        return evictions.get();
    }

    /** Owner thread: containers alive, for tests and metrics. */
    public int liveContainers()
    {
        return live.size();
    }

    private PooledContainer takeIdle(final ContainerKey key)
    {
        final ArrayDeque<PooledContainer> q = idle.get(key);
        if (q == null)
        {
            return null;
        }
        final PooledContainer c = q.pollLast();
        if (q.isEmpty())
        {
            idle.remove(key);
        }
        if (c != null)
        {
            c.state = PooledContainer.State.BUSY;
        }
        return c;
    }

    private boolean tryStartFor(final Job job)
    {
        final int memoryMb = job.limits().memory();
        while (memoryUsedMb + memoryMb > config.memoryBudgetMb())
        {
            if (!evictLeastRecentlyUsed())
            {
                return false;
            }
        }
        memoryUsedMb += memoryMb;
        coldStarts.incrementAndGet();
        final PooledContainer c = new PooledContainer(nextSeq++, job.key());
        live.add(c);
        dockerExecutor.execute(() -> provision(c, job));
        return true;
    }

    private boolean evictLeastRecentlyUsed()
    {
        PooledContainer oldest = null;
        for (final ArrayDeque<PooledContainer> q : idle.values())
        {
            final PooledContainer first = q.peekFirst();
            if (first != null && (oldest == null || first.lastUsedNs < oldest.lastUsedNs))
            {
                oldest = first;
            }
        }
        if (oldest == null)
        {
            return false;
        }
        removeIdle(oldest);
        evictions.incrementAndGet();
        return true;
    }

    private void removeIdle(final PooledContainer c)
    {
        final ArrayDeque<PooledContainer> q = idle.get(c.key);
        if (q != null)
        {
            q.remove(c);
            if (q.isEmpty())
            {
                idle.remove(c.key);
            }
        }
        destroy(c);
    }

    private int reapIdle(final long nowNs)
    {
        final long cutoff = nowNs - TimeUnit.MILLISECONDS.toNanos(config.idleTimeoutMs());
        final List<PooledContainer> stale = new ArrayList<>();
        for (final ArrayDeque<PooledContainer> q : idle.values())
        {
            for (final PooledContainer c : q)
            {
                if (c.lastUsedNs < cutoff)
                {
                    stale.add(c);
                }
            }
        }
        for (final PooledContainer c : stale)
        {
            removeIdle(c);
        }
        return stale.size();
    }

    /** Docker executor: fetch the code and start the container, then connect and initialize on the event loop. */
    private void provision(final PooledContainer c, final Job job)
    {
        final long initStartMs = System.currentTimeMillis();
        final ActionCode code;
        final StartedContainer started;
        try
        {
            code = codeSource.fetch(job.actionPath(), job.version(), job.revision());
            if (code == null)
            {
                commands.offer(() -> onProvisionFailed(c, job, Messages.PROVISION_FAILED));
                return;
            }
            started = driver.start(specFor(c, job, code));
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("event=container-start-failed action={} activationId={}", job.actionPath(),
                job.activationId(), ex);
            commands.offer(() -> onProvisionFailed(c, job, Messages.PROVISION_FAILED));
            return;
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(job.limits().timeout());
        client.connect(new InetSocketAddress(started.ip(), PORT), deadlineNs,
            connection -> commands.offer(() -> onConnected(c, job, code, started, connection, initStartMs)),
            cause -> commands.offer(() ->
            {
                c.docker = started;
                onInitFailed(c, job, RunResults.errorJson(Messages.ABNORMAL_INIT), initStartMs, false);
            }));
    }

    private ContainerSpec specFor(final PooledContainer c, final Job job, final ActionCode code)
    {
        final List<String> env = new ArrayList<>(2);
        env.add("__OW_API_HOST=" + config.apiHost());
        if (job.limits().concurrency() > 1)
        {
            env.add("__OW_ALLOW_CONCURRENT=true");
        }
        return new ContainerSpec(code.image(), "whisk_" + config.invokerLabel() + "_" + c.seq,
            job.limits().memory(), env, config.invokerLabel(), job.actionPath());
    }

    private void onProvisionFailed(final PooledContainer c, final Job job, final String message)
    {
        live.remove(c);
        memoryUsedMb -= c.key.memoryMb();
        fail(job, ActivationStatus.WHISK_ERROR, message, System.currentTimeMillis());
        drainWaiting();
    }

    private void onConnected(final PooledContainer c, final Job job, final ActionCode code,
        final StartedContainer started, final RuntimeConnection connection, final long initStartMs)
    {
        c.docker = started;
        c.connection = connection;
        if (closed)
        {
            destroy(c);
            return;
        }
        final byte[] body = initBody(job, code);
        connection.post("/init", body, job.limits().timeout(), new ResponseCallback()
        {
            @Override
            public void onResponse(final int status, final byte[] response)
            {
                commands.offer(() ->
                {
                    if (status == 200)
                    {
                        run(c, job, (int)(System.currentTimeMillis() - initStartMs), initStartMs);
                    }
                    else
                    {
                        onInitFailed(c, job, RunResults.initFailure(response), initStartMs, false);
                    }
                });
            }

            @Override
            public void onFailure(final Throwable cause, final boolean timedOut)
            {
                commands.offer(() -> onInitFailed(c, job, RunResults.errorJson(timedOut ?
                    String.format(Messages.TIMED_OUT_INIT, job.limits().timeout()) : Messages.ABNORMAL_INIT),
                    initStartMs, timedOut));
            }
        });
    }

    private void onInitFailed(final PooledContainer c, final Job job, final byte[] error, final long startMs,
        final boolean timedOut)
    {
        final RunOutcome outcome = new RunOutcome(ActivationStatus.DEVELOPER_ERROR, error, startMs,
            System.currentTimeMillis(), (int)(System.currentTimeMillis() - startMs), timedOut);
        c.state = PooledContainer.State.BUSY;
        finish(c, job, outcome, false);
    }

    /**
     * Owner thread: sends {@code /run}.
     *
     * @param initTimeMs -1 for a warm container.
     * @param startMs    the start of the activation: the start of init when cold.
     */
    private void run(final PooledContainer c, final Job job, final int initTimeMs, final long startMs)
    {
        c.state = PooledContainer.State.BUSY;
        final long runStartMs = System.currentTimeMillis();
        final long deadlineMs = runStartMs + job.limits().timeout();
        c.connection.post("/run", runBody(job, deadlineMs), job.limits().timeout(), new ResponseCallback()
        {
            @Override
            public void onResponse(final int status, final byte[] body)
            {
                final long endMs = System.currentTimeMillis();
                commands.offer(() ->
                {
                    final RunResults.Classified r = RunResults.classifyRun(status, body);
                    final RunOutcome outcome = new RunOutcome(r.status(), r.result(), startMs, endMs, initTimeMs,
                        false);
                    finish(c, job, outcome, r.status() != ActivationStatus.DEVELOPER_ERROR);
                });
            }

            @Override
            public void onFailure(final Throwable cause, final boolean timedOut)
            {
                final long endMs = System.currentTimeMillis();
                if (timedOut)
                {
                    commands.offer(() -> onRunAborted(c, job, startMs, endMs, initTimeMs,
                        String.format(Messages.TIMED_OUT_RUN, job.limits().timeout()), true));
                }
                else
                {
                    dockerExecutor.execute(() ->
                    {
                        final String message = driver.wasOomKilled(c.docker.id()) ?
                            Messages.MEMORY_EXHAUSTED : Messages.ABNORMAL_RUN;
                        commands.offer(() -> onRunAborted(c, job, startMs, endMs, initTimeMs, message, false));
                    });
                }
            }
        });
    }

    private void onRunAborted(final PooledContainer c, final Job job, final long startMs, final long endMs,
        final int initTimeMs, final String message, final boolean timedOut)
    {
        finish(c, job, new RunOutcome(ActivationStatus.DEVELOPER_ERROR, RunResults.errorJson(message), startMs,
            endMs, initTimeMs, timedOut), false);
    }

    /**
     * Owner thread: a run ended. Its result goes out at once; the container goes back to work at once (or is
     * destroyed after a developer error, as OpenWhisk does); its logs are read behind, in run order.
     */
    private void finish(final PooledContainer c, final Job job, final RunOutcome outcome, final boolean keep)
    {
        listener.onResult(job, outcome);
        if (c.docker == null)
        {
            listener.onCompleted(job, outcome, List.of());
            destroy(c);
        }
        else
        {
            c.pendingLogs.addLast(new PooledContainer.PendingLogs(job, outcome));
            if (!c.collecting)
            {
                collectNextLogs(c);
            }
            if (keep && !closed && c.connection.isOpen())
            {
                release(c);
            }
            else
            {
                destroy(c);
            }
        }
        drainWaiting();
    }

    /** Owner thread: reads the logs of the oldest finished run of {@code c} on the executor. */
    private void collectNextLogs(final PooledContainer c)
    {
        final PooledContainer.PendingLogs next = c.pendingLogs.pollFirst();
        if (next == null)
        {
            c.collecting = false;
            if (c.removeAfterLogs)
            {
                removeFromEngine(c);
            }
            return;
        }
        c.collecting = true;
        final Path file = Path.of(c.docker.logPath());
        final long offset = c.logOffset;
        final boolean ranToEnd = next.outcome().status() != ActivationStatus.DEVELOPER_ERROR;
        final long waitNs = TimeUnit.MILLISECONDS.toNanos(ranToEnd ? config.logWaitMs() : config.logWaitMs() / 4);
        final boolean sentinels = c.sentinels;
        dockerExecutor.execute(() ->
        {
            final CollectedLogs logs = LogCollector.collect(file, offset, next.job().limits().logBytes(), waitNs,
                sentinels);
            commands.offer(() ->
            {
                c.logOffset = logs.nextOffset();
                listener.onCompleted(next.job(), next.outcome(), logs.lines());
                collectNextLogs(c);
            });
        });
    }

    private void release(final PooledContainer c)
    {
        c.lastUsedNs = System.nanoTime();
        for (final java.util.Iterator<Job> it = waiting.iterator(); it.hasNext(); )
        {
            final Job next = it.next();
            if (next.key().equals(c.key))
            {
                it.remove();
                warmStarts.incrementAndGet();
                run(c, next, -1, System.currentTimeMillis());
                return;
            }
        }
        c.state = PooledContainer.State.IDLE;
        idle.computeIfAbsent(c.key, k -> new ArrayDeque<>()).addLast(c);
    }

    private void drainWaiting()
    {
        while (!waiting.isEmpty())
        {
            final Job next = waiting.peekFirst();
            final PooledContainer warm = takeIdle(next.key());
            if (warm != null)
            {
                waiting.pollFirst();
                warmStarts.incrementAndGet();
                run(warm, next, -1, System.currentTimeMillis());
            }
            else if (tryStartFor(next))
            {
                waiting.pollFirst();
            }
            else
            {
                return;
            }
        }
    }

    private void destroy(final PooledContainer c)
    {
        if (c.state == PooledContainer.State.REMOVING)
        {
            return;
        }
        c.state = PooledContainer.State.REMOVING;
        live.remove(c);
        memoryUsedMb -= c.key.memoryMb();
        if (c.connection != null)
        {
            c.connection.close();
        }
        if (c.collecting)
        {
            c.removeAfterLogs = true;
        }
        else
        {
            removeFromEngine(c);
        }
    }

    private void removeFromEngine(final PooledContainer c)
    {
        if (c.docker == null)
        {
            return;
        }
        final String id = c.docker.id();
        dockerExecutor.execute(() ->
        {
            try
            {
                driver.remove(id);
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("event=container-remove-failed container={}", id, ex);
            }
        });
    }

    private void fail(final Job job, final ActivationStatus status, final String message, final long nowMs)
    {
        final RunOutcome outcome = new RunOutcome(status, RunResults.errorJson(message), nowMs, nowMs, -1, false);
        listener.onResult(job, outcome);
        listener.onCompleted(job, outcome, List.of());
    }

    private byte[] initBody(final Job job, final ActionCode code)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256 + (code.code() == null ? 0 :
            code.code().length()));
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out))
        {
            g.writeStartObject();
            g.writeObjectFieldStart("value");
            g.writeStringField("name", job.actionPath().substring(job.actionPath().lastIndexOf('/') + 1));
            g.writeStringField("main", code.main() == null ? "main" : code.main());
            g.writeStringField("code", code.code() == null ? "" : code.code());
            g.writeBooleanField("binary", code.binary());
            g.writeObjectFieldStart("env");
            for (final Map.Entry<String, String> e : code.initEnv().entrySet())
            {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeStringField("__OW_NAMESPACE", job.namespace());
            g.writeStringField("__OW_ACTION_NAME", "/" + job.actionPath());
            g.writeStringField("__OW_ACTION_VERSION", job.version());
            g.writeStringField("__OW_ACTIVATION_ID", job.activationId());
            g.writeStringField("__OW_TRANSACTION_ID", job.activationId());
            g.writeStringField("__OW_DEADLINE", Long.toString(System.currentTimeMillis() + job.limits().timeout()));
            if (job.apiKey() != null)
            {
                g.writeStringField("__OW_API_KEY", job.apiKey());
            }
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    private static byte[] runBody(final Job job, final long deadlineMs)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256 + job.params().length);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out))
        {
            g.writeStartObject();
            g.writeFieldName("value");
            g.writeRawValue(new String(job.params(), java.nio.charset.StandardCharsets.UTF_8));
            g.writeStringField("namespace", job.namespace());
            g.writeStringField("action_name", "/" + job.actionPath());
            g.writeStringField("action_version", job.version());
            g.writeStringField("activation_id", job.activationId());
            g.writeStringField("transaction_id", job.activationId());
            g.writeStringField("deadline", Long.toString(deadlineMs));
            if (job.apiKey() != null)
            {
                g.writeStringField("api_key", job.apiKey());
            }
            g.writeEndObject();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    /** Removes every container of this invoker and stops the pool's threads. Idempotent. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        dockerExecutor.shutdown();
        try
        {
            if (!dockerExecutor.awaitTermination(10, TimeUnit.SECONDS))
            {
                dockerExecutor.shutdownNow();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        try
        {
            final int removed = driver.removeAll(config.invokerLabel());
            LOG.info("event=pool-closed invoker={} containersRemoved={}", config.invokerLabel(), removed);
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("event=pool-cleanup-failed invoker={}", config.invokerLabel(), ex);
        }
        client.close();
        driver.close();
    }
}
