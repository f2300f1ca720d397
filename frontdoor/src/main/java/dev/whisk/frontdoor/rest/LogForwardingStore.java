package dev.whisk.frontdoor.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each namespace's log forwarding destination, {@code {"<destination>":{...settings}}}, in one durable file
 * ({@code logforwarding.json}: temporary file, forced, renamed). A namespace without an entry uses the platform's
 * own store. Reads are lock-free; {@link #set} writes the whole file before it returns (settings change rarely).
 * Thread-safe.
 */
public final class LogForwardingStore
{
    private static final String FILE_NAME = "logforwarding.json";

    private final Path file;
    private final Map<String, ObjectNode> settings = new ConcurrentHashMap<>();

    private LogForwardingStore(final Path file)
    {
        this.file = file;
    }

    /** Opens (creating when absent) the store in {@code dir}. */
    public static LogForwardingStore open(final Path dir)
    {
        try
        {
            Files.createDirectories(dir);
            final LogForwardingStore store = new LogForwardingStore(dir.resolve(FILE_NAME));
            if (Files.exists(store.file))
            {
                final JsonNode all = Json.MAPPER.readTree(Files.readAllBytes(store.file));
                for (final Iterator<Map.Entry<String, JsonNode>> it = all.fields(); it.hasNext(); )
                {
                    final Map.Entry<String, JsonNode> e = it.next();
                    store.settings.put(e.getKey(), (ObjectNode)e.getValue());
                }
            }
            return store;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open log forwarding store in " + dir, ex);
        }
    }

    /** The namespace's settings, or {@code null} for the platform's own store. */
    public ObjectNode get(final String namespace)
    {
        return settings.get(namespace);
    }

    /** Every namespace with a destination of its own. */
    public Map<String, ObjectNode> all()
    {
        return Map.copyOf(settings);
    }

    /** Sets {@code namespace}'s destination ({@code null}: back to the platform's store), durably. */
    public synchronized void set(final String namespace, final ObjectNode value)
    {
        if (value == null)
        {
            settings.remove(namespace);
        }
        else
        {
            settings.put(namespace, value.deepCopy());
        }
        final ObjectNode doc = Json.MAPPER.createObjectNode();
        settings.forEach(doc::set);
        final Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            final ByteBuffer buf = ByteBuffer.wrap(doc.toString().getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining())
            {
                ch.write(buf);
            }
            ch.force(true);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + file, ex);
        }
    }
}
