package dev.whisk.pool.docker;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.whisk.core.entity.Messages;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads one activation's logs from a container's Docker json-file log, from where the previous activation's logs
 * ended up to the end-of-activation sentinels on both stdout and stderr (spec §8.3). Blocking: runs on the pool's
 * Docker executor. The engine writes log lines shortly after the process prints them, so a short, bounded wait
 * covers lines that are still on their way.
 */
public final class LogCollector
{
    public static final String SENTINEL = "XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX";
    private static final JsonFactory JSON = new JsonFactory();
    private static final int TIME_WIDTH = 30;
    private static final long POLL_NS = 200_000;

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
        final List<String> lines = new ArrayList<>();
        final long deadline = System.nanoTime() + waitNs;
        final State state = new State(offset, limitBytes);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ))
        {
            while (true)
            {
                readAvailable(ch, state, lines);
                if (state.stdoutDone && state.stderrDone)
                {
                    break;
                }
                if (!sentinels || System.nanoTime() > deadline)
                {
                    if (sentinels)
                    {
                        lines.add(format(null, "stderr", Messages.LOG_COLLECTION_FAILED));
                    }
                    return new CollectedLogs(finish(lines, state), state.position, false);
                }
                LockSupport.parkNanos(POLL_NS);
            }
        }
        catch (final IOException ex)
        {
            lines.add(format(null, "stderr", Messages.LOG_COLLECTION_FAILED));
            return new CollectedLogs(finish(lines, state), state.position, false);
        }
        return new CollectedLogs(finish(lines, state), state.position, true);
    }

    private static List<String> finish(final List<String> lines, final State state)
    {
        if (state.truncated)
        {
            lines.add(format(null, "stderr", String.format(Messages.LOGS_TRUNCATED, state.limitBytes)));
        }
        return lines;
    }

    private static void readAvailable(final FileChannel ch, final State state, final List<String> lines)
        throws IOException
    {
        final long size = ch.size();
        while (state.position < size && !(state.stdoutDone && state.stderrDone))
        {
            final int want = (int)Math.min(size - state.position, 1 << 20);
            final ByteBuffer buf = ByteBuffer.allocate(want);
            while (buf.hasRemaining() && ch.read(buf, state.position + buf.position()) > 0)
            {
                // keep reading until the buffer is full or the file ends
            }
            final byte[] bytes = buf.array();
            int lineStart = 0;
            for (int i = 0; i < buf.position(); i++)
            {
                if (bytes[i] == '\n')
                {
                    onLine(bytes, lineStart, i - lineStart, state, lines);
                    lineStart = i + 1;
                    if (state.stdoutDone && state.stderrDone)
                    {
                        break;
                    }
                }
            }
            if (lineStart == 0)
            {
                return; // a partial line only: the engine is still writing it
            }
            state.position += lineStart;
        }
    }

    private static void onLine(final byte[] bytes, final int start, final int length, final State state,
        final List<String> lines) throws IOException
    {
        String log = null;
        String stream = null;
        String time = null;
        try (JsonParser p = JSON.createParser(bytes, start, length))
        {
            if (p.nextToken() != JsonToken.START_OBJECT)
            {
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String field = p.currentName();
                p.nextToken();
                switch (field)
                {
                    case "log" -> log = p.getText();
                    case "stream" -> stream = p.getText();
                    case "time" -> time = p.getText();
                    default -> p.skipChildren();
                }
            }
        }
        if (log == null || stream == null)
        {
            return;
        }
        final String text = log.endsWith("\n") ? log.substring(0, log.length() - 1) : log;
        if (text.equals(SENTINEL))
        {
            if ("stdout".equals(stream))
            {
                state.stdoutDone = true;
            }
            else
            {
                state.stderrDone = true;
            }
            return;
        }
        if (state.truncated)
        {
            return;
        }
        state.bytes += text.length();
        if (state.bytes > state.limitBytes)
        {
            state.truncated = true;
            return;
        }
        lines.add(format(time, stream, text));
    }

    static String format(final String time, final String stream, final String text)
    {
        final String t = time != null ? time : java.time.Instant.now().toString();
        final StringBuilder sb = new StringBuilder(TIME_WIDTH + stream.length() + text.length() + 3).append(t);
        while (sb.length() < TIME_WIDTH)
        {
            sb.append(' ');
        }
        return sb.append(' ').append(stream).append(": ").append(text).toString();
    }

    private static final class State
    {
        final long limitBytes;
        long position;
        long bytes;
        boolean stdoutDone;
        boolean stderrDone;
        boolean truncated;

        State(final long position, final long limitBytes)
        {
            this.position = position;
            this.limitBytes = limitBytes;
        }
    }
}
