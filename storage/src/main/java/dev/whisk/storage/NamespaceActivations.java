package dev.whisk.storage;

import java.util.Arrays;
import java.util.HashMap;

/**
 * The activations of one namespace in append order: for each, its start, its path and its log position, in chunks of
 * {@value #CHUNK_LENGTH} that are never moved once written.
 * <p>
 * Threads: {@link #add} from the single writer only; queries from any thread. The writer fills an entry, then
 * publishes it by the volatile write of {@code count}; a reader reads {@code count} first and looks only below it,
 * so it sees complete entries. A new chunk array is published before the count that needs it.
 * <p>
 * Ordering: records arrive in completion order, which is close to but not exactly start order. Each chunk keeps the
 * largest start in it and every older chunk; a query walks chunks newest first and stops as soon as no older entry
 * can still make the page. Example: page of 2, chunks (oldest first) with starts [5, 9], [8, 12], [11, 13]: the
 * newest chunk gives 13 and 11; the middle one gives 12, evicting 11; the oldest chunk's running max is 9 &lt; 12, so
 * the walk stops with 13, 12.
 */
final class NamespaceActivations
{
    static final int CHUNK_SHIFT = 10;
    static final int CHUNK_LENGTH = 1 << CHUNK_SHIFT;
    private static final int CHUNK_MASK = CHUNK_LENGTH - 1;
    private static final int INITIAL_CHUNKS = 4;

    private final HashMap<String, String> internedPaths = new HashMap<>();
    private volatile Chunk[] chunks = new Chunk[INITIAL_CHUNKS];
    private volatile int count;
    private long maxStartMs = Long.MIN_VALUE;
    private int firstLiveChunk;

    /** Writer thread only. */
    void add(final long startMs, final String path, final long position)
    {
        final int sequence = count;
        if (sequence == Integer.MAX_VALUE)
        {
            throw new IllegalStateException("namespace index is full at " + sequence + " activations");
        }
        final int chunkIndex = sequence >>> CHUNK_SHIFT;
        Chunk[] current = chunks;
        if (chunkIndex == current.length)
        {
            current = Arrays.copyOf(current, current.length * 2);
            chunks = current;
        }
        Chunk chunk = current[chunkIndex];
        if (chunk == null)
        {
            chunk = new Chunk();
            current[chunkIndex] = chunk;
        }
        final int slot = sequence & CHUNK_MASK;
        chunk.startsMs[slot] = startMs;
        chunk.positions[slot] = position;
        chunk.paths[slot] = path == null ? null : internedPaths.computeIfAbsent(path, p -> p);
        maxStartMs = Math.max(maxStartMs, startMs);
        chunk.maxStartMsSoFar = maxStartMs;
        count = sequence + 1;
    }

    /**
     * Log positions of the records the query selects, newest start first, after skip and limit, ignoring records
     * below {@code minPosition} (dropped by retention; positions grow in append order, so they are the oldest).
     */
    long[] select(final ActivationQuery query, final long minPosition)
    {
        final int visible = count;
        final Chunk[] current = chunks;
        final long wanted = Math.min((long)query.skip() + query.limit(), visible);
        if (query.limit() == 0 || wanted <= query.skip())
        {
            return new long[0];
        }

        final NewestHeap heap = new NewestHeap((int)wanted);
        for (int chunkIndex = (visible - 1) >>> CHUNK_SHIFT; chunkIndex >= 0; chunkIndex--)
        {
            final Chunk chunk = current[chunkIndex];
            if (chunk == null)
            {
                break;
            }
            final long maxStartMs = chunk.maxStartMsSoFar;
            if (maxStartMs < query.sinceMs() || (heap.isFull() && maxStartMs <= heap.oldestStartMs()))
            {
                break;
            }
            final int base = chunkIndex << CHUNK_SHIFT;
            for (int slot = Math.min(CHUNK_LENGTH, visible - base) - 1; slot >= 0; slot--)
            {
                if (chunk.positions[slot] < minPosition)
                {
                    break;
                }
                final long startMs = chunk.startsMs[slot];
                if (matches(query, startMs, chunk.paths[slot]))
                {
                    heap.offer(startMs, base + slot);
                }
            }
        }

        final int[] sequences = heap.drainNewestFirst();
        final int from = Math.min(query.skip(), sequences.length);
        final long[] positions = new long[sequences.length - from];
        for (int i = from; i < sequences.length; i++)
        {
            final int sequence = sequences[i];
            positions[i - from] = current[sequence >>> CHUNK_SHIFT].positions[sequence & CHUNK_MASK];
        }
        return positions;
    }

    /** How many records at or above {@code minPosition} match the query's filters. */
    int count(final ActivationQuery query, final long minPosition)
    {
        final int visible = count;
        final Chunk[] current = chunks;
        int matched = 0;
        if (visible == 0)
        {
            return matched;
        }
        for (int chunkIndex = (visible - 1) >>> CHUNK_SHIFT; chunkIndex >= 0; chunkIndex--)
        {
            final Chunk chunk = current[chunkIndex];
            if (chunk == null || chunk.maxStartMsSoFar < query.sinceMs())
            {
                break;
            }
            final int base = chunkIndex << CHUNK_SHIFT;
            for (int slot = Math.min(CHUNK_LENGTH, visible - base) - 1; slot >= 0; slot--)
            {
                if (chunk.positions[slot] < minPosition)
                {
                    return matched;
                }
                if (matches(query, chunk.startsMs[slot], chunk.paths[slot]))
                {
                    matched++;
                }
            }
        }
        return matched;
    }

    int size()
    {
        return count;
    }

    /**
     * Writer thread only: frees the full chunks whose every record lies below {@code minPosition}. A reader that meets
     * a freed chunk stops there, as it would at the floor.
     */
    void trim(final long minPosition)
    {
        final int visible = count;
        final Chunk[] current = chunks;
        final int fullChunks = visible >>> CHUNK_SHIFT;
        for (int chunkIndex = firstLiveChunk; chunkIndex < fullChunks; chunkIndex++)
        {
            final Chunk chunk = current[chunkIndex];
            if (chunk.positions[CHUNK_LENGTH - 1] >= minPosition)
            {
                return;
            }
            current[chunkIndex] = null;
            firstLiveChunk = chunkIndex + 1;
        }
    }

    private static boolean matches(final ActivationQuery query, final long startMs, final String path)
    {
        return startMs >= query.sinceMs() && startMs <= query.uptoMs() &&
            (query.name() == null || isNamed(path, query.name()));
    }

    /** Whether {@code path} minus its first segment is {@code name}: {@code guest/demo/hello} is {@code demo/hello}. */
    static boolean isNamed(final String path, final String name)
    {
        if (path == null)
        {
            return false;
        }
        final int slash = path.indexOf('/');
        final int length = path.length() - slash - 1;
        return slash >= 0 && length == name.length() && path.regionMatches(slash + 1, name, 0, length);
    }

    private static final class Chunk
    {
        final long[] startsMs = new long[CHUNK_LENGTH];
        final long[] positions = new long[CHUNK_LENGTH];
        final String[] paths = new String[CHUNK_LENGTH];
        /** The largest start in this chunk and every older one, as far as the writer has filled it. */
        volatile long maxStartMsSoFar = Long.MIN_VALUE;
    }
}
