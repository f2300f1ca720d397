package dev.whisk.pool;

import dev.whisk.core.json.Json;

/**
 * The top-level shape of a runtime's answer, found by one pass over its bytes that checks the whole text is JSON
 * (RFC 8259, as strict as the platform's Jackson configuration: no comments, no leading zeros, no raw control
 * characters in strings, nesting no deeper than Jackson's limit) and notes whether a top-level object has an
 * {@code error} field. It builds nothing and allocates nothing for documents nested up to 64 levels, and it never
 * recurses: every activation's answer passes through it on the pool's owner thread.
 */
final class JsonShape
{
    enum Shape
    {
        OBJECT, OBJECT_WITH_ERROR, ARRAY, SCALAR, INVALID
    }

    /** The deepest nesting accepted: the same limit as the platform's Jackson reads with. */
    static final int MAX_DEPTH = Json.MAPPER.getFactory().streamReadConstraints().getMaxNestingDepth();

    private static final byte[] ERROR = {'e', 'r', 'r', 'o', 'r'};

    private JsonShape()
    {
    }

    /** What {@code body} is; {@link Shape#INVALID} when it is not exactly one JSON value (whitespace around allowed). */
    static Shape of(final byte[] body)
    {
        if (body == null)
        {
            return Shape.INVALID;
        }
        final int n = body.length;
        int i = skipWhitespace(body, 0, n);
        if (i >= n)
        {
            return Shape.INVALID;
        }
        final byte top = body[i];
        // The open containers, innermost last: a bit per level (1 = object); a long holds 64 levels.
        long stack = 0;
        long[] deeper = null;
        int depth = 0;
        boolean hasError = false;
        boolean expectValue = true;
        while (true)
        {
            if (expectValue)
            {
                i = skipWhitespace(body, i, n);
                if (i >= n)
                {
                    return Shape.INVALID;
                }
                final byte c = body[i];
                if (c == '{' || c == '[')
                {
                    if (depth >= MAX_DEPTH)
                    {
                        return Shape.INVALID;
                    }
                    final boolean object = c == '{';
                    if (depth < 64)
                    {
                        stack = object ? stack | (1L << depth) : stack & ~(1L << depth);
                    }
                    else
                    {
                        if (deeper == null || (depth >> 6) >= deeper.length + 1)
                        {
                            deeper = grow(deeper, depth);
                        }
                        final int word = (depth >> 6) - 1;
                        deeper[word] = object ? deeper[word] | (1L << (depth & 63)) : deeper[word] & ~(1L << (depth & 63));
                    }
                    depth++;
                    i = skipWhitespace(body, i + 1, n);
                    if (i < n && body[i] == (object ? '}' : ']'))
                    {
                        depth--;
                        i++;
                        expectValue = false;
                        continue;
                    }
                    if (object)
                    {
                        // a key, then ':', then the value
                        final int key = i;
                        i = skipKey(body, i, n);
                        if (i < 0)
                        {
                            return Shape.INVALID;
                        }
                        hasError |= depth == 1 && isErrorKey(body, key, n);
                    }
                    continue; // expect a value
                }
                if (c == '"')
                {
                    i = skipString(body, i, n);
                }
                else if (c == '-' || (c >= '0' && c <= '9'))
                {
                    i = skipNumber(body, i, n);
                }
                else if (c == 't')
                {
                    i = literal(body, i, n, "true");
                }
                else if (c == 'f')
                {
                    i = literal(body, i, n, "false");
                }
                else if (c == 'n')
                {
                    i = literal(body, i, n, "null");
                }
                else
                {
                    return Shape.INVALID;
                }
                if (i < 0)
                {
                    return Shape.INVALID;
                }
                expectValue = false;
                continue;
            }
            // after a value
            if (depth == 0)
            {
                if (skipWhitespace(body, i, n) != n)
                {
                    return Shape.INVALID;
                }
                return top == '{' ? (hasError ? Shape.OBJECT_WITH_ERROR : Shape.OBJECT) :
                    top == '[' ? Shape.ARRAY : Shape.SCALAR;
            }
            i = skipWhitespace(body, i, n);
            if (i >= n)
            {
                return Shape.INVALID;
            }
            final int level = depth - 1;
            final boolean inObject = level < 64 ? (stack & (1L << level)) != 0 :
                (deeper[(level >> 6) - 1] & (1L << (level & 63))) != 0;
            final byte c = body[i];
            if (c == (inObject ? '}' : ']'))
            {
                depth--;
                i++;
                continue;
            }
            if (c != ',')
            {
                return Shape.INVALID;
            }
            i++;
            if (inObject)
            {
                final int key = skipWhitespace(body, i, n);
                i = skipKey(body, key, n);
                if (i < 0)
                {
                    return Shape.INVALID;
                }
                hasError |= depth == 1 && isErrorKey(body, key, n);
            }
            expectValue = true;
        }
    }

    private static long[] grow(final long[] deeper, final int depth)
    {
        final long[] grown = new long[Math.max(4, (depth >> 6) * 2)];
        if (deeper != null)
        {
            System.arraycopy(deeper, 0, grown, 0, deeper.length);
        }
        return grown;
    }

