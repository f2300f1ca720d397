package dev.whisk.frontdoor;

import dev.whisk.core.activation.ActivationId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AsciiString;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One HTTP request and its one answer. Everything the handlers need is copied out of the Netty request while it is
 * alive, so an answer may come later from any thread: {@link #send} always writes on the connection's event loop,
 * and only the first answer counts.
 */
public final class Exchange
{
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Exchange.class);
    public static final AsciiString ACTIVATION_ID_HEADER = AsciiString.cached("x-openwhisk-activation-id");
    private static final AsciiString CORS_METHODS = AsciiString.cached("GET, DELETE, POST, PUT, HEAD");
    private static final AsciiString CORS_HEADERS = AsciiString.cached(
        "Authorization, Origin, X-Requested-With, Content-Type, Accept, User-Agent");
    private static final AsciiString STAR = AsciiString.cached("*");

    private final ChannelHandlerContext ctx;
    private final HttpMethod method;
    private final String path;
    private final String rawPath;
    private final Map<String, List<String>> query;
    private final String rawQuery;
    private final byte[] body;
    private final HttpHeaders requestHeaders;
    private final boolean keepAlive;
    private String transactionId;
    private boolean answered;

    Exchange(final ChannelHandlerContext ctx, final HttpMethod method, final String uri, final byte[] body,
        final HttpHeaders requestHeaders, final boolean keepAlive)
    {
        this.ctx = ctx;
        this.method = method;
        final QueryStringDecoder decoder = new QueryStringDecoder(uri);
        String decodedPath;
        Map<String, List<String>> decodedQuery;
        try
        {
            decodedPath = decoder.path();
            decodedQuery = decoder.parameters();
        }
        catch (final IllegalArgumentException ex)
        {
            // A bad percent-escape ("/a%zz", "?x=%"): routed nowhere, answered 400 by the handler.
            decodedPath = null;
            decodedQuery = Map.of();
        }
        this.path = decodedPath;
        this.rawPath = decoder.rawPath();
        this.query = decodedQuery;
        this.rawQuery = decoder.rawQuery();
        this.body = body;
        this.requestHeaders = requestHeaders;
        this.keepAlive = keepAlive;
    }

    /** Whether the request's path or query holds an escape that does not decode; {@link #path()} is then null. */
    boolean isMalformedUri()
    {
        return path == null;
    }

    public HttpMethod method()
    {
        return method;
    }

    public String path()
    {
        return path;
    }

    /**
     * The path's segments after its first {@code skip}, each percent-decoded on its own after the raw path was split
     * on {@code /} (an encoded slash stays in its segment); see {@link Paths#segments}.
     */
    public String[] segments(final int skip)
    {
        return Paths.segments(rawPath, skip);
    }

    public byte[] body()
    {
        return body;
    }

    public HttpHeaders requestHeaders()
    {
        return requestHeaders;
    }

    /** The first value of query parameter {@code name}, or {@code null}. */
    public String query(final String name)
    {
        final List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Every query parameter with its decoded values, in request order. */
    public Map<String, List<String>> queryParameters()
    {
        return query;
    }

    /** The query string as sent, without {@code ?}; empty when there is none. */
    public String rawQuery()
    {
        return rawQuery;
    }

    public boolean queryFlag(final String name)
    {
        final String v = query(name);
        return v != null && (v.isEmpty() || "true".equalsIgnoreCase(v));
    }

    /** The transaction id carried in error bodies and logs; made on first use. */
    public String transactionId()
    {
        if (transactionId == null)
        {
            transactionId = ActivationId.random();
        }
        return transactionId;
    }

    public io.netty.util.concurrent.EventExecutor executor()
    {
        return ctx.executor();
    }

    public void sendJson(final HttpResponseStatus status, final byte[] json)
    {
        send(status, json, null);
    }

    /** Answers with a JSON body and, when given, the activation id header. */
    public void send(final HttpResponseStatus status, final byte[] json, final String activationId)
    {
        if (ctx.executor().inEventLoop())
        {
            write(status, json, activationId);
        }
        else
        {
            ctx.executor().execute(() -> write(status, json, activationId));
        }
    }

    /**
     * Answers with any body: {@code contentType} (none when {@code null}) and extra headers, each name with one or
     * more values; for web actions.
     */
    public void sendContent(final HttpResponseStatus status, final byte[] body, final CharSequence contentType,
        final List<Map.Entry<String, String>> headers, final String activationId)
    {
        if (ctx.executor().inEventLoop())
        {
            write(status, body, contentType, headers, activationId);
        }
        else
        {
            ctx.executor().execute(() -> write(status, body, contentType, headers, activationId));
        }
    }

    public void sendError(final HttpResponseStatus status, final String message)
    {
        sendJson(status, ErrorBody.of(message, transactionId()));
    }

    /**
     * Runs one step of this request's handling and answers its failure as the API does: an {@link ApiError} with its
     * status and text, a service's {@link dev.whisk.frontdoor.invoke.Refusal} with the status of its kind, an
     * {@link IllegalArgumentException} as 400, anything else as 500 (logged under the
     * transaction id, never shown). The first step runs when the request is read; a later one (after an
     * authentication hashed off the loop) runs on this connection's event loop.
     */
    public void run(final Runnable step)
    {
        try
        {
            step.run();
        }
        catch (final ApiError error)
        {
            sendError(error.status(), error.getMessage());
        }
        catch (final dev.whisk.frontdoor.invoke.Refusal refusal)
        {
            sendError(ApiError.statusOf(refusal.kind()), refusal.getMessage());
        }
        catch (final IllegalArgumentException error)
        {
            sendError(HttpResponseStatus.BAD_REQUEST, dev.whisk.core.json.Json.clean(error.getMessage()));
        }
        catch (final RuntimeException error)
        {
            LOG.error("event=request-failed code={} method={} path={}", transactionId(), method, path, error);
            sendError(HttpResponseStatus.INTERNAL_SERVER_ERROR, dev.whisk.core.entity.Messages.INTERNAL_ERROR);
        }
    }

    /** The client's IP address as the socket has it (not a header a client could set), or "" when unknown. */
    public String clientAddress()
    {
        return ctx.channel().remoteAddress() instanceof java.net.InetSocketAddress a && a.getAddress() != null ?
            a.getAddress().getHostAddress() : "";
    }

    private void write(final HttpResponseStatus status, final byte[] json, final String activationId)
    {
        write(status, json, json == null ? null : HttpHeaderValues.APPLICATION_JSON, null, activationId);
    }

    private void write(final HttpResponseStatus status, final byte[] json, final CharSequence contentType,
        final List<Map.Entry<String, String>> extraHeaders, final String activationId)
    {
        if (answered)
        {
            return;
        }
        answered = true;
        final ByteBuf content = json == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(json);
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        final HttpHeaders h = response.headers();
        if (contentType != null)
        {
            h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, STAR);
        h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, CORS_METHODS);
        h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, CORS_HEADERS);
        if (extraHeaders != null)
        {
            final Set<String> replaced = new HashSet<>();
            for (final Map.Entry<String, String> e : extraHeaders)
            {
                if (replaced.add(e.getKey().toLowerCase(Locale.ROOT)))
                {
                    h.remove(e.getKey());
                }
                h.add(e.getKey(), e.getValue());
            }
        }
        if (activationId != null)
        {
            h.set(ACTIVATION_ID_HEADER, activationId);
        }
        if (status.code() == 401)
        {
            h.set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"OpenWhisk secure realm\"");
        }
        if (keepAlive)
        {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response, ctx.voidPromise());
        }
        else
        {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The JSON error body {@code {"error":..., "code":...}}. */
    public static final class ErrorBody
    {
        private ErrorBody()
        {
        }

        public static byte[] of(final String message, final String code)
        {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                .put("error", message).put("code", code).toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
