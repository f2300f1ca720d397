package dev.whisk.frontdoor;

import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Messages;
import dev.whisk.frontdoor.api.ActionsApi;
import dev.whisk.frontdoor.api.ActivationsApi;
import dev.whisk.frontdoor.api.ApiGateway;
import dev.whisk.frontdoor.api.InvokeApi;
import dev.whisk.frontdoor.api.LogForwardingApi;
import dev.whisk.frontdoor.api.NamespacesApi;
import dev.whisk.frontdoor.api.PackagesApi;
import dev.whisk.frontdoor.api.RulesApi;
import dev.whisk.frontdoor.api.TriggersApi;
import dev.whisk.frontdoor.api.WebActionsApi;
import dev.whisk.frontdoor.api.WebhooksApi;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * Routes {@code /api/v1} requests: authenticates, resolves {@code _} to the caller's namespace, checks the caller
 * may act in the namespace it names, and hands the exchange to the API of the collection. Every failure becomes the
 * JSON error body here, one place; a stack trace never reaches a client. Stateless and shared by all channels.
 * Web actions and webhooks ({@code /api/v1/webhooks/...}, proven by a per-trigger secret) are routed before the
 * key is asked for.
 */
@ChannelHandler.Sharable
public final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest>
{
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    private static final String PREFIX = "/api/v1";
    private static final String WEB_PREFIX = PREFIX + "/web/";
    private static final String NAMESPACES_PREFIX = PREFIX + "/namespaces";
    private static final String GATEWAY_PREFIX = "/api/";

    private final Authenticator authenticator;
    private final ActionsApi actions;
    private final InvokeApi invoke;
    private final ActivationsApi activations;
    private final NamespacesApi namespaces;
    private final PackagesApi packages;
    private final TriggersApi triggers;
    private final RulesApi rules;
    private final WebActionsApi web;
    private final WebhooksApi webhooks;
    private final ApiGateway gateway;
    private final LogForwardingApi logForwarding;
    private final InvokersHandler invokers;
    private final MetricsHandler metrics;

    /**
     * Made by {@link ApiWiring}, which builds the services and APIs behind it.
     *
     * @param gateway the API gateway's routes; {@code null} leaves {@code /api/{ns}/...} and apimgmt unserved.
     */
    ApiHandler(final Authenticator authenticator, final ActionsApi actions, final InvokeApi invoke,
        final ActivationsApi activations, final NamespacesApi namespaces, final PackagesApi packages,
        final TriggersApi triggers, final RulesApi rules, final WebActionsApi web, final WebhooksApi webhooks,
        final ApiGateway gateway, final LogForwardingApi logForwarding, final InvokersHandler invokers,
        final MetricsHandler metrics)
    {
        this.gateway = gateway;
        this.logForwarding = logForwarding;
        this.web = web;
        this.webhooks = webhooks;
        this.authenticator = authenticator;
        this.actions = actions;
        this.invoke = invoke;
        this.activations = activations;
        this.namespaces = namespaces;
        this.packages = packages;
        this.triggers = triggers;
        this.rules = rules;
        this.invokers = invokers;
        this.metrics = metrics;
    }

    /** What {@code GET /metrics} renders; the front door adds its connections' samples. */
    Metrics metrics()
    {
        return metrics.metrics();
    }

    /**
     * The 401 message for a request with a body whose route needs a key it does not carry, decided on its headers so
     * that the front door refuses it before reading the body; {@code null} for any other request. Only
     * {@code /api/v1/namespaces/...} is checked here: web actions, webhooks and gateway routes take bodies without
     * a key by design (the body budget bounds them).
     */
    String refusalBeforeBody(final HttpRequest request, final String client)
    {
        if (request.method() == HttpMethod.OPTIONS || !needsKey(request.uri()))
        {
            return null;
        }
        return authenticator.refusal(request.headers(), client);
    }

    /** Whether the raw {@code uri} is under {@code /api/v1/namespaces}, every route of which asks for a key. */
    static boolean needsKey(final String uri)
    {
        final String prefix = NAMESPACES_PREFIX;
        if (!uri.startsWith(prefix))
        {
            return false;
        }
        if (uri.length() == prefix.length())
        {
            return true;
        }
        final char next = uri.charAt(prefix.length());
        return next == '/' || next == '?';
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        final byte[] body = ByteBufUtil.getBytes(request.content());
        final Exchange ex = new Exchange(ctx, request.method(), request.uri(), body, request.headers(),
            HttpUtil.isKeepAlive(request));
        if (!request.decoderResult().isSuccess())
        {
            ex.sendError(HttpResponseStatus.BAD_REQUEST, Messages.MALFORMED_PREFIX + "invalid HTTP request");
            return;
        }
        if (ex.isMalformedUri())
        {
            ex.sendError(HttpResponseStatus.BAD_REQUEST, Messages.MALFORMED_PREFIX + "invalid percent-encoding");
            return;
        }
        ex.run(() -> route(ex));
    }

    private void route(final Exchange ex)
    {
        final String path = ex.path();
        if (path.isEmpty() || "/".equals(path))
        {
            requireMethod(ex, HttpMethod.GET);
            ex.sendJson(HttpResponseStatus.OK, namespaces.deployment());
            return;
        }
        if (InvokersHandler.matches(path))
        {
            invokers.serve(ex, path);
            return;
        }
        if (MetricsHandler.PATH.equals(path))
        {
            metrics.serve(ex);
            return;
        }
        if (path.startsWith(LogForwardingApi.PREFIX))
        {
            logForwarding.handle(ex, ex.segments(1));
            return;
        }
        if (gateway != null && path.startsWith(GATEWAY_PREFIX) && !isPrefixPath(path))
        {
            gateway.serve(ex, ex.segments(1));
            return;
        }
        if (!path.startsWith(PREFIX))
        {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, Messages.ROUTE_NOT_FOUND);
        }
        if (ex.method() == HttpMethod.OPTIONS)
        {
            if (path.startsWith(WEB_PREFIX))
            {
                WebActionsApi.answerPreflight(ex);
            }
            else
            {
                ex.sendJson(HttpResponseStatus.OK, null);
            }
            return;
        }
        final String[] seg = ex.segments(2);
        if (seg.length == 0)
        {
            requireMethod(ex, HttpMethod.GET);
            ex.sendJson(HttpResponseStatus.OK, NamespacesApi.info());
            return;
        }
        if ("web".equals(seg[0]))
        {
            if (gateway != null && ApiGateway.isManagement(seg))
            {
                gateway.manage(ex, seg);
                return;
            }
            web.handle(ex, seg);
            return;
        }
        if (WebhooksApi.SEGMENT.equals(seg[0]))
        {
            requireJsonBody(ex);
            webhooks.receive(ex, seg);
            return;
        }
        if (!"namespaces".equals(seg[0]))
        {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, Messages.ROUTE_NOT_FOUND);
        }
        authenticator.authenticate(ex, identity -> routeAs(ex, identity, seg));
    }

    /** The rest of {@link #route} for an authenticated caller of {@code /api/v1/namespaces/...}. */
    private void routeAs(final Exchange ex, final Identity identity, final String[] seg)
    {
        requireJsonBody(ex);
        if (seg.length == 1)
        {
            requireMethod(ex, HttpMethod.GET);
            namespaces.list(ex, identity);
            return;
        }
        final String named = Paths.namespace(seg[1]);
        requireNoSlash(named, seg);
        final String namespace = "_".equals(named) ? identity.namespace() : named;
        if (seg.length < 3)
        {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, Messages.ROUTE_NOT_FOUND);
        }
        switch (seg[2])
        {
            case "actions" -> routeActions(ex, identity, namespace, seg);
            case "packages" -> routePackages(ex, identity, namespace, seg);
            case "activations" ->
            {
                requireOwn(identity, namespace);
                routeActivations(ex, namespace, seg);
            }
            case "triggers" ->
            {
                requireOwn(identity, namespace);
                routeTriggers(ex, identity, namespace, seg);
            }
            case "rules" ->
            {
                requireOwn(identity, namespace);
                routeRules(ex, identity, namespace, seg);
            }
            case "limits" ->
            {
                requireOwn(identity, namespace);
                if (seg.length != 3)
                {
                    throw new ApiError(HttpResponseStatus.NOT_FOUND, Messages.ROUTE_NOT_FOUND);
                }
                requireMethod(ex, HttpMethod.GET);
                namespaces.limits(ex, identity);
            }
            default -> throw new ApiError(HttpResponseStatus.NOT_FOUND, Messages.ROUTE_NOT_FOUND);
        }
    }

    /**
     * A slash sent encoded stays inside its segment ({@link Paths}); in a name it is an illegal character, never a
     * way to reach another entity's path. Only the namespace's one leading slash is dropped before this.
     */
    private static void requireNoSlash(final String namespace, final String[] seg)
    {
        boolean slash = namespace.indexOf('/') >= 0;
        for (int i = 2; i < seg.length && !slash; i++)
        {
            slash = seg[i].indexOf('/') >= 0;
        }
        if (slash)
        {
            throw ApiError.badRequest(Messages.ILLEGAL_NAME);
        }
    }

    /** Whether {@code path} is under {@code /api/v1} rather than an API gateway route's {@code /api/{ns}}. */
    private static boolean isPrefixPath(final String path)
    {
        return path.startsWith(PREFIX) && (path.length() == PREFIX.length() || path.charAt(PREFIX.length()) == '/');
    }

    /** Another namespace's triggers, rules, activations and limits are never visible: 403 naming the namespace. */
    private static void requireOwn(final Identity identity, final String namespace)
    {
        if (!namespace.equals(identity.namespace()))
        {
            throw new ApiError(HttpResponseStatus.FORBIDDEN, Messages.notAuthorized(namespace));
        }
    }

    private void routePackages(final Exchange ex, final Identity identity, final String namespace,
        final String[] seg)
    {
        if (seg.length == 3)
        {
            requireMethod(ex, HttpMethod.GET);
            packages.list(ex, identity, namespace);
            return;
        }
        if (seg.length != 4)
        {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, Messages.ROUTE_NOT_FOUND);
        }
        final HttpMethod m = ex.method();
        if (m == HttpMethod.GET || m == HttpMethod.HEAD)
        {
            packages.get(ex, identity, namespace, seg[3]);
        }
        else if (m == HttpMethod.PUT)
        {
            packages.put(ex, identity, namespace, seg[3]);
        }
        else if (m == HttpMethod.DELETE)
        {
            packages.delete(ex, identity, namespace, seg[3]);
        }
        else
        {
            throw methodNotAllowed("GET, PUT, DELETE");
        }
    }

    private void routeTriggers(final Exchange ex, final Identity identity, final String namespace,
        final String[] seg)
    {
        if (seg.length == 3)
        {
            requireMethod(ex, HttpMethod.GET);
            triggers.list(ex, namespace);
            return;
        }
        if (seg.length == 5 && "webhook".equals(seg[4]))
        {
            routeWebhook(ex, namespace, seg[3]);
            return;
        }
        if (seg.length != 4)
        {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, Messages.ROUTE_NOT_FOUND);
        }
        final HttpMethod m = ex.method();
        if (m == HttpMethod.GET || m == HttpMethod.HEAD)
        {
            triggers.get(ex, namespace, seg[3]);
        }
        else if (m == HttpMethod.PUT)
        {
            triggers.put(ex, identity, namespace, seg[3]);
        }
        else if (m == HttpMethod.DELETE)
        {
            triggers.delete(ex, identity, namespace, seg[3]);
        }
        else if (m == HttpMethod.POST)
        {
            triggers.fire(ex, identity, namespace, seg[3]);
        }
        else
        {
            throw methodNotAllowed("GET, PUT, DELETE, POST");
        }
    }

    private void routeWebhook(final Exchange ex, final String namespace, final String trigger)
    {
        final HttpMethod m = ex.method();
        if (m == HttpMethod.GET || m == HttpMethod.HEAD)
        {
            webhooks.get(ex, namespace, trigger);
        }
        else if (m == HttpMethod.PUT)
        {
            webhooks.rotate(ex, namespace, trigger);
        }
        else if (m == HttpMethod.DELETE)
        {
            webhooks.remove(ex, namespace, trigger);
        }
        else
        {
            throw methodNotAllowed("GET, PUT, DELETE");
        }
    }

    private void routeRules(final Exchange ex, final Identity identity, final String namespace, final String[] seg)
    {
        if (seg.length == 3)
        {
            requireMethod(ex, HttpMethod.GET);
            rules.list(ex, namespace);
            return;
        }
        if (seg.length != 4)
        {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, Messages.ROUTE_NOT_FOUND);
        }
        final HttpMethod m = ex.method();
        if (m == HttpMethod.GET || m == HttpMethod.HEAD)
        {
            rules.get(ex, namespace, seg[3]);
        }
        else if (m == HttpMethod.PUT)
        {
            rules.put(ex, identity, namespace, seg[3]);
        }
        else if (m == HttpMethod.DELETE)
        {
            rules.delete(ex, namespace, seg[3]);
        }
        else if (m == HttpMethod.POST)
        {
            rules.setStatus(ex, namespace, seg[3]);
        }
        else
        {
            throw methodNotAllowed("GET, PUT, DELETE, POST");
        }
    }

    private void routeActions(final Exchange ex, final Identity identity, final String namespace,
        final String[] seg)
    {
        if (seg.length == 3)
        {
            requireMethod(ex, HttpMethod.GET);
            requireOwn(identity, namespace);
            actions.list(ex, namespace);
            return;
        }
        if (seg.length == 4 && ex.path().endsWith("/"))
        {
            requireMethod(ex, HttpMethod.GET);
            actions.listPackage(ex, identity, namespace, seg[3]);
            return;
        }
        if (seg.length > 5)
        {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, Messages.ROUTE_NOT_FOUND);
        }
        final String pkg = seg.length == 5 ? seg[3] : null;
        final String name = seg[seg.length - 1];
        final HttpMethod m = ex.method();
        if (m == HttpMethod.GET)
        {
            actions.get(ex, identity, namespace, pkg, name);
        }
        else if (m == HttpMethod.PUT)
        {
            actions.put(ex, identity, namespace, pkg, name);
        }
        else if (m == HttpMethod.DELETE)
        {
            actions.delete(ex, identity, namespace, pkg, name);
        }
        else if (m == HttpMethod.POST)
        {
            invoke.invoke(ex, identity, namespace, pkg, name);
        }
        else
        {
            throw methodNotAllowed("GET, PUT, DELETE, POST");
        }
    }

    private void routeActivations(final Exchange ex, final String namespace, final String[] seg)
    {
        requireMethod(ex, HttpMethod.GET);
        switch (seg.length)
        {
            case 3 -> activations.list(ex, namespace);
            case 4 -> activations.get(ex, namespace, seg[3]);
            case 5 ->
            {
                if ("result".equals(seg[4]))
                {
                    activations.result(ex, namespace, seg[3]);
                }
                else if ("logs".equals(seg[4]))
                {
                    activations.logs(ex, namespace, seg[3]);
                }
                else
                {
                    throw new ApiError(HttpResponseStatus.NOT_FOUND, Messages.ROUTE_NOT_FOUND);
                }
            }
            default -> throw new ApiError(HttpResponseStatus.NOT_FOUND, Messages.ROUTE_NOT_FOUND);
        }
    }

    /**
     * REST bodies are JSON: a body sent with another declared type is refused with 415, as OpenWhisk does (web
     * actions take any type and are routed before this). A body without a declared type is read as JSON.
     */
    private static void requireJsonBody(final Exchange ex)
    {
        final String type = ex.requestHeaders().get(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_TYPE);
        if (ex.body().length == 0 || type == null)
        {
            return;
        }
        final String mediaType = type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (!mediaType.equals("application/json") && !mediaType.endsWith("+json"))
        {
            throw new ApiError(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
                Messages.UNSUPPORTED_MEDIA_TYPE_PREFIX + mediaType + "] is not supported. Expected:\napplication/json");
        }
    }

    static void requireMethod(final Exchange ex, final HttpMethod allowed)
    {
        if (ex.method() != allowed && !(allowed == HttpMethod.GET && ex.method() == HttpMethod.HEAD))
        {
            throw methodNotAllowed(allowed.name());
        }
    }

    private static ApiError methodNotAllowed(final String supported)
    {
        return new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED,
            "HTTP method not allowed, supported methods: " + supported);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        LOG.debug("event=channel-failed remote={}", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
