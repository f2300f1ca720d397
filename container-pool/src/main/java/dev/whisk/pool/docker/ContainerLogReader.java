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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads one container's Docker json-file log forward and files each line under its activation: a line that starts
 * with a 32-hex activation id and a space (our proxy's {@code __OW_LOG_TAGS}) goes to that activation, even when
 * runs overlap; an untagged line goes to the activation being collected, as OpenWhisk does. An activation's logs
 * end at the sentinels on both stdout and stderr (spec §8.3), tagged or not.
 *
 * <p>Not thread-safe: one reader per container, used by one log read at a time (the pool hands it from one
 * executor task to the next through its owner thread).
 */
public final class ContainerLogReader
{
    public static final String SENTINEL = "XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX";
    private static final byte[] STDOUT_SENTINEL_LINE = ("{\"log\":\"" + SENTINEL + "\\n\",\"stream\":\"stdout\"")
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] STDERR_SENTINEL_LINE = ("{\"log\":\"" + SENTINEL + "\\n\",\"stream\":\"stderr\"")
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final JsonFactory JSON = new JsonFactory();
    private static final int TIME_WIDTH = 30;
    private static final int TAG_LENGTH = 32;
    private static final long POLL_NS = 200_000;
    /** How long a log without sentinels must stay unchanged before it is taken as complete. */
    private static final long QUIET_NS = 50_000_000;
    private static final int READ_BYTES = 1 << 20;

    private final Path file;
    private final Map<String, Bucket> buckets = new HashMap<>();
    private long position;
    /**
     * Reused from one read to the next (collections of one container run one after another, each handed over
     * through the pool's owner): a no-op activation's log read allocates nothing.
     */
    private ByteBuffer readBuffer = ByteBuffer.allocate(8 * 1024);

    public ContainerLogReader(final Path file, final long position)
    {
        this.file = file;
        this.position = position;
    }

    /** Where the next unread line starts. */
    public long position()
    {
        return position;
    }

    /**
     * Collects one activation's lines.
     *
     * @param activationId the activation, or {@code null} when lines are not tagged and runs do not overlap.
     * @param limitBytes   the action's log limit; lines beyond it are dropped and a truncation line is added.
     * @param waitNs       how long to wait for the sentinels before giving up with the spec's warning line.
     * @param sentinels    whether the image prints sentinels (blackbox images may not): without them, read what
     *                     is there and stop.
     */
    public CollectedLogs collect(final String activationId, final long limitBytes, final long waitNs,
        final boolean sentinels)
    {
        final String target = activationId == null ? "" : activationId;
        final Bucket bucket = buckets.computeIfAbsent(target, k -> new Bucket());
        final long deadline = System.nanoTime() + waitNs;
        boolean complete = true;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ))
        {
            long lastGrowthNs = System.nanoTime();
            long lastPosition = position;
            while (true)
            {
                readAvailable(ch, target, limitBytes);
                if (bucket.stdoutDone && bucket.stderrDone)
                {
                    break;
                }
                final long nowNs = System.nanoTime();
                if (position != lastPosition)
                {
                    lastPosition = position;
                    lastGrowthNs = nowNs;
                }
                // Without sentinels nothing marks the end: the engine writes the log a little after the container
                // printed it, so what is there is taken once the log has been quiet for a moment.
                final boolean quiet = !sentinels && nowNs - lastGrowthNs >= QUIET_NS;
                if (quiet || nowNs > deadline)
                {
                    complete = false;
                    if (sentinels)
                    {
                        bucket.lines.add(format(null, "stderr", Messages.LOG_COLLECTION_FAILED));
                    }
                    break;
                }
                LockSupport.parkNanos(POLL_NS);
            }
        }
        catch (final IOException ex)
        {
            complete = false;
            bucket.lines.add(format(null, "stderr", Messages.LOG_COLLECTION_FAILED));
        }
        buckets.remove(target);
        if (bucket.truncated)
        {
            bucket.lines.add(format(null, "stderr", String.format(Messages.LOGS_TRUNCATED, limitBytes)));
        }
        return new CollectedLogs(bucket.lines, position, complete);
    }

    private void readAvailable(final FileChannel ch, final String target, final long limitBytes) throws IOException
    {
        final Bucket bucket = buckets.get(target);
        final long size = ch.size();
        if (size < position)
        {
            // The engine rotated the log (json-file's max-size): it starts again, empty, under the same name.
            position = 0;
        }
        while (position < size && !(bucket.stdoutDone && bucket.stderrDone))
        {
            final int want = (int)Math.min(size - position, READ_BYTES);
            if (readBuffer.capacity() < want)
            {
                readBuffer = ByteBuffer.allocate(Math.max(want, 2 * readBuffer.capacity()));
            }
            final ByteBuffer buf = readBuffer.clear().limit(want);
            while (buf.hasRemaining() && ch.read(buf, position + buf.position()) > 0)
            {
                // keep reading until the buffer is full or the file ends
            }
            final byte[] bytes = buf.array();
            int lineStart = 0;
            for (int i = 0; i < buf.position(); i++)
            {
                if (bytes[i] == '\n')
                {
                    onLine(bytes, lineStart, i - lineStart, target, limitBytes);
                    lineStart = i + 1;
                    if (bucket.stdoutDone && bucket.stderrDone)
                    {
                        break;
                    }
                }
            }
            if (lineStart == 0)
            {
                return; // a partial line only: the engine is still writing it
            }
            position += lineStart;
        }
    }

    private void onLine(final byte[] bytes, final int start, final int length, final String target,
        final long limitBytes) throws IOException
    {
        // Most lines an activation leaves are its two untagged sentinels, written by the engine as
        // {"log":"<sentinel>\n","stream":"stdout|stderr","time":...}: recognised from their bytes, not parsed.
        if (startsWith(bytes, start, length, STDOUT_SENTINEL_LINE))
        {
            buckets.get(target).stdoutDone = true;
            return;
        }
        if (startsWith(bytes, start, length, STDERR_SENTINEL_LINE))
        {
            buckets.get(target).stderrDone = true;
            return;
        }
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
        String text = log.endsWith("\n") ? log.substring(0, log.length() - 1) : log;
        Bucket bucket = buckets.get(target);
        if (hasTag(text))
        {
            bucket = buckets.computeIfAbsent(text.substring(0, TAG_LENGTH), k -> new Bucket());
            text = text.substring(TAG_LENGTH + 1);
        }
        if (text.equals(SENTINEL))
        {
            if ("stdout".equals(stream))
            {
                bucket.stdoutDone = true;
            }
            else
            {
                bucket.stderrDone = true;
            }
            return;
        }
        if (bucket.truncated)
        {
            return;
        }
        bucket.bytes += text.length();
        if (bucket.bytes > limitBytes)
        {
            bucket.truncated = true;
            return;
        }
        bucket.lines.add(format(time, stream, text));
    }

    private static boolean startsWith(final byte[] bytes, final int start, final int length, final byte[] prefix)
    {
        if (length < prefix.length)
        {
            return false;
        }
        for (int i = 0; i < prefix.length; i++)
        {
            if (bytes[start + i] != prefix[i])
            {
                return false;
            }
        }
        return true;
    }

    /** Whether the line starts with an activation id tag: 32 lowercase hex characters and a space. */
    static boolean hasTag(final String text)
    {
        if (text.length() <= TAG_LENGTH || text.charAt(TAG_LENGTH) != ' ')
        {
            return false;
        }
        for (int i = 0; i < TAG_LENGTH; i++)
        {
            final char ch = text.charAt(i);
            if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
            {
                return false;
            }
        }
        return true;
    }

    /** A log line as an activation record holds it: the time padded to 30, the stream, the text. */
    public static String formatLine(final String time, final String stream, final String text)
    {
        return format(time, stream, text);
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

    private static final class Bucket
    {
        final List<String> lines = new ArrayList<>();
        long bytes;
        boolean stdoutDone;
        boolean stderrDone;
        boolean truncated;
    }
}
