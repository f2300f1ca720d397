package dev.whisk.pool.docker;

import java.nio.file.Path;

/**
 * Reads one activation's logs from a container's Docker json-file log, from where the previous activation's logs
 * ended up to the end-of-activation sentinels on both stdout and stderr (spec §8.3). Blocking: runs on the pool's
 * Docker executor. A one-shot front to {@link ContainerLogReader}, which the pool keeps per container.
 */
public final class LogCollector
{
    public static final String SENTINEL = ContainerLogReader.SENTINEL;

    private LogCollector()
    {
    }

    /**
     * @param offset     where this activation's lines start in the file.
     * @param limitBytes the action's log limit; lines beyond it are dropped and a truncation line is added.
     * @param waitNs     how long to wait for the sentinels before giving up with the spec's warning line.
     * @param sentinels  whether the image prints sentinels (blackbox images may not): without them, read what is
     *                   there and stop.
     */
    public static CollectedLogs collect(final Path file, final long offset, final long limitBytes, final long waitNs,
        final boolean sentinels)
    {
        return new ContainerLogReader(file, offset).collect(null, limitBytes, waitNs, sentinels);
    }

    static String format(final String time, final String stream, final String text)
    {
        return ContainerLogReader.format(time, stream, text);
    }
}
