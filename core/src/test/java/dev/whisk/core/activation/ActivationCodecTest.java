package dev.whisk.core.activation;

import dev.whisk.core.entity.ActionLimits;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ActivationCodecTest
{
    static Activation sample(final String cause, final int initTime)
    {
        return new Activation(ActivationId.random(), "guest", "guest", "hello", "0.0.2", "guest/demo/hello",
            "nodejs:20", 1_767_225_600_100L, 1_767_225_600_142L, cause, ActivationStatus.APPLICATION_ERROR,
            "{\"error\":\"ünïcode ✓\"}".getBytes(StandardCharsets.UTF_8),
            List.of("2026-01-01T00:00:00.120000000Z stdout: hello", ""), new ActionLimits(1000, 128, 5, 1), true,
            5, initTime);
    }

    @Test
    void aRecordSurvivesARoundTripFieldForField()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        for (final Activation a : List.of(sample(null, -1), sample(ActivationId.random(), 30)))
        {
            final int length = ActivationCodec.encode(a, buffer, 7);
            final Activation back = ActivationCodec.decode(buffer, 7, length);
            assertThat(back).usingRecursiveComparison().ignoringFields("result").isEqualTo(a);
            assertThat(back.result()).isEqualTo(a.result());
        }
    }

    @Test
    void aRecordCutShortIsRefusedNotMisread()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        final int length = ActivationCodec.encode(sample(null, -1), buffer, 0);
        for (int cut = 0; cut < length; cut++)
        {
            final int at = cut;
            final ExpandableArrayBuffer truncated = new ExpandableArrayBuffer(at);
            truncated.putBytes(0, buffer, 0, at);
            assertThatThrownBy(() -> ActivationCodec.decode(new org.agrona.concurrent.UnsafeBuffer(
                truncated.byteArray(), 0, at), 0, at)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void theRestFormHasSuccessAndStatusAndTheSummaryHasStatusCode() throws Exception
    {
        final Activation a = sample(null, 30);
        final var full = dev.whisk.core.json.Json.MAPPER.readTree(ActivationJson.full(a));
        assertThat(full.path("response").path("status").asText()).isEqualTo("application error");
        assertThat(full.path("response").path("success").asBoolean()).isFalse();
        assertThat(full.path("response").path("result").path("error").asText()).isEqualTo("ünïcode ✓");
        assertThat(full.path("duration").asLong()).isEqualTo(42);
        assertThat(full.has("cause")).isFalse();
        final var summary = dev.whisk.core.json.Json.MAPPER.readTree(ActivationJson.summary(a));
        assertThat(summary.path("statusCode").asInt()).isEqualTo(1);
        assertThat(summary.has("response")).isFalse();
        final var result = dev.whisk.core.json.Json.MAPPER.readTree(ActivationJson.resultResponse(a));
        assertThat(result.path("status").asText()).isEqualTo("application error");
        assertThat(result.path("success").asBoolean()).isFalse();
    }
}
