package dev.whisk.frontdoor;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Pipelined requests on an embedded channel: a quick answer never overtakes a slow one before it. */
class ResponseOrderTest
{
    /** Answers "/fast" at once and "/slow" only when the test says so. */
    static final class Api extends ChannelInboundHandlerAdapter
    {
        final List<String> seen = new ArrayList<>();
        ChannelHandlerContext slowCtx;

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            final FullHttpRequest r = (FullHttpRequest)msg;
            seen.add(r.uri());
            if (r.uri().equals("/slow"))
            {
                slowCtx = ctx;
            }
            else
            {
                ctx.writeAndFlush(answer(r.uri()));
            }
            r.release();
        }

        void answerSlow()
        {
            slowCtx.writeAndFlush(answer("/slow"));
        }
    }

    @Test
    void aLaterQuickAnswerWaitsForTheEarlierSlowOne()
    {
        final Api api = new Api();
        final EmbeddedChannel ch = new EmbeddedChannel(new ResponseOrder(), api);
        ch.writeInbound(request("/slow"));
        ch.writeInbound(request("/fast"));
        ch.runPendingTasks();
        assertThat(api.seen).as("the second request is held while the first is unanswered").containsExactly("/slow");
        assertThat((Object)ch.readOutbound()).isNull();

        api.answerSlow();
        ch.runPendingTasks();
        assertThat(api.seen).containsExactly("/slow", "/fast");
        assertThat(bodyOf(ch.readOutbound())).isEqualTo("/slow");
        assertThat(bodyOf(ch.readOutbound())).isEqualTo("/fast");
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void heldRequestsAreReleasedWhenTheConnectionCloses()
    {
        final Api api = new Api();
        final EmbeddedChannel ch = new EmbeddedChannel(new ResponseOrder(), api);
        ch.writeInbound(request("/slow"));
        final FullHttpRequest held = request("/fast");
        ch.writeInbound(held);
        assertThat(held.refCnt()).isEqualTo(1);
        ch.close();
        ch.runPendingTasks();
        assertThat(held.refCnt()).isZero();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    private static FullHttpRequest request(final String uri)
    {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri, Unpooled.buffer(1));
    }

    private static FullHttpResponse answer(final String body)
    {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
            Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    }

    private static String bodyOf(final Object msg)
    {
        final FullHttpResponse r = (FullHttpResponse)msg;
        try
        {
            return r.content().toString(StandardCharsets.UTF_8);
        }
        finally
        {
            r.release();
        }
    }
}
