package dev.whisk.core.wire;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeartbeatTest
{
    @Test
    void aHeartbeatRoundTripsAndIsToldApartFromOtherMessages()
    {
        final Heartbeat out = new Heartbeat();
        out.invokerId = 2;
        out.totalMemoryMb = 4096;
        out.freeMemoryMb = 1024;
        out.flags = Heartbeat.FLAG_CAN_RUN;
        out.sentMs = 1_767_225_600_000L;
        out.requestChannel = "aeron:udp?endpoint=10.0.0.2:40123";
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(8);
        final int length = out.encode(buffer, 5);

        final Heartbeat in = new Heartbeat().decode(buffer, 5, length);
        assertThat(in.invokerId).isEqualTo(2);
        assertThat(in.freeMemoryMb).isEqualTo(1024);
        assertThat(in.canRun()).isTrue();
        assertThat(in.requestChannel).isEqualTo("aeron:udp?endpoint=10.0.0.2:40123");
        assertThatThrownBy(() -> new InvokeRequest().decode(buffer, 5, length))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
