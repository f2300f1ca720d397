package dev.whisk.core.activation;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.json.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Renders activation records in the REST shapes of the spec: the full record (with {@code response.success} and
 * {@code status}), the list summary (with {@code statusCode}), and the {@code /result} form. The stored result bytes
 * are written through untouched. Annotations follow OpenWhisk's: a sequence or composition record has
 * {@code topmost}, a composition's also {@code conductor: true}, and every record with a {@code cause} has
 * {@code causedBy: "sequence"} (OpenWhisk uses that value inside compositions too).
 */
public final class ActivationJson
{
    /** OpenWhisk's {@code kind} of sequence and composition records, and its {@code causedBy} inside either. */
    private static final String SEQUENCE = "sequence";

    private ActivationJson()
    {
    }

    public static byte[] full(final Activation a)
    {
        return write(g -> writeFull(g, a));
    }

    public static byte[] summary(final Activation a)
    {
        return write(g -> writeSummary(g, a));
    }

    /** A JSON array of records, full or summary. */
    public static byte[] list(final List<Activation> activations, final boolean docs)
    {
        return write(g ->
        {
            g.writeStartArray();
            for (final Activation a : activations)
            {
                if (docs)
                {
                    writeFull(g, a);
                }
                else
                {
                    writeSummary(g, a);
                }
            }
            g.writeEndArray();
        });
    }

    /** {@code {"result","success","status"}}, the body of {@code GET .../activations/{id}/result}. */
    public static byte[] resultResponse(final Activation a)
    {
        return write(g ->
        {
            g.writeStartObject();
            writeResult(g, a);
            g.writeBooleanField("success", a.status() == ActivationStatus.SUCCESS);
            g.writeStringField("status", a.status().text());
            g.writeEndObject();
        });
    }

    public static byte[] logs(final Activation a)
    {
        return write(g ->
        {
            g.writeStartObject();
            g.writeArrayFieldStart("logs");
            for (final String line : a.logs())
            {
                g.writeString(line);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void writeFull(final JsonGenerator g, final Activation a) throws IOException
    {
        g.writeStartObject();
        writeHead(g, a);
        g.writeObjectFieldStart("response");
        g.writeStringField("status", a.status().text());
        g.writeNumberField("statusCode", a.status().code());
        g.writeBooleanField("success", a.status() == ActivationStatus.SUCCESS);
        writeResult(g, a);
        if (a.result() != null)
        {
            g.writeNumberField("size", a.result().length);
        }
        g.writeEndObject();
        g.writeArrayFieldStart("logs");
        for (final String line : a.logs())
        {
            g.writeString(line);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeSummary(final JsonGenerator g, final Activation a) throws IOException
    {
        g.writeStartObject();
        writeHead(g, a);
        g.writeNumberField("statusCode", a.status().code());
        g.writeEndObject();
    }

    private static void writeHead(final JsonGenerator g, final Activation a) throws IOException
    {
        g.writeStringField("namespace", a.namespace());
        g.writeStringField("name", a.name());
        g.writeStringField("version", a.version());
        g.writeStringField("subject", a.subject());
        g.writeStringField("activationId", a.activationId());
        g.writeNumberField("start", a.startMs());
        if (a.endMs() != 0)
        {
            g.writeNumberField("end", a.endMs());
            g.writeNumberField("duration", a.durationMs());
        }
        if (a.cause() != null)
        {
            g.writeStringField("cause", a.cause());
        }
        g.writeBooleanField("publish", false);
        g.writeArrayFieldStart("annotations");
        final boolean composition = Activation.KIND_COMPOSITION.equals(a.kind());
        if (composition || SEQUENCE.equals(a.kind()))
        {
            annotation(g, "topmost").writeBoolean(a.cause() == null);
            g.writeEndObject();
        }
        annotation(g, "path").writeString(a.path());
        g.writeEndObject();
        annotation(g, "waitTime").writeNumber(a.waitTimeMs());
        g.writeEndObject();
        annotation(g, "kind").writeString(composition ? SEQUENCE : a.kind());
        g.writeEndObject();
        if (composition)
        {
            annotation(g, "conductor").writeBoolean(true);
            g.writeEndObject();
        }
        if (a.cause() != null)
        {
            annotation(g, "causedBy").writeString(SEQUENCE);
            g.writeEndObject();
        }
        annotation(g, "timeout").writeBoolean(a.timedOut());
        g.writeEndObject();
        final ActionLimits l = a.limits();
        annotation(g, "limits").writeStartObject();
        g.writeNumberField("concurrency", l.concurrency());
        g.writeNumberField("logs", l.logs());
        g.writeNumberField("memory", l.memory());
        g.writeNumberField("timeout", l.timeout());
        g.writeEndObject();
        g.writeEndObject();
        if (a.initTimeMs() >= 0)
        {
            annotation(g, "initTime").writeNumber(a.initTimeMs());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static JsonGenerator annotation(final JsonGenerator g, final String key) throws IOException
    {
        g.writeStartObject();
        g.writeStringField("key", key);
        g.writeFieldName("value");
        return g;
    }

    private static void writeResult(final JsonGenerator g, final Activation a) throws IOException
    {
        g.writeFieldName("result");
        if (a.result() == null || a.result().length == 0)
        {
            g.writeStartObject();
            g.writeEndObject();
        }
        else
        {
            g.writeRawValue(new String(a.result(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private interface Body
    {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(final Body body)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out))
        {
            body.write(g);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }
}
