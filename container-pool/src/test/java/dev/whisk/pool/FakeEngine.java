package dev.whisk.pool;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.whisk.core.json.Json;
import dev.whisk.pool.docker.ContainerSpec;
import dev.whisk.pool.docker.StartedContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A container engine without Docker, for fast tests of the pool's decisions. Each "container" is an HTTP server on
 * 127.0.0.1 that speaks the runtime protocol with in-band logs: {@code /init} takes code of the form
 * {@code sleep:<ms>}, and each {@code /run} then waits that long and answers {@code {"container": <id>, "run": n}}
 * followed by one log line. A start takes {@code startMs}, one at a time per engine thread, as a real engine's CPU-bound
 * starts do. Counts starts, runs per container, pauses and removals.
 */
final class FakeEngine implements ContainerEngine
{
    /** How long a start takes, ms; read as each start begins. */
    volatile int startMs;
    final AtomicInteger starts = new AtomicInteger();
    final AtomicInteger startsUnderWay = new AtomicInteger();
    final AtomicInteger mostStartsAtOnce = new AtomicInteger();
    final AtomicInteger pauses = new AtomicInteger();
    final AtomicInteger unpauses = new AtomicInteger();
    final AtomicInteger removals = new AtomicInteger();
    final Map<String, Container> containers = new ConcurrentHashMap<>();
    /** Containers the engine refuses to remove, as a wedged Docker daemon might. */
    final java.util.Set<String> stuck = ConcurrentHashMap.newKeySet();
    private final AtomicInteger seq = new AtomicInteger();
    private final ExecutorService handlers = Executors.newCachedThreadPool(r ->
    {
        final Thread t = new Thread(r, "fake-runtime");
        t.setDaemon(true);
        return t;
    });
    private final Path logDir;

    static final class Container
    {
        final String id;
        final String label;
        final HttpServer server;
        final AtomicInteger runs = new AtomicInteger();
        volatile int sleepMs;
        volatile boolean paused;

        Container(final String id, final String label, final HttpServer server)
        {
            this.id = id;
            this.label = label;
            this.server = server;
        }
    }

    FakeEngine(final int startMs)
    {
        this.startMs = startMs;
        try
        {
            this.logDir = Files.createTempDirectory("fake-engine");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Live containers and how many runs each served. */
    List<Integer> runsPerContainer()
    {
        final List<Integer> runs = new ArrayList<>();
        for (final Container c : containers.values())
        {
            runs.add(c.runs.get());
        }
        return runs;
    }

    @Override
    public boolean isReachable()
    {
        return true;
    }

    @Override
    public String ensureNetwork()
    {
        return "127.0.0.1";
    }

    @Override
    public boolean hasImage(final String image)
    {
        return true;
    }

    @Override
    public String imageLabel(final String image, final String label)
    {
        return LogCollection.INLINE_LOGS_LABEL.equals(label) ? "fake-proxy" : null;
    }

    @Override
    public StartedContainer start(final ContainerSpec spec)
    {
        final int underWay = startsUnderWay.incrementAndGet();
        mostStartsAtOnce.accumulateAndGet(underWay, Math::max);
        try
        {
            Thread.sleep(startMs);
            final String id = "fake-" + seq.incrementAndGet();
            final HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            final Container c = new Container(id, spec.invokerLabel(), server);
            server.createContext("/", exchange -> handle(c, exchange));
            server.setExecutor(handlers);
            server.start();
            containers.put(id, c);
            starts.incrementAndGet();
            final Path log = logDir.resolve(id + ".log");
            Files.createFile(log);
            return new StartedContainer(id, "127.0.0.1", log.toString(), spec.image(),
                server.getAddress().getPort());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
        finally
        {
            startsUnderWay.decrementAndGet();
        }
    }

    private void handle(final Container c, final HttpExchange exchange) throws IOException
    {
        final byte[] request = exchange.getRequestBody().readAllBytes();
        final String path = exchange.getRequestURI().getPath();
        byte[] result = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
        byte[] logs = new byte[0];
        if ("/init".equals(path))
        {
            final JsonNode value = Json.MAPPER.readTree(request).path("value");
            final String code = value.path("code").asText("sleep:0");
            c.sleepMs = code.startsWith("sleep:") ? Integer.parseInt(code.substring(6).trim()) : 0;
        }
        else if ("/run".equals(path))
        {
            if (c.paused)
            {
                throw new IllegalStateException("a paused container was called");
            }
            final int run = c.runs.incrementAndGet();
            try
            {
                Thread.sleep(c.sleepMs);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            result = ("{\"container\":\"" + c.id + "\",\"run\":" + run + "}").getBytes(StandardCharsets.UTF_8);
            logs = ("run " + run + " on " + c.id + "\n").getBytes(StandardCharsets.UTF_8);
        }
        final byte[] body = new byte[result.length + logs.length];
        System.arraycopy(result, 0, body, 0, result.length);
        System.arraycopy(logs, 0, body, result.length, logs.length);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("x-whisk-result-length", Integer.toString(result.length));
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Override
    public Path freezeFile(final String id)
    {
        return null;
    }

    @Override
    public void pause(final String id)
    {
        final Container c = containers.get(id);
        if (c != null)
        {
            c.paused = true;
            pauses.incrementAndGet();
        }
    }

    @Override
    public void unpause(final String id)
    {
        final Container c = containers.get(id);
        if (c != null)
        {
            c.paused = false;
            unpauses.incrementAndGet();
        }
    }

    @Override
    public void remove(final String id)
    {
        if (stuck.contains(id))
        {
            throw new IllegalStateException("container " + id + " is stuck");
        }
        final Container c = containers.remove(id);
        if (c != null)
        {
            c.server.stop(0);
            removals.incrementAndGet();
        }
    }

    @Override
    public boolean wasOomKilled(final String id, final long waitMs)
    {
        return false;
    }

    @Override
    public int removeAll(final String invokerLabel, final long timeoutMs)
    {
        int removed = 0;
        for (final Container c : List.copyOf(containers.values()))
        {
            if (invokerLabel.equals(c.label) && !stuck.contains(c.id))
            {
                remove(c.id);
                removed++;
            }
        }
        return removed;
    }

    @Override
    public List<String> containerIds(final String invokerLabel)
    {
        final List<String> ids = new ArrayList<>();
        for (final Container c : containers.values())
        {
            if (invokerLabel.equals(c.label))
            {
                ids.add(c.id);
            }
        }
        return ids;
    }

    @Override
    public int removeAll(final String invokerLabel)
    {
        return removeAll(invokerLabel, Long.MAX_VALUE);
    }

    @Override
    public void close()
    {
        handlers.shutdownNow();
    }
}
