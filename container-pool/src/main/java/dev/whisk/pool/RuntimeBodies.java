package dev.whisk.pool;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.whisk.core.json.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The bodies of {@code /init} and {@code /run} (spec §8.1, §8.2). Stateless. */
final class RuntimeBodies
{
    private RuntimeBodies()
    {
    }

    static byte[] initBody(final Job job, final ActionCode code)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256 + (code.code() == null ? 0 :
            code.code().length()));
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out))
        {
            g.writeStartObject();
            g.writeObjectFieldStart("value");
            g.writeStringField("name", job.actionPath().substring(job.actionPath().lastIndexOf('/') + 1));
            g.writeStringField("main", code.main() == null ? "main" : code.main());
            g.writeStringField("code", code.code() == null ? "" : code.code());
            g.writeBooleanField("binary", code.binary());
            g.writeObjectFieldStart("env");
            for (final Map.Entry<String, String> e : code.initEnv().entrySet())
            {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeStringField("__OW_NAMESPACE", job.namespace());
            g.writeStringField("__OW_ACTION_NAME", "/" + job.actionPath());
            g.writeStringField("__OW_ACTION_VERSION", job.version());
            g.writeStringField("__OW_ACTIVATION_ID", job.activationId());
            g.writeStringField("__OW_TRANSACTION_ID", job.activationId());
            g.writeStringField("__OW_DEADLINE", Long.toString(System.currentTimeMillis() + job.limits().timeout()));
            if (job.apiKey() != null)
            {
                g.writeStringField("__OW_API_KEY", job.apiKey());
            }
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    private static final byte[] VALUE = ascii("{\"value\":");
    private static final byte[] NAMESPACE = ascii(",\"namespace\":\"");
    private static final byte[] ACTION_NAME = ascii("\",\"action_name\":\"/");
    private static final byte[] ACTION_VERSION = ascii("\",\"action_version\":\"");
    private static final byte[] ACTIVATION_ID = ascii("\",\"activation_id\":\"");
    private static final byte[] TRANSACTION_ID = ascii("\",\"transaction_id\":\"");
    private static final byte[] DEADLINE = ascii("\",\"deadline\":\"");
    private static final byte[] API_KEY = ascii("\",\"api_key\":\"");
    private static final byte[] END = ascii("\"}");
    private static final byte[] HEX = ascii("0123456789abcdef");

    /**
     * The {@code /run} body, written by hand into one array of its exact size: this runs once per activation on the
     * pool's owner thread, and a JSON generator, its buffers and the strings around it were a tenth of the bytes a
     * warm invoke allocated. The params are already JSON and go in as they are.
     */
    static byte[] runBody(final Job job, final long deadlineMs)
    {
        final byte[] params = job.params();
        final String deadline = Long.toString(deadlineMs);
        final String apiKey = job.apiKey();
        final int length = VALUE.length + params.length + NAMESPACE.length + escapedLength(job.namespace()) +
            ACTION_NAME.length + escapedLength(job.actionPath()) + ACTION_VERSION.length +
            escapedLength(job.version()) + ACTIVATION_ID.length + TRANSACTION_ID.length +
            2 * escapedLength(job.activationId()) + DEADLINE.length + deadline.length() +
            (apiKey == null ? 0 : API_KEY.length + escapedLength(apiKey)) + END.length;
        final byte[] out = new byte[length];
        int at = put(out, 0, VALUE);
        System.arraycopy(params, 0, out, at, params.length);
        at += params.length;
        at = putEscaped(out, put(out, at, NAMESPACE), job.namespace());
        at = putEscaped(out, put(out, at, ACTION_NAME), job.actionPath());
        at = putEscaped(out, put(out, at, ACTION_VERSION), job.version());
        at = putEscaped(out, put(out, at, ACTIVATION_ID), job.activationId());
        at = putEscaped(out, put(out, at, TRANSACTION_ID), job.activationId());
        at = putEscaped(out, put(out, at, DEADLINE), deadline);
        if (apiKey != null)
        {
            at = putEscaped(out, put(out, at, API_KEY), apiKey);
        }
        at = put(out, at, END);
        assert at == length;
        return out;
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static int put(final byte[] out, final int at, final byte[] bytes)
    {
        System.arraycopy(bytes, 0, out, at, bytes.length);
        return at + bytes.length;
    }

    /** Bytes of {@code s} as the inside of a JSON string in UTF-8. */
    static int escapedLength(final String s)
    {
        int n = 0;
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f')
            {
                n += 2;
            }
            else if (c < 0x20)
            {
                n += 6;
            }
            else if (c < 0x80)
            {
                n += 1;
            }
            else if (c < 0x800)
            {
                n += 2;
            }
            else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)))
            {
                n += 4;
                i++;
            }
            else
            {
                n += 3; // a lone surrogate is written as U+FFFD, three bytes, as String.getBytes does
            }
        }
        return n;
    }

    private static int putEscaped(final byte[] out, final int from, final String s)
    {
        int at = from;
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            switch (c)
            {
                case '"' -> { out[at++] = '\\'; out[at++] = '"'; }
                case '\\' -> { out[at++] = '\\'; out[at++] = '\\'; }
                case '\n' -> { out[at++] = '\\'; out[at++] = 'n'; }
                case '\r' -> { out[at++] = '\\'; out[at++] = 'r'; }
                case '\t' -> { out[at++] = '\\'; out[at++] = 't'; }
                case '\b' -> { out[at++] = '\\'; out[at++] = 'b'; }
                case '\f' -> { out[at++] = '\\'; out[at++] = 'f'; }
                default ->
                {
                    if (c < 0x20)
                    {
                        out[at++] = '\\';
                        out[at++] = 'u';
                        out[at++] = '0';
                        out[at++] = '0';
                        out[at++] = HEX[c >> 4];
                        out[at++] = HEX[c & 0xF];
                    }
                    else if (c < 0x80)
                    {
                        out[at++] = (byte)c;
                    }
                    else if (c < 0x800)
                    {
                        out[at++] = (byte)(0xC0 | (c >> 6));
                        out[at++] = (byte)(0x80 | (c & 0x3F));
                    }
                    else if (Character.isHighSurrogate(c) && i + 1 < s.length() &&
                        Character.isLowSurrogate(s.charAt(i + 1)))
                    {
                        final int cp = Character.toCodePoint(c, s.charAt(++i));
                        out[at++] = (byte)(0xF0 | (cp >> 18));
                        out[at++] = (byte)(0x80 | ((cp >> 12) & 0x3F));
                        out[at++] = (byte)(0x80 | ((cp >> 6) & 0x3F));
                        out[at++] = (byte)(0x80 | (cp & 0x3F));
                    }
                    else
                    {
                        final char w = Character.isSurrogate(c) ? '\uFFFD' : c;
                        out[at++] = (byte)(0xE0 | (w >> 12));
                        out[at++] = (byte)(0x80 | ((w >> 6) & 0x3F));
                        out[at++] = (byte)(0x80 | (w & 0x3F));
                    }
                }
            }
        }
        return at;
    }
}
