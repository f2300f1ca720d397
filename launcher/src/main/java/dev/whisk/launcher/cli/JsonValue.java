package dev.whisk.launcher.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON value of the client commands: parsed from the server's answers and from flag values, built into request
 * bodies, and printed compact or laid out as Jackson's default pretty printer lays it out ({@code "key" : value},
 * arrays on one line as {@code [ a, b ]}), which is what the platform's other tools print. The client has it rather
 * than Jackson because a one-shot command spends most of its life starting, and Jackson is some 400 classes to load
 * and initialise. {@link JsonReader} reads as strictly as Jackson does by default. Objects keep their keys in order.
 * Used by one thread.
 */
final class JsonValue implements Iterable<JsonValue>
{
    /** What a value is; {@link #MISSING} is what {@link #path} gives for an absent member, as Jackson's does. */
    enum Type
    {
        OBJECT, ARRAY, STRING, NUMBER, BOOLEAN, NULL, MISSING
    }

    static final JsonValue NULL = new JsonValue(Type.NULL, null);
    static final JsonValue MISSING = new JsonValue(Type.MISSING, null);
    static final JsonValue TRUE = new JsonValue(Type.BOOLEAN, Boolean.TRUE);
    static final JsonValue FALSE = new JsonValue(Type.BOOLEAN, Boolean.FALSE);

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final Type type;
    /** An object's {@code LinkedHashMap<String, JsonValue>}, an array's {@code ArrayList<JsonValue>}, or a scalar. */
    private final Object value;

    private JsonValue(final Type type, final Object value)
    {
        this.type = type;
        this.value = value;
    }

    static JsonValue object()
    {
        return new JsonValue(Type.OBJECT, new LinkedHashMap<String, JsonValue>());
    }

    static JsonValue array()
    {
        return new JsonValue(Type.ARRAY, new ArrayList<JsonValue>());
    }

    static JsonValue of(final String text)
    {
        return text == null ? NULL : new JsonValue(Type.STRING, text);
    }

    static JsonValue of(final long number)
    {
        return new JsonValue(Type.NUMBER, number);
    }

    static JsonValue of(final boolean flag)
    {
        return flag ? TRUE : FALSE;
    }

    /** A number: a Long or BigInteger for an integer, a Double for anything with a fraction or an exponent. */
    static JsonValue number(final Number number)
    {
        return new JsonValue(Type.NUMBER, number);
    }

    /**
     * Parses one JSON document, surrounded by whitespace at most.
     *
     * @throws IllegalArgumentException naming what is wrong and where, when {@code text} is not JSON.
     */
    static JsonValue parse(final String text)
    {
        return new JsonReader(text).document();
    }

    /** The value of a flag such as {@code -p name value}: its JSON when it is a JSON document, else the text. */
    static JsonValue parseOrText(final String text)
    {
        try
        {
            return parse(text);
        }
        catch (final IllegalArgumentException ex)
        {
            return of(text);
        }
    }

    Type type()
    {
        return type;
    }

    boolean isObject()
    {
        return type == Type.OBJECT;
    }

    boolean isArray()
    {
        return type == Type.ARRAY;
    }

    boolean isTextual()
    {
        return type == Type.STRING;
    }

    boolean isMissing()
    {
        return type == Type.MISSING;
    }

    boolean isNull()
    {
        return type == Type.NULL;
    }

    /** The member {@code key} of an object, or {@link #MISSING}. */
    JsonValue path(final String key)
    {
        if (type != Type.OBJECT)
        {
            return MISSING;
        }
        final JsonValue v = members().get(key);
        return v == null ? MISSING : v;
    }

    /** Element {@code index} of an array, or {@link #MISSING}. */
    JsonValue path(final int index)
    {
        if (type != Type.ARRAY || index < 0 || index >= elements().size())
        {
            return MISSING;
        }
        return elements().get(index);
    }

