package dev.whisk.storage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Activation id to log position, as an open-addressing hash table over primitive arrays: two longs of id and one
 * long of position per slot, no object per record (about 48 bytes per record at the usual load).
 * <p>
 * Threads: {@link #put} and {@link #purge} from one writer at a time; {@link #get} from any thread. The writer fills a
 * slot's id, then publishes it by a release-write of its position; a reader acquires the position first, so it
 * never sees a half-written slot. Growing builds a new table and publishes it whole; a reader still on the old table
 * can miss a record added meanwhile, which it would also have missed a moment earlier.
 * <p>
 * Entries whose position falls below a floor (segments dropped by retention) read as absent and are left out when the
 * table is next rebuilt.
 */
final class ActivationIdIndex
{
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int MIN_CAPACITY = 1024;
    private static final double MAX_LOAD = 0.6;

    private volatile Table table = new Table(MIN_CAPACITY);
    private volatile long floorPosition;

    /** Writer only: maps the id to {@code position}; a later put of the same id wins. */
    void put(final long idHi, final long idLo, final long position)
    {
        Table current = table;
        if (current.size + 1 > current.capacity * MAX_LOAD)
        {
            current = rebuild(current, current.size + 1);
        }
        current.insert(idHi, idLo, position);
    }

    /** The position of the id, or -1. Any thread. */
    long get(final long idHi, final long idLo)
    {
        final long position = table.find(idHi, idLo);
        return position < floorPosition ? -1 : position;
    }

    /** Writer only: positions below {@code floor} now read as absent; they are removed at the next rebuild. */
    void purge(final long floor)
    {
        floorPosition = floor;
    }

    int capacity()
    {
        return table.capacity;
    }

    private Table rebuild(final Table old, final int wanted)
    {
        final long floor = floorPosition;
        int live = 0;
        for (int slot = 0; slot < old.capacity; slot++)
        {
            final long stored = old.positions[slot];
            if (stored != 0 && stored - 1 >= floor)
            {
                live++;
            }
        }
        final long target = Math.max(MIN_CAPACITY, Math.max(live, wanted - (old.size - live)) * 3L);
        final Table fresh = new Table((int)Math.min(1 << 30, Long.highestOneBit(target - 1) << 1));
        for (int slot = 0; slot < old.capacity; slot++)
        {
            final long stored = old.positions[slot];
            if (stored != 0 && stored - 1 >= floor)
            {
                fresh.insert(old.keys[2 * slot], old.keys[2 * slot + 1], stored - 1);
            }
        }
        table = fresh;
        return fresh;
    }

    private static final class Table
    {
        final int capacity;
        final int mask;
        final long[] keys;
        /** Position + 1; 0 marks an empty slot. */
        final long[] positions;
        int size;

        Table(final int capacity)
        {
            this.capacity = capacity;
            this.mask = capacity - 1;
            this.keys = new long[2 * capacity];
            this.positions = new long[capacity];
        }

        void insert(final long idHi, final long idLo, final long position)
        {
            int slot = hash(idHi, idLo) & mask;
            while (positions[slot] != 0)
            {
                if (keys[2 * slot] == idHi && keys[2 * slot + 1] == idLo)
                {
                    LONGS.setRelease(positions, slot, position + 1);
                    return;
                }
                slot = (slot + 1) & mask;
            }
            keys[2 * slot] = idHi;
            keys[2 * slot + 1] = idLo;
            LONGS.setRelease(positions, slot, position + 1);
            size++;
        }

        long find(final long idHi, final long idLo)
        {
            int slot = hash(idHi, idLo) & mask;
            for (int probes = 0; probes < capacity; probes++)
            {
                final long stored = (long)LONGS.getAcquire(positions, slot);
                if (stored == 0)
                {
                    return -1;
                }
                if (keys[2 * slot] == idHi && keys[2 * slot + 1] == idLo)
                {
                    return stored - 1;
                }
                slot = (slot + 1) & mask;
            }
            return -1;
        }

        private static int hash(final long idHi, final long idLo)
        {
            final long h = (idHi ^ Long.rotateLeft(idLo, 29)) * 0x9E3779B97F4A7C15L;
            return (int)(h ^ (h >>> 32));
        }
    }
}
