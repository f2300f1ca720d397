package dev.whisk.core.wire;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InvokeRequestTest
{
    @Test
    void anInvokeMessageRoundTripsAndNullsStayNull()
    {
        final InvokeRequest out = new InvokeRequest();
        out.idHi = -1L;
        out.idLo = 42L;
        out.acceptedMs = 1_767_225_600_000L;
        out.revision = 99;
        out.timeoutMs = 60_000;
        out.memoryMb = 256;
        out.logsMb = 10;
        out.concurrency = 3;
        out.flags = InvokeRequest.FLAG_BLOCKING;
        out.namespace = "guest";
        out.subject = "guest";
        out.actionPath = "guest/pkg/hello world";
        out.actionVersion = "0.0.7";
        out.kind = "nodejs:20";
        out.cause = null;
        out.apiKey = null;
        out.params = "{\"name\":\"Jäne\"}".getBytes(StandardCharsets.UTF_8);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(16);
        final int length = out.encode(buffer, 3);

        final InvokeRequest in = new InvokeRequest().decode(buffer, 3, length);
        assertThat(in.activationId()).isEqualTo("ffffffffffffffff000000000000002a");
        assertThat(in.isBlocking()).isTrue();
        assertThat(in.actionPath).isEqualTo("guest/pkg/hello world");
        assertThat(in.cause).isNull();
        assertThat(in.apiKey).isNull();
        assertThat(in.concurrency).isEqualTo(3);
        assertThat(new String(in.params, StandardCharsets.UTF_8)).isEqualTo("{\"name\":\"Jäne\"}");
    }

    @Test
    void aMessageOfAnotherTemplateIsRefused()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        MessageHeader.put(buffer, 0, MessageHeader.COMPLETION);
        assertThatThrownBy(() -> new InvokeRequest().decode(buffer, 0, 64))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
