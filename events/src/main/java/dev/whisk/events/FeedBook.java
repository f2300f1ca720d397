package dev.whisk.events;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The durable state of the event-source feeds under one directory: the feeds themselves in {@code feeds.json}
 * (rewritten atomically on every change, as the alarms are), and each trigger's dead letters, one JSON line each,
 * in {@code dead-letters/<hash>.jsonl}, forced before {@link #deadLetter} returns (the source's checkpoint moves past
 * a dead-lettered event only after that).
 *
 * <p>Threads: any (synchronized; feeds change rarely, and dead letters are the exception).
 */
final class FeedBook
{
    private static final String FILE = "feeds.json";

    private final Path file;
    private final Path deadDir;
    private final Map<String, FeedRecord> feeds = new HashMap<>();
    private final Map<String, Long> deadCounts = new HashMap<>();

    FeedBook(final Path dir)
    {
        try
        {
            Files.createDirectories(dir);
            this.file = dir.resolve(FILE);
            this.deadDir = Files.createDirectories(dir.resolve("dead-letters"));
            if (Files.exists(file))
            {
                for (final FeedRecord r : Json.MAPPER.readValue(file.toFile(),
                    new TypeReference<List<FeedRecord>>()
                    {
                    }))
                {
                    feeds.put(r.trigger(), r);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("could not read the feeds under " + dir, ex);
        }
    }

    synchronized List<FeedRecord> all()
    {
        return new ArrayList<>(feeds.values());
    }

    synchronized FeedRecord get(final String trigger)
    {
        return feeds.get(trigger);
    }

    synchronized void put(final FeedRecord r)
    {
        feeds.put(r.trigger(), r);
        persist();
    }

    /** Forgets the feed of {@code trigger} and its dead letters. */
    synchronized void remove(final String trigger)
    {
        if (feeds.remove(trigger) != null)
        {
            persist();
        }
        deadCounts.remove(trigger);
        try
        {
            Files.deleteIfExists(deadFile(trigger));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("could not remove the dead letters of " + trigger, ex);
        }
    }

    /** Appends {@code letter} to the dead letters of {@code trigger} and forces it to disk. */
    synchronized void deadLetter(final String trigger, final ObjectNode letter)
    {
        final Path f = deadFile(trigger);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND))
        {
            ch.write(java.nio.ByteBuffer.wrap((letter.toString() + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.force(false);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("could not store a dead letter of " + trigger + " in " + f, ex);
        }
        deadCounts.merge(trigger, 1L, Long::sum);
    }

    synchronized long deadLetterCount(final String trigger)
    {
        final Long known = deadCounts.get(trigger);
        if (known != null)
        {
            return known;
        }
        final long n = readLines(trigger, Integer.MAX_VALUE).size();
        deadCounts.put(trigger, n);
        return n;
    }

    /** The newest {@code limit} dead letters of {@code trigger}, oldest first. */
    synchronized ArrayNode deadLetters(final String trigger, final int limit)
    {
        final ArrayNode out = Json.MAPPER.createArrayNode();
        for (final String line : readLines(trigger, limit))
        {
            try
            {
                out.add(Json.MAPPER.readTree(line));
            }
            catch (final IOException torn)
            {
                // a line cut by a crash while it was appended: it was never acknowledged, so its event is redelivered
            }
        }
        return out;
    }

    private List<String> readLines(final String trigger, final int limit)
    {
        final Path f = deadFile(trigger);
        if (!Files.exists(f))
        {
            return List.of();
        }
        try
        {
            final Deque<String> newest = new ArrayDeque<>();
            for (final String line : Files.readAllLines(f, StandardCharsets.UTF_8))
            {
                if (!line.isBlank())
                {
                    newest.addLast(line);
                    if (newest.size() > limit)
                    {
                        newest.removeFirst();
                    }
                }
            }
            return new ArrayList<>(newest);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("could not read the dead letters in " + f, ex);
        }
    }

    private Path deadFile(final String trigger)
    {
        return deadDir.resolve(HexFormat.of().formatHex(trigger.getBytes(StandardCharsets.UTF_8)) + ".jsonl");
    }

    private void persist()
    {
        final Path tmp = file.resolveSibling(FILE + ".tmp");
        try
        {
            Files.write(tmp, Json.MAPPER.writeValueAsBytes(new ArrayList<>(feeds.values())));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE))
            {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("could not store the feeds in " + file, ex);
        }
    }
}