    boolean has(final String key)
    {
        return type == Type.OBJECT && members().containsKey(key);
    }

    /** Members of an object, elements of an array, else 0. */
    int size()
    {
        return type == Type.OBJECT ? members().size() : type == Type.ARRAY ? elements().size() : 0;
    }

    boolean isEmpty()
    {
        return size() == 0;
    }

    /** The elements of an array or the member values of an object; nothing for anything else. */
    @Override
    public Iterator<JsonValue> iterator()
    {
        if (type == Type.ARRAY)
        {
            return elements().iterator();
        }
        if (type == Type.OBJECT)
        {
            return members().values().iterator();
        }
        return Collections.emptyIterator();
    }

    /** The members of an object in order, read-only; empty for anything else. */
    Map<String, JsonValue> fields()
    {
        return type == Type.OBJECT ? Collections.unmodifiableMap(members()) : Collections.emptyMap();
    }

    /** A string's text, a number or boolean as written, {@code "null"}; {@code ""} for containers and missing. */
    String asText()
    {
        return switch (type)
        {
            case STRING -> (String)value;
            case NUMBER, BOOLEAN -> String.valueOf(value);
            case NULL -> "null";
            default -> "";
        };
    }

    /** A number's value (truncated), a numeric string's, 1 or 0 for a boolean, else 0. */
    long asLong()
    {
        return switch (type)
        {
            case NUMBER -> ((Number)value).longValue();
            case BOOLEAN -> (Boolean)value ? 1 : 0;
            case STRING -> parseLong((String)value, 0);
            default -> 0;
        };
    }

    /** As {@link #asLong()}, with {@code fallback} for what has no number in it. */
    int asInt(final int fallback)
    {
        return switch (type)
        {
            case NUMBER -> ((Number)value).intValue();
            case BOOLEAN -> (Boolean)value ? 1 : 0;
            case STRING -> (int)parseLong((String)value, fallback);
            case NULL -> 0;
            default -> fallback;
        };
    }

    /** A boolean's value, {@code "true"}, or a non-zero number; else false. */
    boolean asBoolean()
    {
        return switch (type)
        {
            case BOOLEAN -> (Boolean)value;
            case NUMBER -> ((Number)value).doubleValue() != 0;
            case STRING -> "true".equals(((String)value).trim());
            default -> false;
        };
    }

    /** Sets member {@code key} of this object; returns this object. */
    JsonValue set(final String key, final JsonValue v)
    {
        members().put(key, v);
        return this;
    }

    JsonValue put(final String key, final String text)
    {
        return set(key, of(text));
    }

    JsonValue put(final String key, final long number)
    {
        return set(key, of(number));
    }

    JsonValue put(final String key, final boolean flag)
    {
        return set(key, of(flag));
    }

    /** Adds every member of {@code other}, an object, to this one. */
    JsonValue setAll(final JsonValue other)
    {
        members().putAll(other.members());
        return this;
    }

    /** A new empty object set as member {@code key}; returns the new object. */
    JsonValue putObject(final String key)
    {
        final JsonValue o = object();
        set(key, o);
        return o;
    }

    /** A new empty array set as member {@code key}; returns the new array. */
    JsonValue putArray(final String key)
    {
        final JsonValue a = array();
        set(key, a);
        return a;
    }

    /** Appends to this array; returns this array. */
    JsonValue add(final JsonValue v)
    {
        elements().add(v);
        return this;
    }

    JsonValue add(final String text)
    {
        return add(of(text));
    }

    /** A new empty object appended to this array; returns the new object. */
    JsonValue addObject()
    {
        final JsonValue o = object();
        add(o);
        return o;
    }

