package dev.whisk.launcher.cli;

import java.math.BigInteger;

/**
 * Reads one JSON document into {@link JsonValue}s, as strictly as the platform's Jackson configuration reads: no
 * comments, single quotes, leading zeros, {@code NaN}, trailing commas or trailing tokens, no unescaped control
 * characters in strings, and no nesting deeper than 200. A recursive-descent reader used once, by one thread.
 */
final class JsonReader
{
    /** Deeper documents are refused, as the platform's own mapper refuses them. */
    private static final int MAX_DEPTH = 200;

    private final String s;
    private int pos;

    JsonReader(final String s)
    {
        this.s = s;
    }

    /** The one document of the text, surrounded by whitespace at most. */
    JsonValue document()
    {
        skipWhitespace();
        final JsonValue v = value(0);
        skipWhitespace();
        if (pos < s.length())
        {
            throw fail("trailing content");
        }
        return v;
    }

    private JsonValue value(final int depth)
    {
        if (pos >= s.length())
        {
            throw fail("unexpected end of input");
        }
        final char c = s.charAt(pos);
        return switch (c)
        {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> JsonValue.of(string());
            case 't' -> literal("true", JsonValue.TRUE);
            case 'f' -> literal("false", JsonValue.FALSE);
            case 'n' -> literal("null", JsonValue.NULL);
            default ->
            {
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    yield number();
                }
                throw fail("unexpected character '" + c + "'");
            }
        };
    }

    private JsonValue object(final int depth)
    {
        checkDepth(depth);
        pos++;
        final JsonValue o = JsonValue.object();
        skipWhitespace();
        if (peek() == '}')
        {
            pos++;
            return o;
        }
        while (true)
        {
            skipWhitespace();
            if (peek() != '"')
            {
                throw fail("expected a member name");
            }
            final String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            o.set(key, value(depth));
            skipWhitespace();
            final char c = peek();
            pos++;
            if (c == '}')
            {
                return o;
            }
            if (c != ',')
            {
                pos--;
                throw fail("expected ',' or '}'");
            }
        }
    }

    private JsonValue array(final int depth)
    {
        checkDepth(depth);
        pos++;
        final JsonValue a = JsonValue.array();
        skipWhitespace();
        if (peek() == ']')
        {
            pos++;
            return a;
        }
        while (true)
        {
            skipWhitespace();
            a.add(value(depth));
            skipWhitespace();
            final char c = peek();
            pos++;
            if (c == ']')
            {
                return a;
            }
            if (c != ',')
            {
                pos--;
                throw fail("expected ',' or ']'");
            }
        }
    }

    private String string()
    {
        pos++;
        StringBuilder sb = null;
        int start = pos;
        while (true)
        {
            if (pos >= s.length())
            {
                throw fail("unterminated string");
            }
            final char c = s.charAt(pos);
            if (c == '"')
            {
                final String out = sb == null ? s.substring(start, pos) : sb.append(s, start, pos).toString();
                pos++;
                return out;
            }
            if (c < 0x20)
            {
                throw fail("unescaped control character in a string");
            }
            if (c != '\\')
            {
                pos++;
                continue;
            }
            if (sb == null)
            {
                sb = new StringBuilder();
            }
            sb.append(s, start, pos);
            if (pos + 1 >= s.length())
            {
                throw fail("unterminated string");
            }
            final char e = s.charAt(pos + 1);
            pos += 2;
            switch (e)
            {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' ->
                {
                    if (pos + 4 > s.length())
                    {
                        throw fail("incomplete \\u escape");
                    }
                    int code = 0;
                    for (int i = 0; i < 4; i++)
                    {
                        final int digit = Character.digit(s.charAt(pos + i), 16);
                        if (digit < 0)
                        {
                            throw fail("bad \\u escape");
                        }
                        code = code * 16 + digit;
                    }
                    sb.append((char)code);
                    pos += 4;
                }
                default ->
                {
                    pos -= 1;
                    throw fail("unknown escape '\\" + e + "'");
                }
            }
            start = pos;
        }
    }

    /** RFC 8259's number; integers stay exact, anything with a fraction or exponent is a double. */
    private JsonValue number()
    {
        final int start = pos;
        if (peek() == '-')
        {
            pos++;
        }
        if (peek() == '0')
        {
            pos++;
            if (isDigit(peek()))
            {
                throw fail("leading zero in a number");
            }
        }
        else if (!digits())
        {
            throw fail("expected a digit");
        }
        boolean integral = true;
        if (peek() == '.')
        {
            pos++;
            integral = false;
            if (!digits())
            {
                throw fail("expected a digit after '.'");
            }
        }
        if (peek() == 'e' || peek() == 'E')
        {
            pos++;
            integral = false;
            if (peek() == '+' || peek() == '-')
            {
                pos++;
            }
            if (!digits())
            {
                throw fail("expected a digit in the exponent");
            }
        }
        final String text = s.substring(start, pos);
        if (!integral)
        {
            return JsonValue.number(Double.parseDouble(text));
        }
        if (text.length() < 19)
        {
            return JsonValue.number(Long.parseLong(text));
        }
        final BigInteger big = new BigInteger(text);
        return JsonValue.number(big.bitLength() < 64 ? (Number)big.longValue() : big);
    }

    private boolean digits()
    {
        final int start = pos;
        while (isDigit(peek()))
        {
            pos++;
        }
        return pos > start;
    }

    private static boolean isDigit(final char c)
    {
        return c >= '0' && c <= '9';
    }

    private JsonValue literal(final String word, final JsonValue v)
    {
        if (!s.startsWith(word, pos))
        {
            throw fail("unexpected word");
        }
        pos += word.length();
        return v;
    }

    private void skipWhitespace()
    {
        while (pos < s.length())
        {
            final char c = s.charAt(pos);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
            {
                return;
            }
            pos++;
        }
    }

    private char peek()
    {
        return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private void expect(final char c)
    {
        if (peek() != c)
        {
            throw fail("expected '" + c + "'");
        }
        pos++;
    }

    private void checkDepth(final int depth)
    {
        if (depth > MAX_DEPTH)
        {
            throw fail("nested deeper than " + MAX_DEPTH);
        }
    }

    private IllegalArgumentException fail(final String what)
    {
        return new IllegalArgumentException("not JSON: " + what + " at offset " + pos);
    }
}
