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

    static byte[] runBody(final Job job, final long deadlineMs)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256 + job.params().length);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out))
        {
            g.writeStartObject();
            g.writeFieldName("value");
            g.writeRawValue(new String(job.params(), StandardCharsets.UTF_8));
            g.writeStringField("namespace", job.namespace());
            g.writeStringField("action_name", "/" + job.actionPath());
            g.writeStringField("action_version", job.version());
            g.writeStringField("activation_id", job.activationId());
            g.writeStringField("transaction_id", job.activationId());
            g.writeStringField("deadline", Long.toString(deadlineMs));
            if (job.apiKey() != null)
            {
                g.writeStringField("api_key", job.apiKey());
            }
            g.writeEndObject();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }
}
