package dev.whisk.frontdoor.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The API gateway's routes, one durable file ({@code routes.json}) in its directory. Reads are served from an
 * immutable snapshot (one volatile read, no lock) so the served path never waits on a management call; a change
 * builds a new snapshot under the lock and is written by one writer thread (temporary file, forced, renamed over the
 * old one), its future completing once the file is durable. A route belongs to the namespace that created it.
 * Thread-safe.
 */
public final class RouteStore implements AutoCloseable
{
    private static final String FILE_NAME = "routes.json";

    /**
     * One served verb of one path.
     *
     * @param namespace       the owner, who created it, and in whose name its action runs.
     * @param basepath        starts with {@code /}; {@code /} alone for the root.
     * @param relpath         starts with {@code /}; {@code {name}} segments are path parameters.
     * @param verb            upper case, as the request's method.
     * @param apiName         the API's name ({@code basepath} when none was given).
     * @param actionPackage   {@code null} for the default package.
     * @param responseType    the web action extension: json, http, text, svg or html.
     */
    public record Route(String namespace, String basepath, String relpath, String verb, String apiName,
                        String actionPackage, String actionName, String responseType)
    {
        /** The relpath's segments, {@code {x}} kept as written. */
        String[] relSegments()
        {
            return split(relpath);
        }

        String[] baseSegments()
        {
            return split(basepath);
        }

        static String[] split(final String path)
        {
            final List<String> out = new ArrayList<>();
            for (final String s : path.split("/"))
            {
                if (!s.isEmpty())
                {
                    out.add(s);
                }
            }
            return out.toArray(new String[0]);
        }
    }

    /** A route with its path split once, for matching. */
    record Compiled(Route route, String[] base, String[] rel)
    {
    }

    private final Path file;
    private final ExecutorService writer;
    private final Object lock = new Object();
    private volatile List<Compiled> routes;
    private volatile java.util.Map<String, List<Compiled>> byNamespace;

    private RouteStore(final Path dir, final List<Route> loaded)
    {
        this.file = dir.resolve(FILE_NAME);
        publish(loaded);
        this.writer = Executors.newSingleThreadExecutor(r ->
        {
            final Thread t = new Thread(r, "route-store-writer");
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens (creating when absent) the store in {@code dir}, reading the routes written before. */
    public static RouteStore open(final Path dir)
    {
        try
        {
            Files.createDirectories(dir);
            final Path f = dir.resolve(FILE_NAME);
            final List<Route> loaded = new ArrayList<>();
            if (Files.exists(f))
            {
                for (final JsonNode n : Json.MAPPER.readTree(Files.readAllBytes(f)).path("routes"))
                {
                    loaded.add(Json.MAPPER.treeToValue(n, Route.class));
                }
            }
            return new RouteStore(dir, loaded);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open route store in " + dir, ex);
        }
    }

    /** Every route, in creation order. */
    public List<Route> all()
    {
        final List<Route> out = new ArrayList<>();
        for (final Compiled c : routes)
        {
            out.add(c.route());
        }
        return out;
    }

    /** The routes of {@code namespace}, in creation order. */
    public List<Route> of(final String namespace)
    {
        final List<Route> out = new ArrayList<>();
        for (final Compiled c : routes)
        {
            if (c.route().namespace().equals(namespace))
            {
                out.add(c.route());
            }
        }
        return out;
    }

    /** The routes of {@code namespace} split for matching; an empty list when it has none. Lock-free. */
    List<Compiled> compiledOf(final String namespace)
    {
        return byNamespace.getOrDefault(namespace, List.of());
    }

    private void publish(final List<Route> list)
    {
        final List<Compiled> all = compile(list);
        final java.util.Map<String, List<Compiled>> index = new java.util.HashMap<>();
        for (final Compiled c : all)
        {
            index.computeIfAbsent(c.route().namespace(), k -> new ArrayList<>()).add(c);
        }
        index.replaceAll((k, v) -> List.copyOf(v));
        byNamespace = java.util.Map.copyOf(index);
        routes = all;
    }

    /** Adds {@code route}, replacing one of the same namespace, basepath, relpath and verb; durable on completion. */
    public CompletableFuture<Void> put(final Route route)
    {
        synchronized (lock)
        {
            final List<Route> next = new ArrayList<>();
            boolean replaced = false;
            for (final Compiled c : routes)
            {
                final Route r = c.route();
                if (sameEndpoint(r, route))
                {
                    next.add(route);
                    replaced = true;
                }
                else
                {
                    next.add(r);
                }
            }
            if (!replaced)
            {
                next.add(route);
            }
            return commit(next);
        }
    }

    /** Removes the routes {@code filter} selects; answers how many, durable on completion. */
    public CompletableFuture<Integer> remove(final java.util.function.Predicate<Route> filter)
    {
        synchronized (lock)
        {
            final List<Route> next = new ArrayList<>();
            for (final Compiled c : routes)
            {
                if (!filter.test(c.route()))
                {
                    next.add(c.route());
                }
            }
            final int removed = routes.size() - next.size();
            if (removed == 0)
            {
                return CompletableFuture.completedFuture(0);
            }
            return commit(next).thenApply(v -> removed);
        }
    }

    private static boolean sameEndpoint(final Route a, final Route b)
    {
        return a.namespace().equals(b.namespace()) && a.basepath().equals(b.basepath()) &&
            a.relpath().equals(b.relpath()) && a.verb().equals(b.verb());
    }

    /** Called under the lock: publishes {@code next} and queues its write, in order with earlier writes. */
    private CompletableFuture<Void> commit(final List<Route> next)
    {
        publish(next);
        final ObjectNode doc = Json.MAPPER.createObjectNode();
        final ArrayNode arr = doc.putArray("routes");
        for (final Route r : next)
        {
            arr.add(Json.MAPPER.valueToTree(r));
        }
        final byte[] bytes = doc.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return CompletableFuture.runAsync(() -> write(bytes), writer);
    }

    private void write(final byte[] bytes)
    {
        final Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            final ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining())
            {
                ch.write(buf);
            }
            ch.force(true);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + tmp, ex);
        }
        try
        {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot rename " + tmp, ex);
        }
    }

    private static List<Compiled> compile(final List<Route> list)
    {
        final List<Compiled> out = new ArrayList<>(list.size());
        for (final Route r : list)
        {
            out.add(new Compiled(r, r.baseSegments(), r.relSegments()));
        }
        return List.copyOf(out);
    }

    @Override
    public void close()
    {
        writer.shutdown();
        try
        {
            writer.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
