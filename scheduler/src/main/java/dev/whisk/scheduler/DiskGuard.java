package dev.whisk.scheduler;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Watches the free space under the platform's stores (journal, activation, entity and subject stores, routes...).
 * While a store's file system has less than {@code minFreeBytes} usable, {@link #refusal()} names the stores short of
 * space, and new invokes and fires are refused with 503 before any write to a memory-mapped file can fault (a SIGBUS
 * on a full disk). The flag is refreshed by {@link #check()} on a low-rate timer (see {@link JournalKeeper}), never
 * per request: reading it costs one volatile read. It clears by itself once space returns.
 */
public final class DiskGuard
{
    private static final Logger LOG = LoggerFactory.getLogger(DiskGuard.class);
    private static final long MB = 1024 * 1024;

    private final Map<String, Path> stores;
    /** Each store's file system, looked up once (the look-up reads the mount table); a statfs per check. */
    private final Map<String, FileStore> fileStores = new LinkedHashMap<>();
    private final long minFreeBytes;
    private volatile String refusal;

    /**
     * @param stores       each store's name as operators know it ({@code journal}, {@code activation store}...) and
     *                     its directory, which must exist.
     * @param minFreeBytes below this many usable bytes on a store's file system, requests are refused.
     */
    public DiskGuard(final Map<String, Path> stores, final long minFreeBytes)
    {
        this.stores = new LinkedHashMap<>(stores);
        this.minFreeBytes = minFreeBytes;
    }

    /** The default threshold: 64 MB, or four of the largest requests the front door takes, whichever is more. */
    public static long defaultMinFreeBytes(final long maxRequestBytes)
    {
        return Math.max(64 * MB, 4 * maxRequestBytes);
    }

    public long minFreeBytes()
    {
        return minFreeBytes;
    }

    /** Why requests are refused now (which stores are short of space), or {@code null} when there is room. */
    public String refusal()
    {
        return refusal;
    }

    /** Looks at the free space of every store now; on the timer's thread. */
    public void check()
    {
        final List<String> short_ = new ArrayList<>(0);
        long least = Long.MAX_VALUE;
        for (final Map.Entry<String, Path> e : stores.entrySet())
        {
            final long usable = usable(e.getKey(), e.getValue());
            if (usable >= 0 && usable < minFreeBytes)
            {
                short_.add(e.getKey() + " (" + e.getValue() + ")");
                least = Math.min(least, usable);
            }
        }
        final String before = refusal;
        if (short_.isEmpty())
        {
            if (before != null)
            {
                LOG.info("event=disk-space-recovered minFreeMb={}", minFreeBytes / MB);
                refusal = null;
            }
            return;
        }
        final String now = "The platform is short of disk space: " + least / MB + " MB free for the " +
            String.join(", ", short_) + ", at least " + minFreeBytes / MB + " MB needed. New invokes and " +
            "trigger fires are refused until space is freed.";
        if (before == null)
        {
            LOG.warn("event=disk-space-low stores=\"{}\" freeMb={} minFreeMb={}", short_, least / MB,
                minFreeBytes / MB);
        }
        refusal = now;
    }

    /** A write to a store faulted for want of space: refuse at once, until the next check finds room again. */
    public void onWriteFault(final String store, final String detail)
    {
        if (refusal == null)
        {
            LOG.warn("event=disk-write-fault store={} detail=\"{}\"", store, detail);
        }
        refusal = "The platform is short of disk space: the " + store + " could not write. New invokes and " +
            "trigger fires are refused until space is freed.";
    }

    private long usable(final String store, final Path dir)
    {
        try
        {
            FileStore fs = fileStores.get(store);
            if (fs == null)
            {
                fs = Files.getFileStore(dir);
                fileStores.put(store, fs);
            }
            return fs.getUsableSpace();
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }
}
