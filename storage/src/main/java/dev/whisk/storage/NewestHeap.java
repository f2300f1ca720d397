package dev.whisk.storage;

/**
 * Keeps the {@code capacity} newest of the entries offered to it, where newer means a later start, and among equal
 * starts a later append (higher sequence). A min-heap on that order: its root is the oldest entry kept, the one to
 * evict. Owned by one query; not thread-safe.
 */
final class NewestHeap
{
    private final long[] startsMs;
    private final int[] sequences;
    private int size;

    NewestHeap(final int capacity)
    {
        startsMs = new long[capacity];
        sequences = new int[capacity];
    }

    boolean isFull()
    {
        return size == startsMs.length;
    }

    /** The start of the oldest entry kept; only when not empty. */
    long oldestStartMs()
    {
        return startsMs[0];
    }

    void offer(final long startMs, final int sequence)
    {
        if (size < startsMs.length)
        {
            int at = size++;
            while (at > 0)
            {
                final int parent = (at - 1) >>> 1;
                if (!isOlder(startMs, sequence, startsMs[parent], sequences[parent]))
                {
                    break;
                }
                startsMs[at] = startsMs[parent];
                sequences[at] = sequences[parent];
                at = parent;
            }
            startsMs[at] = startMs;
            sequences[at] = sequence;
        }
        else if (size > 0 && isOlder(startsMs[0], sequences[0], startMs, sequence))
        {
            replaceRoot(startMs, sequence);
        }
    }

    /** Empties the heap into sequences ordered newest first. */
    int[] drainNewestFirst()
    {
        final int[] out = new int[size];
        for (int i = size - 1; i >= 0; i--)
        {
            out[i] = sequences[0];
            final int last = --size;
            if (last > 0)
            {
                final long lastStartMs = startsMs[last];
                final int lastSequence = sequences[last];
                replaceRoot(lastStartMs, lastSequence);
            }
        }
        return out;
    }

    private void replaceRoot(final long startMs, final int sequence)
    {
        int at = 0;
        while (true)
        {
            final int left = 2 * at + 1;
            if (left >= size)
            {
                break;
            }
            final int right = left + 1;
            final int older = right < size && isOlder(startsMs[right], sequences[right], startsMs[left],
                sequences[left]) ? right : left;
            if (!isOlder(startsMs[older], sequences[older], startMs, sequence))
            {
                break;
            }
            startsMs[at] = startsMs[older];
            sequences[at] = sequences[older];
            at = older;
        }
        startsMs[at] = startMs;
        sequences[at] = sequence;
    }

    static boolean isOlder(final long aStartMs, final int aSequence, final long bStartMs, final int bSequence)
    {
        return aStartMs < bStartMs || (aStartMs == bStartMs && aSequence < bSequence);
    }
}
