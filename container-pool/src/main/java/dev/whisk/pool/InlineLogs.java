package dev.whisk.pool;

import dev.whisk.core.entity.Messages;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the answers of our own proxy when it returns an activation's logs in-band: the JSON answer's bytes, then the
 * log lines, each already formatted as the pool files Docker log lines and ending in a newline (see
 * {@code runtimes/nodejs/proxy/server.js}).
 */
final class InlineLogs
{
    private InlineLogs()
    {
    }

    /** The JSON answer: the whole body for the plain protocol ({@code resultLength} -1), else its first bytes. */
    static byte[] result(final byte[] body, final int resultLength)
    {
        return resultLength < 0 || resultLength >= body.length ? body : Arrays.copyOf(body, resultLength);
    }

    /**
     * The log lines after the answer, led by {@code leading} (an init's lines before its first run's), with the
     * truncation line when the proxy dropped lines at the limit; {@code null} for the plain protocol, whose logs are
     * read from Docker's log.
     */
    static List<String> lines(final List<String> leading, final byte[] body, final int resultLength,
        final boolean truncated, final long limitBytes)
    {
        if (resultLength < 0)
        {
            return null;
        }
        final int leadingCount = leading == null ? 0 : leading.size();
        if (resultLength >= body.length && leadingCount == 0 && !truncated)
        {
            return List.of();
        }
        final List<String> lines = new ArrayList<>(leadingCount + 4);
        if (leading != null)
        {
            lines.addAll(leading);
        }
        int start = resultLength;
        for (int i = resultLength; i < body.length; i++)
        {
            if (body[i] == '\n')
            {
                lines.add(new String(body, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < body.length)
        {
            lines.add(new String(body, start, body.length - start, StandardCharsets.UTF_8));
        }
        if (truncated)
        {
            lines.add(dev.whisk.pool.docker.ContainerLogReader.formatLine(null, "stderr",
                String.format(Messages.LOGS_TRUNCATED, limitBytes)));
        }
        return lines;
    }
}
