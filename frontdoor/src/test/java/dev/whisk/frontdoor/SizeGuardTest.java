package dev.whisk.frontdoor;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The early size check, on an embedded channel: refusals happen on the headers, before any body is buffered. */
class SizeGuardTest
{
    @Test
    void anInvokeDeclaringMoreThanTheInvokeLimitIs413BeforeItsBodyIsRead()
    {
        final EmbeddedChannel ch = new EmbeddedChannel(new FrontDoor.SizeGuard(50_000, 1_000));
        final HttpRequest headers = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
            "/api/v1/namespaces/_/actions/a");
        headers.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 1_001);
        assertThat(ch.writeInbound(headers)).isFalse();
        final FullHttpResponse response = ch.readOutbound();
        assertThat(response.status().code()).isEqualTo(413);
        assertThat(response.content().toString(StandardCharsets.UTF_8))
            .contains("Request larger than allowed: 1001 > 1000 bytes.");
        response.release();
        assertThat(response.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");

        final HttpContent part = new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[600]));
        assertThat(ch.writeInbound(part)).isFalse();
        assertThat(part.refCnt()).as("discarded, not buffered").isZero();
        assertThat(ch.isOpen()).as("open while the client is still sending").isTrue();
        final LastHttpContent last = new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[401]));
        assertThat(ch.writeInbound(last)).isFalse();
        assertThat(last.refCnt()).isZero();
        assertThat(ch.isOpen()).as("the unread body must not be parsed as a next request").isFalse();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aPutWithinTheGeneralLimitPassesThrough()
    {
        final EmbeddedChannel ch = new EmbeddedChannel(new FrontDoor.SizeGuard(50_000, 1_000));
        final FullHttpRequest put = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT,
            "/api/v1/namespaces/_/actions/a", Unpooled.EMPTY_BUFFER);
        put.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 20_000);
        assertThat(ch.writeInbound(put)).isTrue();
        assertThat(ch.outboundMessages()).isEmpty();
        assertThat(ch.finishAndReleaseAll()).isTrue();
    }
}
