package dev.whisk.frontdoor;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splitting of request paths: the raw path is split on {@code /} first and each segment is percent-decoded after, so
 * an encoded slash stays inside its segment ({@code /namespaces/%2Fguest/packages} has the namespace segment
 * {@code /guest}, as OpenWhisk's path matcher reads it), where decoding first would make it a separator.
 */
public final class Paths
{
    private Paths()
    {
    }

    /**
     * The decoded segments of the raw {@code path} after its first {@code skip} segments: with {@code skip} 2,
     * {@code /api/v1/namespaces/guest/actions/} gives {@code [namespaces, guest, actions]}. Slashes right after the
     * skipped segments are skipped too; an empty segment between two slashes is kept; a trailing slash adds
     * nothing.
     *
     * @throws IllegalArgumentException when a segment holds a bad percent-escape.
     */
    static String[] segments(final String path, final int skip)
    {
        int start = 0;
        for (int i = 0; i < skip && start < path.length(); i++)
        {
            while (start < path.length() && path.charAt(start) == '/')
            {
                start++;
            }
            final int end = path.indexOf('/', start);
            start = end < 0 ? path.length() : end;
        }
        while (start < path.length() && path.charAt(start) == '/')
        {
            start++;
        }
        final List<String> out = new ArrayList<>(8);
        while (start < path.length())
        {
            int end = path.indexOf('/', start);
            if (end < 0)
            {
                end = path.length();
            }
            out.add(decode(path, start, end));
            start = end + 1;
        }
        return out.toArray(new String[0]);
    }

    /**
     * The namespace a path segment names: a leading slash is dropped, as OpenWhisk drops it, so that {@code /guest}
     * (sent as {@code %2Fguest} by clients that pass fully qualified names through) means {@code guest}.
     */
    public static String namespace(final String segment)
    {
        return segment.length() > 1 && segment.charAt(0) == '/' ? segment.substring(1) : segment;
    }

    /** {@code path[start, end)} percent-decoded as UTF-8; {@code +} stays {@code +} in a path. */
    static String decode(final String path, final int start, final int end)
    {
        final int percent = path.indexOf('%', start);
        if (percent < 0 || percent >= end)
        {
            return path.substring(start, end);
        }
        final byte[] bytes = new byte[end - start];
        int n = 0;
        for (int i = start; i < end; i++)
        {
            final char c = path.charAt(i);
            if (c != '%')
            {
                // Raw characters beyond ASCII came off the wire as one byte each (ISO-8859-1).
                bytes[n++] = (byte)c;
                continue;
            }
            if (i + 2 >= end)
            {
                throw new IllegalArgumentException("unterminated escape in path segment: " +
                    path.substring(start, end));
            }
            final int hi = Character.digit(path.charAt(i + 1), 16);
            final int lo = Character.digit(path.charAt(i + 2), 16);
            if (hi < 0 || lo < 0)
            {
                throw new IllegalArgumentException("invalid escape in path segment: " + path.substring(start, end));
            }
            bytes[n++] = (byte)(hi << 4 | lo);
            i += 2;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }
}
