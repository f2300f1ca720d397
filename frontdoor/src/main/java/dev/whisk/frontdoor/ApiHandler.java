package dev.whisk.frontdoor;

import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Messages;
import dev.whisk.frontdoor.rest.ActionsApi;
import dev.whisk.frontdoor.rest.ActivationsApi;
import dev.whisk.frontdoor.rest.InvokeApi;
import dev.whisk.frontdoor.rest.LogForwardingApi;
import dev.whisk.frontdoor.rest.NamespacesApi;
import dev.whisk.frontdoor.rest.PackagesApi;
import dev.whisk.frontdoor.rest.RulesApi;
import dev.whisk.frontdoor.rest.TriggersApi;
import dev.whisk.frontdoor.rest.WebhooksApi;
import dev.whisk.frontdoor.web.ApiGateway;
import dev.whisk.frontdoor.web.WebActionsApi;
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

import java.util.ArrayList;
import java.util.List;

/**
 * Routes requests by tables built once: the paths outside {@code /api/v1} ({@code /}, {@code /invokers},
 * {@code /metrics}, log forwarding, API gateway routes) are tried in order; under {@code /api/v1/namespaces/{ns}/}
 * the collection names its routes, and each entity path a table of methods (the 405 names them). It authenticates,
 * resolves {@code _} to the caller's namespace, checks the caller may act in the namespace it names, and hands the
 * exchange to the API of the collection. Every failure becomes the JSON error body in {@link Exchange#run}, one
 * place; a stack trace never reaches a client. Stateless and shared by all channels; runs on the event loop that
 * read the request. Web actions and webhooks ({@code /api/v1/webhooks/...}, proven by a per-trigger secret) are
 * routed before the key is asked for. Made by {@link ApiWiring}.
 */
