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
    void theIndexedFieldsAreReadWithoutDecodingTheRecord()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        final Activation a = sample(null, -1);
        final int length = ActivationCodec.encode(a, buffer, 3);
        final ActivationCodec.Key key = new ActivationCodec.Key();

        ActivationCodec.decodeKey(buffer, 3, length, key);

        assertThat(ActivationId.toString(key.idHi, key.idLo)).isEqualTo(a.activationId());
        assertThat(key.startMs).isEqualTo(a.startMs());
        assertThat(key.namespace).isEqualTo("guest");
        assertThat(key.path).isEqualTo("guest/demo/hello");
    }

    @Test
    void aVersion1RecordWrittenBeforeTheVarintFormatIsStillRead()
    {
        final Activation a = sample(ActivationId.random(), 30);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        buffer.putByte(0, ActivationCodec.VERSION_1);
        buffer.putLong(1, ActivationId.parseHi(a.activationId()));
        buffer.putLong(9, ActivationId.parseLo(a.activationId()));
        buffer.putLong(17, a.startMs());
        buffer.putLong(25, a.endMs());
        buffer.putByte(33, (byte)a.status().code());
        buffer.putByte(34, (byte)1);
        buffer.putInt(35, a.limits().timeout());
        buffer.putInt(39, a.limits().memory());
        buffer.putInt(43, a.limits().logs());
        buffer.putInt(47, a.limits().concurrency());
        buffer.putInt(51, a.waitTimeMs());
        buffer.putInt(55, a.initTimeMs());
        int at = 59;
        for (final String field : new String[] {a.namespace(), a.subject(), a.name(), a.version(), a.path(), a.kind(),
            a.cause()})
        {
            at = dev.whisk.core.wire.Fields.putString(buffer, at, field);
        }
        at = dev.whisk.core.wire.Fields.putBytes(buffer, at, a.result());
        buffer.putInt(at, a.logs().size());
        at += Integer.BYTES;
        for (final String log : a.logs())
        {
            at = dev.whisk.core.wire.Fields.putString(buffer, at, log);
        }

        final Activation back = ActivationCodec.decode(buffer, 0, at);

        assertThat(back).usingRecursiveComparison().ignoringFields("result").isEqualTo(a);
        assertThat(back.result()).isEqualTo(a.result());
        final int v2Length = ActivationCodec.encode(a, new ExpandableArrayBuffer(64), 0);
        assertThat(v2Length).isLessThan(at);
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
