package dev.whisk.pool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.json.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code /run} body written by hand is the JSON the runtime protocol asks for (spec §8.2), whatever the strings. */
class RuntimeBodiesTest
{
    private static Job job(final String namespace, final String path, final String version, final String id,
        final String params, final String apiKey)
    {
        return new Job(id, namespace, namespace, path, version, 1, "nodejs:20", new ActionLimits(60_000, 256, 10, 1),
            params.getBytes(StandardCharsets.UTF_8), System.currentTimeMillis(), apiKey, null, true, null);
    }

    private static ObjectNode expected(final Job job, final long deadlineMs) throws IOException
    {
        final ObjectNode o = Json.MAPPER.createObjectNode();
        o.set("value", Json.MAPPER.readTree(job.params()));
        o.put("namespace", job.namespace());
        o.put("action_name", "/" + job.actionPath());
        o.put("action_version", job.version());
        o.put("activation_id", job.activationId());
        o.put("transaction_id", job.activationId());
        o.put("deadline", Long.toString(deadlineMs));
        if (job.apiKey() != null)
        {
            o.put("api_key", job.apiKey());
        }
        return o;
    }

    @Test
    void aPlainJobsBodyCarriesItsParamsAsTheyAreAndEveryFieldOfTheProtocol() throws IOException
    {
        final Job job = job("guest", "guest/pkg/hello", "0.0.1", "0123456789abcdef0123456789abcdef",
            "{\"name\":\"World\",\"n\":[1,2,{\"deep\":null}]}", "uuid:key");
        final byte[] body = RuntimeBodies.runBody(job, 1_700_000_000_123L);

        assertThat(new String(body, StandardCharsets.UTF_8)).startsWith(
            "{\"value\":{\"name\":\"World\",\"n\":[1,2,{\"deep\":null}]},\"namespace\":\"guest\"");
        assertThat(Json.MAPPER.readTree(body)).isEqualTo(expected(job, 1_700_000_000_123L));
        assertThat(Json.MAPPER.readTree(body).get("api_key").asText()).isEqualTo("uuid:key");
        assertThat(Json.MAPPER.readTree(body).get("action_name").asText()).isEqualTo("/guest/pkg/hello");
    }

    @Test
    void stringsThatNeedEscapingOrAreNotAsciiComeOutAsJacksonWouldReadThem() throws IOException
    {
        for (final String odd : new String[] {"quo\"te", "back\\slash", "new\nline\ttab\r\b\f", "ctl\u0001\u001f",
            "caf\u00e9", "\u20ac uro", "emoji \ud83d\ude00", ""})
        {
            final Job job = job("ns " + odd, "ns/" + odd, odd, "id" + odd, "{}", odd);
            final JsonNode read = Json.MAPPER.readTree(RuntimeBodies.runBody(job, 42));
            assertThat(read).as(odd).isEqualTo(expected(job, 42));
        }
    }

    @Test
    void withoutAnApiKeyTheFieldIsLeftOut() throws IOException
    {
        final Job job = job("guest", "guest/a", "0.0.1", "abc", "[]", null);
        final JsonNode read = Json.MAPPER.readTree(RuntimeBodies.runBody(job, 1));
        assertThat(read.has("api_key")).isFalse();
        assertThat(read).isEqualTo(expected(job, 1));
    }
}
