package dev.whisk.frontdoor;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checks on a request's headers, on an embedded channel: refusals happen before any body is buffered, and the
 * body budget is taken on the headers and given back when the API has taken the body or the connection closes.
 */
class RequestGateTest
{
    private static final String INVOKE = "/api/v1/namespaces/_/actions/a";

    @Test
    void anInvokeDeclaringMoreThanTheInvokeLimitIs413BeforeItsBodyIsRead()
    {
        final EmbeddedChannel ch = new EmbeddedChannel(new RequestGate(50_000, 1_000));
        final HttpRequest headers = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, INVOKE);
        headers.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 1_001);
        assertThat(ch.writeInbound(headers)).isFalse();
        final FullHttpResponse response = ch.readOutbound();
        assertThat(response.status().code()).isEqualTo(413);
        assertThat(response.content().toString(StandardCharsets.UTF_8))
            .contains("Request larger than allowed: 1001 > 1000 bytes.");
        response.release();
        assertThat(response.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
        assertDiscardedToItsEndThenClosed(ch);
    }

    @Test
    void aPutWithinTheGeneralLimitPassesThrough()
    {
        final EmbeddedChannel ch = new EmbeddedChannel(new RequestGate(50_000, 1_000));
        final FullHttpRequest put = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, INVOKE,
            Unpooled.EMPTY_BUFFER);
        put.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 20_000);
        assertThat(ch.writeInbound(put)).isTrue();
        assertThat(ch.outboundMessages()).isEmpty();
        assertThat(ch.finishAndReleaseAll()).isTrue();
    }

    @Test
    void aLargeBodyWithoutAGoodKeyIs401OnItsHeadersAndIsNeverBuffered()
    {
        final BodyBudget budget = new BodyBudget(100_000);
        final EmbeddedChannel ch = new EmbeddedChannel(new RequestGate(100_000, 50_000,
            (request, client) -> "The resource requires authentication, which was not supplied with the request",
            budget.account()));
        final HttpRequest headers = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, INVOKE);
        headers.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, (int)RequestGate.EARLY_KEY_CHECK_MIN_BYTES);
        assertThat(ch.writeInbound(headers)).isFalse();
        final FullHttpResponse response = ch.readOutbound();
        assertThat(response.status().code()).isEqualTo(401);
        assertThat(response.headers().get(HttpHeaderNames.WWW_AUTHENTICATE)).contains("Basic");
        assertThat(response.content().toString(StandardCharsets.UTF_8)).contains("requires authentication");
        response.release();
        assertThat(budget.usedBytes()).as("a refused body takes nothing of the budget").isZero();
        assertDiscardedToItsEndThenClosed(ch);
    }

    @Test
    void aRequestWithoutALargeBodyIsNotAskedForItsKeyHere()
    {
        final EmbeddedChannel ch = new EmbeddedChannel(new RequestGate(50_000, 50_000, (request, client) ->
        {
            throw new AssertionError("keys are checked here only for requests with a large body");
        }, null));
        final FullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, INVOKE);
        assertThat(ch.writeInbound(get)).isTrue();
        final FullHttpRequest small = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, INVOKE,
            Unpooled.wrappedBuffer(new byte[100]));
        small.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 100);
        assertThat(ch.writeInbound(small)).isTrue();
        assertThat(ch.finishAndReleaseAll()).isTrue();
    }

    @Test
    void aBodyThatDoesNotFitTheBudgetIs503OnItsHeadersAndFitsAgainOnceTheFirstIsTaken()
    {
        final BodyBudget budget = new BodyBudget(10_000);
        final EmbeddedChannel first = new EmbeddedChannel(new RequestGate(50_000, 50_000, null, budget.account()));
        final HttpRequest big = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, INVOKE);
        big.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 6_000);
        assertThat(first.writeInbound(big)).isTrue();
        assertThat(budget.usedBytes()).isEqualTo(6_000);

        final EmbeddedChannel second = new EmbeddedChannel(new RequestGate(50_000, 50_000, null,
            budget.account()));
        final HttpRequest another = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, INVOKE);
        another.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 6_000);
        assertThat(second.writeInbound(another)).isFalse();
        final FullHttpResponse refused = second.readOutbound();
        assertThat(refused.status().code()).isEqualTo(503);
        assertThat(refused.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("1");
        assertThat(refused.content().toString(StandardCharsets.UTF_8))
            .contains("Too many request bodies are being received at once: this one (6000 bytes) does not fit " +
                "the 10000 bytes");
        refused.release();
        assertThat(budget.usedBytes()).isEqualTo(6_000);
        assertDiscardedToItsEndThenClosed(second);

        first.close();
        assertThat(budget.usedBytes()).as("a closed connection gives back what it held").isZero();
        assertThat(first.finishAndReleaseAll()).isTrue();
        assertThat(budget.account().tryReserve(6_000)).isTrue();
    }

    @Test
    void aChunkedBodyIsCountedAsItArrivesAndCutWith503WhenItStopsFitting()
    {
        final BodyBudget budget = new BodyBudget(10_000);
        final List<Throwable> failures = new ArrayList<>();
        final EmbeddedChannel ch = new EmbeddedChannel(new RequestGate(50_000, 50_000, null, budget.account()),
            new HttpObjectAggregator(50_000), new ChannelInboundHandlerAdapter()
            {
                @Override
                public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
                {
                    failures.add(cause);
                }
            });
        final HttpRequest headers = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, INVOKE);
        headers.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        assertThat(ch.writeInbound(headers)).isFalse();
        assertThat(ch.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[6_000])))).isFalse();
        assertThat(budget.usedBytes()).isEqualTo(6_000);
        final HttpContent over = new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[6_000]));
        assertThat(ch.writeInbound(over)).isFalse();
        assertThat(over.refCnt()).as("not buffered").isZero();
        final FullHttpResponse refused = ch.readOutbound();
        assertThat(refused.status().code()).isEqualTo(503);
        refused.release();
        final LastHttpContent last = new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[10]));
        assertThat(ch.writeInbound(last)).isFalse();
        assertThat(ch.isOpen()).isFalse();
        assertThat(failures).as("the aggregator drops the part it held when the connection closes")
            .singleElement().isInstanceOf(PrematureChannelClosureException.class);
        assertThat(budget.usedBytes()).as("the part the aggregator held is given back on close").isZero();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void theBudgetIsGivenBackWhenTheApiHasTakenTheBody()
    {
        final BodyBudget budget = new BodyBudget(10_000);
        final BodyBudget.Account account = budget.account();
        final EmbeddedChannel ch = new EmbeddedChannel(new RequestGate(50_000, 50_000, null, account),
            new HttpObjectAggregator(50_000), new ResponseOrder(account));
        final HttpRequest headers = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, INVOKE);
        headers.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 4_000);
        ch.writeInbound(headers);
        assertThat(budget.usedBytes()).isEqualTo(4_000);
        ch.writeInbound(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[4_000])));
        final FullHttpRequest taken = ch.readInbound();
        assertThat(taken.content().readableBytes()).isEqualTo(4_000);
        taken.release();
        assertThat(budget.usedBytes()).isZero();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    /** The rest of a refused request is thrown away as it comes, and the connection closes at its end. */
    private static void assertDiscardedToItsEndThenClosed(final EmbeddedChannel ch)
    {
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
}