    /** {@code i} at a key's opening quote: the index after the key and its ':' (whitespace allowed), or -1. */
    private static int skipKey(final byte[] b, final int i, final int n)
    {
        if (i >= n || b[i] != '"')
        {
            return -1;
        }
        final int after = skipString(b, i, n);
        if (after < 0)
        {
            return -1;
        }
        final int end = skipWhitespace(b, after, n);
        return end < n && b[end] == ':' ? end + 1 : -1;
    }

    /** Whether the (valid) key whose opening quote is at {@code quote} reads "error". */
    private static boolean isErrorKey(final byte[] b, final int quote, final int n)
    {
        return isError(b, quote + 1, skipString(b, quote, n) - 1);
    }

    private static int skipWhitespace(final byte[] b, int i, final int n)
    {
        while (i < n && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t'))
        {
            i++;
        }
        return i;
    }

    /** {@code i} at the opening quote; the index after the closing one, or -1. */
    private static int skipString(final byte[] b, int i, final int n)
    {
        i++;
        while (i < n)
        {
            final byte c = b[i];
            if (c == '"')
            {
                return i + 1;
            }
            if (c == '\\')
            {
                if (i + 1 >= n)
                {
                    return -1;
                }
                final byte e = b[i + 1];
                if (e == 'u')
                {
                    if (i + 5 >= n || !hex(b[i + 2]) || !hex(b[i + 3]) || !hex(b[i + 4]) || !hex(b[i + 5]))
                    {
                        return -1;
                    }
                    i += 6;
                    continue;
                }
                if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't')
                {
                    return -1;
                }
                i += 2;
                continue;
            }
            if (c >= 0 && c < 0x20)
            {
                return -1;
            }
            if (c < 0)
            {
                // UTF-8: a lead byte and its continuation bytes, as Jackson checks them
                final int u = c & 0xFF;
                final int more = u >= 0xC2 && u <= 0xDF ? 1 : u >= 0xE0 && u <= 0xEF ? 2 : u >= 0xF0 && u <= 0xF4 ? 3 : -1;
                if (more < 0 || i + more >= n)
                {
                    return -1;
                }
                for (int k = 1; k <= more; k++)
                {
                    if ((b[i + k] & 0xC0) != 0x80)
                    {
                        return -1;
                    }
                }
                i += more + 1;
                continue;
            }
            i++;
        }
        return -1;
    }

    private static boolean hex(final byte c)
    {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static int skipNumber(final byte[] b, int i, final int n)
    {
        if (b[i] == '-')
        {
            i++;
        }
        if (i >= n)
        {
            return -1;
        }
        if (b[i] == '0')
        {
            i++;
        }
        else if (b[i] >= '1' && b[i] <= '9')
        {
            while (i < n && b[i] >= '0' && b[i] <= '9')
            {
                i++;
            }
        }
        else
        {
            return -1;
        }
        if (i < n && b[i] == '.')
        {
            i = skipDigits(b, i + 1, n);
            if (i < 0)
            {
                return -1;
            }
        }
        if (i < n && (b[i] == 'e' || b[i] == 'E'))
        {
            i++;
            if (i < n && (b[i] == '+' || b[i] == '-'))
            {
                i++;
            }
            i = skipDigits(b, i, n);
            if (i < 0)
            {
                return -1;
            }
        }
        // A number runs into the next structural character or whitespace, never into a letter or digit ("01", "1x").
        if (i < n && !(b[i] == ',' || b[i] == '}' || b[i] == ']' || b[i] == ' ' || b[i] == '\n' || b[i] == '\r' ||
            b[i] == '\t'))
        {
            return -1;
        }
        return i;
    }

    /** One or more digits from {@code i}: the index after them, or -1 when there is none. */
    private static int skipDigits(final byte[] b, final int from, final int n)
    {
        int i = from;
        while (i < n && b[i] >= '0' && b[i] <= '9')
        {
            i++;
        }
        return i == from ? -1 : i;
    }

    private static int literal(final byte[] b, final int i, final int n, final String word)
    {
        final int end = i + word.length();
        if (end > n)
        {
            return -1;
        }
        for (int k = 0; k < word.length(); k++)
        {
            if (b[i + k] != word.charAt(k))
            {
                return -1;
            }
        }
        if (end < n && !(b[end] == ',' || b[end] == '}' || b[end] == ']' || b[end] == ' ' || b[end] == '\n' ||
            b[end] == '\r' || b[end] == '\t'))
        {
            return -1;
        }
        return end;
    }

    /** Whether the key between {@code from} (after the quote) and {@code to} (the closing quote) reads "error". */
    private static boolean isError(final byte[] b, final int from, final int to)
    {
        final int length = to - from;
        if (length == ERROR.length)
        {
            for (int k = 0; k < length; k++)
            {
                if (b[from + k] != ERROR[k])
                {
                    return false;
                }
            }
            return true;
        }
        // An escaped key ("\u0065rror") reads "error" too: decoded only when it has a backslash at all.
        for (int k = from; k < to; k++)
        {
            if (b[k] == '\\')
            {
                return "error".equals(decodeKey(b, from, to));
            }
        }
        return false;
    }

    private static String decodeKey(final byte[] b, final int from, final int to)
    {
        try
        {
            final byte[] quoted = new byte[to - from + 2];
            quoted[0] = '"';
            System.arraycopy(b, from, quoted, 1, to - from);
            quoted[quoted.length - 1] = '"';
            return Json.MAPPER.readValue(quoted, String.class);
        }
        catch (final java.io.IOException ex)
        {
            return null;
        }
    }
}