@ChannelHandler.Sharable
public final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest>
{
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    private static final String PREFIX = "/api/v1";
    private static final String WEB_PREFIX = PREFIX + "/web/";
    private static final String NAMESPACES_PREFIX = PREFIX + "/namespaces";
    private static final String GATEWAY_PREFIX = "/api/";
    private static final String ACTION_METHODS = "GET, PUT, DELETE, POST";

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
    private final List<PathRoute> pathRoutes;
    private final java.util.Map<String, CollectionRoute> collections;
    private final java.util.Map<HttpMethod, ActionOp> actionOps;

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
        this.pathRoutes = pathRoutes();
        this.collections = collectionRoutes();
        this.actionOps = java.util.Map.of(HttpMethod.GET, actions::get, HttpMethod.PUT, actions::put,
            HttpMethod.DELETE, actions::delete, HttpMethod.POST, invoke::invoke);
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

    /** Serves one request whose path a {@link PathRoute} matched. */
    @FunctionalInterface
    private interface Serve
    {
        void serve(Exchange ex, String path);
    }

    /** A route outside {@code /api/v1}: the first whose test matches the path serves the request. */
    private record PathRoute(java.util.function.Predicate<String> matches, Serve serve)
    {
    }

    /** Serves the rest of a request under {@code /api/v1/namespaces/{ns}/{collection}} as an authenticated caller. */
    @FunctionalInterface
    private interface CollectionRoute
    {
        void route(Exchange ex, Identity identity, String namespace, String[] seg);
    }

    /** What one method does to one named entity of a collection. */
    @FunctionalInterface
    private interface EntityOp
    {
        void run(Exchange ex, Identity identity, String namespace, String name);
    }

    /** The methods an entity path answers, and the 405 that names them for any other method. */
    private static final class Methods
    {
        private final java.util.Map<HttpMethod, EntityOp> ops = new java.util.HashMap<>();
        private final StringBuilder supported = new StringBuilder();

        /** GET, and HEAD with it (the front door drops a HEAD's body). */
        Methods get(final EntityOp op)
        {
            ops.put(HttpMethod.HEAD, op);
            return on(HttpMethod.GET, op);
        }

        Methods on(final HttpMethod method, final EntityOp op)
        {
            ops.put(method, op);
            supported.append(supported.length() == 0 ? "" : ", ").append(method.name());
            return this;
        }

        void run(final Exchange ex, final Identity identity, final String namespace, final String name)
        {
            final EntityOp op = ops.get(ex.method());
            if (op == null)
            {
                throw methodNotAllowed(supported.toString());
            }
            op.run(ex, identity, namespace, name);
        }
    }

    /** The routes outside {@code /api/v1}, in the order they are tried. */
    private List<PathRoute> pathRoutes()
    {
        final List<PathRoute> routes = new ArrayList<>();
        routes.add(new PathRoute(path -> path.isEmpty() || "/".equals(path), (ex, path) ->
        {
            requireMethod(ex, HttpMethod.GET);
            ex.sendJson(HttpResponseStatus.OK, namespaces.deployment());
        }));
        routes.add(new PathRoute(InvokersHandler::matches, invokers::serve));
        routes.add(new PathRoute(MetricsHandler.PATH::equals, (ex, path) -> metrics.serve(ex)));
        routes.add(new PathRoute(path -> path.startsWith(LogForwardingApi.PREFIX),
            (ex, path) -> logForwarding.handle(ex, ex.segments(1))));
        if (gateway != null)
        {
            routes.add(new PathRoute(path -> path.startsWith(GATEWAY_PREFIX) && !isPrefixPath(path),
                (ex, path) -> gateway.serve(ex, ex.segments(1))));
        }
        routes.add(new PathRoute(path -> path.startsWith(PREFIX), this::routeApi));
        return List.copyOf(routes);
    }

    /** The collections under {@code /api/v1/namespaces/{ns}/}. */
    private java.util.Map<String, CollectionRoute> collectionRoutes()
    {
        final java.util.Map<String, CollectionRoute> routes = new java.util.HashMap<>();
        routes.put("actions", this::routeActions);
        routes.put("packages", entities(false, (ex, identity, namespace) -> packages.list(ex, identity, namespace),
            new Methods()
                .get(packages::get)
                .on(HttpMethod.PUT, packages::put)
                .on(HttpMethod.DELETE, packages::delete), null));
        routes.put("triggers", entities(true, (ex, identity, namespace) -> triggers.list(ex, namespace),
            new Methods()
                .get((ex, id, ns, name) -> triggers.get(ex, ns, name))
                .on(HttpMethod.PUT, triggers::put)
                .on(HttpMethod.DELETE, triggers::delete)
                .on(HttpMethod.POST, triggers::fire),
            new Methods()
                .get((ex, id, ns, name) -> webhooks.get(ex, ns, name))
                .on(HttpMethod.PUT, (ex, id, ns, name) -> webhooks.rotate(ex, ns, name))
                .on(HttpMethod.DELETE, (ex, id, ns, name) -> webhooks.remove(ex, ns, name))));
        routes.put("rules", entities(true, (ex, identity, namespace) -> rules.list(ex, namespace),
            new Methods()
                .get((ex, id, ns, name) -> rules.get(ex, ns, name))
                .on(HttpMethod.PUT, rules::put)
                .on(HttpMethod.DELETE, (ex, id, ns, name) -> rules.delete(ex, ns, name))
                .on(HttpMethod.POST, (ex, id, ns, name) -> rules.setStatus(ex, ns, name)), null));
        routes.put("activations", (ex, identity, namespace, seg) ->
        {
            requireOwn(identity, namespace);
            routeActivations(ex, namespace, seg);
        });
        routes.put("limits", (ex, identity, namespace, seg) ->
        {
            requireOwn(identity, namespace);
            if (seg.length != 3)
            {
                throw new ApiError(HttpResponseStatus.NOT_FOUND, Messages.ROUTE_NOT_FOUND);
            }
            requireMethod(ex, HttpMethod.GET);
            namespaces.limits(ex, identity);
        });
        return java.util.Map.copyOf(routes);
    }

    /** Lists a collection of a namespace. */
    @FunctionalInterface
    private interface ListOp
    {
        void list(Exchange ex, Identity identity, String namespace);
    }

    /**
     * A collection of named entities: {@code GET .../{collection}} lists, {@code .../{collection}/{name}} answers
     * {@code entity}'s methods, and {@code .../{name}/webhook} the {@code webhook} sub-resource's (if any).
     *
     * @param ownOnly whether only the namespace's owner may see the collection (403 naming it otherwise).
     */
    private static CollectionRoute entities(final boolean ownOnly, final ListOp list, final Methods entity,
        final Methods webhook)
    {
        return (ex, identity, namespace, seg) ->
        {
            if (ownOnly)
            {
                requireOwn(identity, namespace);
            }
            if (seg.length == 3)
            {
                requireMethod(ex, HttpMethod.GET);
                list.list(ex, identity, namespace);
            }
            else if (seg.length == 4)
            {
                entity.run(ex, identity, namespace, seg[3]);
            }
            else if (webhook != null && seg.length == 5 && "webhook".equals(seg[4]))
            {
                webhook.run(ex, identity, namespace, seg[3]);
            }
            else
            {
                throw new ApiError(HttpResponseStatus.NOT_FOUND, Messages.ROUTE_NOT_FOUND);
            }
        };
    }

    private void route(final Exchange ex)
    {
        final String path = ex.path();
        for (int i = 0; i < pathRoutes.size(); i++)
        {
            final PathRoute r = pathRoutes.get(i);
            if (r.matches().test(path))
            {
                r.serve().serve(ex, path);
                return;
            }
        }
        throw new ApiError(HttpResponseStatus.NOT_FOUND, Messages.ROUTE_NOT_FOUND);
    }

    /** {@code /api/v1/...}: preflights, the API's info, web actions, webhooks, and the namespaces' collections. */
    private void routeApi(final Exchange ex, final String path)
    {
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
        switch (seg[0])
        {
            case "web" ->
            {
                if (gateway != null && ApiGateway.isManagement(seg))
                {
                    gateway.manage(ex, seg);
                    return;
                }
                web.handle(ex, seg);
            }
            case WebhooksApi.SEGMENT ->
            {
                requireJsonBody(ex);
                webhooks.receive(ex, seg);
            }
            case "namespaces" -> authenticator.authenticate(ex, identity -> routeAs(ex, identity, seg));
            default -> throw new ApiError(HttpResponseStatus.NOT_FOUND, Messages.ROUTE_NOT_FOUND);
        }
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
        final CollectionRoute collection = collections.get(seg[2]);
        if (collection == null)
        {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, Messages.ROUTE_NOT_FOUND);
        }
        collection.route(ex, identity, namespace, seg);
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

    /** What one method does to one action, {@code ns/[pkg/]name}. */
    @FunctionalInterface
    private interface ActionOp
    {
        void run(Exchange ex, Identity identity, String namespace, String pkg, String name);
    }

    /**
     * {@code .../actions}: the namespace's list (its own only), {@code .../actions/pkg/} a package's list, and
     * {@code .../actions/[pkg/]name} an action, where POST invokes it.
     */
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
        final ActionOp op = actionOps.get(ex.method());
        if (op == null)
        {
            throw methodNotAllowed(ACTION_METHODS);
        }
        op.run(ex, identity, namespace, seg.length == 5 ? seg[3] : null, seg[seg.length - 1]);
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