    /** Compact JSON. {@link #MISSING} prints as nothing. */
    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder();
        write(sb, -1);
        return sb.toString();
    }

    /** JSON laid out as Jackson's default pretty printer lays it out. */
    String toPrettyString()
    {
        final StringBuilder sb = new StringBuilder();
        write(sb, 0);
        return sb.toString();
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof JsonValue other && type == other.type &&
            (value == null ? other.value == null : value.equals(other.value));
    }

    @Override
    public int hashCode()
    {
        return type.hashCode() * 31 + (value == null ? 0 : value.hashCode());
    }

    @SuppressWarnings("unchecked")
    private LinkedHashMap<String, JsonValue> members()
    {
        if (type != Type.OBJECT)
        {
            throw new IllegalStateException("not a JSON object: " + type);
        }
        return (LinkedHashMap<String, JsonValue>)value;
    }

    @SuppressWarnings("unchecked")
    private List<JsonValue> elements()
    {
        if (type != Type.ARRAY)
        {
            throw new IllegalStateException("not a JSON array: " + type);
        }
        return (List<JsonValue>)value;
    }

    /**
     * Writes this value; {@code nesting} is the pretty printer's object depth, or -1 for compact output. As Jackson's
     * default printer: an object's members each on a line indented two spaces per object level, {@code " : "}
     * between name and value, {@code { }} when empty; an array's elements on the current line, {@code [ a, b ]}, and
     * {@code [ ]} when empty (arrays add no indentation level).
     */
    private void write(final StringBuilder sb, final int nesting)
    {
        final boolean pretty = nesting >= 0;
        switch (type)
        {
            case OBJECT ->
            {
                final LinkedHashMap<String, JsonValue> m = members();
                sb.append('{');
                if (m.isEmpty())
                {
                    sb.append(pretty ? " }" : "}");
                    return;
                }
                boolean first = true;
                for (final Map.Entry<String, JsonValue> e : m.entrySet())
                {
                    if (e.getValue().type == Type.MISSING)
                    {
                        continue;
                    }
                    if (!first)
                    {
                        sb.append(',');
                    }
                    first = false;
                    if (pretty)
                    {
                        indent(sb, nesting + 1);
                    }
                    quote(sb, e.getKey());
                    sb.append(pretty ? " : " : ":");
                    e.getValue().write(sb, pretty ? nesting + 1 : -1);
                }
                if (pretty)
                {
                    indent(sb, nesting);
                }
                sb.append('}');
            }
            case ARRAY ->
            {
                final List<JsonValue> l = elements();
                sb.append('[');
                if (l.isEmpty())
                {
                    sb.append(pretty ? " ]" : "]");
                    return;
                }
                for (int i = 0; i < l.size(); i++)
                {
                    if (i > 0)
                    {
                        sb.append(',');
                    }
                    if (pretty)
                    {
                        sb.append(' ');
                    }
                    l.get(i).write(sb, nesting);
                }
                sb.append(pretty ? " ]" : "]");
            }
            case STRING -> quote(sb, (String)value);
            case NUMBER ->
            {
                if (value instanceof Double d && (d.isInfinite() || d.isNaN()))
                {
                    quote(sb, d.toString());
                }
                else
                {
                    sb.append(value);
                }
            }
            case BOOLEAN -> sb.append(value);
            case NULL -> sb.append("null");
            default ->
            {
            }
        }
    }

    private static void indent(final StringBuilder sb, final int level)
    {
        sb.append('\n');
        for (int i = 0; i < level; i++)
        {
            sb.append("  ");
        }
    }

    /** A JSON string: quote and backslash escaped, control characters as a short escape or a six-character one. */
    private static void quote(final StringBuilder sb, final String s)
    {
        sb.append('"');
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            switch (c)
            {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default ->
                {
                    if (c < 0x20)
                    {
                        sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    }
                    else
                    {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static long parseLong(final String text, final long fallback)
    {
        final String t = text.trim();
        try
        {
            return Long.parseLong(t);
        }
        catch (final NumberFormatException ex)
        {
            try
            {
                return (long)Double.parseDouble(t);
            }
            catch (final NumberFormatException notANumber)
            {
                return fallback;
            }
        }
    }
}
