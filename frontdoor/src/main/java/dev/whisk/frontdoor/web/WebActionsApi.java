package dev.whisk.frontdoor.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.entity.Param;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.core.entity.WhiskPackage;
import dev.whisk.core.json.Json;
import dev.whisk.frontdoor.ApiError;
import dev.whisk.frontdoor.Authenticator;
import dev.whisk.frontdoor.Exchange;
import dev.whisk.frontdoor.invoke.ActionLookup;
import dev.whisk.frontdoor.invoke.Arguments;
import dev.whisk.frontdoor.invoke.Invocations;
import dev.whisk.frontdoor.invoke.Refusal;
import dev.whisk.storage.SubjectStore;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /api/v1/web/{ns}/{pkg|default}/{action}[.ext][/path]}: actions annotated {@code web-export} answer plain HTTP.
 * The action runs as, is recorded under and is throttled as the owner of {@code ns}. Arguments merge
 * package &lt; binding &lt; action &lt; query &lt; body, plus the {@code __ow_*} request fields ({@code raw-http}
 * passes query and body unparsed), by the one rule of {@link Arguments}: {@code final} parameters cannot be
 * overridden. The result is rendered by the extension ({@link WebResponses}). An unknown namespace, an unknown action and a missing {@code web-export} all give
 * the same 404.
 */
public final class WebActionsApi
{
    static final List<String> EXTENSIONS = List.of("json", "html", "http", "svg", "text");
    private static final String REQUIRE_AUTH_HEADER = "x-require-whisk-auth";

    private final SubjectStore subjects;
    private final Authenticator authenticator;
    private final Invocations invocations;
    private final ActionLookup lookup;

    public WebActionsApi(final SubjectStore subjects, final Authenticator authenticator,
        final Invocations invocations)
    {
        this.subjects = subjects;
        this.authenticator = authenticator;
        this.invocations = invocations;
        this.lookup = invocations.lookup();
    }

    /**
     * {@code OPTIONS} on a web route: the controller answers the CORS preflight itself, allowing every web method
     * and echoing the headers the browser asks for.
     */
    public static void answerPreflight(final Exchange ex)
    {
        final List<Map.Entry<String, String>> headers = new ArrayList<>(2);
        headers.add(Map.entry("Access-Control-Allow-Methods", "OPTIONS, GET, DELETE, POST, PUT, HEAD, PATCH"));
        final String asked = ex.requestHeaders().get("Access-Control-Request-Headers");
        if (asked != null)
        {
            headers.add(Map.entry("Access-Control-Allow-Headers", asked));
        }
        ex.sendContent(HttpResponseStatus.OK, null, null, headers, null);
    }

    /** @param seg the path segments after {@code /api/v1}, starting with {@code web}. */
    public void handle(final Exchange ex, final String[] seg)
    {
        if (seg.length < 4)
        {
            throw ApiError.notFound();
        }
        final String namespace = dev.whisk.frontdoor.Paths.namespace(seg[1]);
        if (namespace.indexOf('/') >= 0 || seg[2].indexOf('/') >= 0 || seg[3].indexOf('/') >= 0)
        {
            // An encoded slash stays in its segment: in a name it is illegal, never a way to another path.
            throw ApiError.badRequest(Messages.ILLEGAL_NAME);
        }
        final String pkg = WhiskPackage.RESERVED_NAME.equals(seg[2]) ? null : seg[2];
        final String last = seg[3];
        final int dot = last.lastIndexOf('.');
        final boolean known = dot > 0 && EXTENSIONS.contains(last.substring(dot + 1));
        final String name = known ? last.substring(0, dot) : last;
        final String extension = known ? last.substring(dot + 1) : "http";
        final StringBuilder owPath = new StringBuilder();
        for (int i = 4; i < seg.length; i++)
        {
            owPath.append('/').append(seg[i]);
        }
        run(ex, namespace, pkg, name, extension, owPath.toString(), null);
    }

    /**
     * Runs web action {@code namespace/[pkg/]name} for this request and renders its result by {@code extension}, as
     * a {@code /api/v1/web} call does; an API gateway route comes here with its path parameters in
     * {@code routeParams} (merged as request parameters, {@code null} for none).
     */
    public void run(final Exchange ex, final String namespace, final String pkg, final String name,
        final String extension, final String owPath, final ObjectNode routeParams)
    {
        final Identity owner = subjects.findByNamespace(namespace);
        if (owner == null)
        {
            throw ApiError.notFound();
        }
        final ActionLookup.Resolved resolved;
        try
        {
            resolved = lookup.action(owner, namespace, pkg, name);
        }
        catch (final Refusal notThere)
        {
            throw ApiError.notFound();
        }
        final WhiskAction action = resolved.action();
        if (!Param.isTrue(action.annotations(), "web-export"))
        {
            throw ApiError.notFound();
        }
        authenticator.tryAuthenticate(ex, caller ->
        {
            requireWhiskAuth(ex, action, caller);
            final byte[] params = arguments(ex, action, resolved.inherited(), owPath, caller, routeParams);
            invocations.submit(owner, action, resolved.inherited(), params, true, invocations.maxWaitMs(),
                new WebWaiter(ex, invocations.waiters(), extension));
        });
    }

    private static void requireWhiskAuth(final Exchange ex, final WhiskAction action, final Identity caller)
    {
        final JsonNode required = Param.find(action.annotations(), "require-whisk-auth");
        if (required == null || required.isNull() || (required.isBoolean() && !required.booleanValue()))
        {
            return;
        }
        if (required.isBoolean())
        {
            if (caller == null)
            {
                throw new ApiError(HttpResponseStatus.UNAUTHORIZED, Messages.AUTH_REQUIRED);
            }
            return;
        }
        final String sent = ex.requestHeaders().get(REQUIRE_AUTH_HEADER);
        if (sent == null || !sent.equals(required.asText()))
        {
            throw new ApiError(HttpResponseStatus.UNAUTHORIZED, Messages.AUTH_INVALID);
        }
    }

    /**
     * The action's arguments as JSON text: defaults, then the request (checked for overrides) with a route's path
     * parameters, then {@code __ow_*}.
     */
    static byte[] arguments(final Exchange ex, final WhiskAction action, final List<Param> inherited,
        final String owPath, final Identity caller, final ObjectNode routeParams)
    {
        final boolean raw = Param.isTrue(action.annotations(), "raw-http");
        final ObjectNode request = Json.MAPPER.createObjectNode();
        JsonNode owBody = null;
        final String contentType = contentType(ex);
        final byte[] body = ex.body();
        if (raw)
        {
            owBody = TextNode.valueOf(body.length == 0 ? "" : isText(contentType) && !isJson(contentType) ?
                new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body));
        }
        else
        {
            for (final Map.Entry<String, List<String>> q : ex.queryParameters().entrySet())
            {
                request.put(q.getKey(), q.getValue().isEmpty() ? "" : q.getValue().get(0));
            }
            owBody = parseBody(body, contentType, request);
            if (routeParams != null)
            {
                request.setAll(routeParams);
            }
            for (final Iterator<String> it = request.fieldNames(); it.hasNext(); )
            {
                if (it.next().startsWith("__ow_"))
                {
                    throw ApiError.badRequest(Messages.PARAMS_NOT_ALLOWED);
                }
            }
        }
        final ObjectNode args = Arguments.over(action, inherited, request);
        args.put("__ow_method", ex.method().name().toLowerCase(Locale.ROOT));
        final ObjectNode headers = args.putObject("__ow_headers");
        for (final Map.Entry<String, String> h : ex.requestHeaders())
        {
            final String key = h.getKey().toLowerCase(Locale.ROOT);
            if (!"authorization".equals(key))
            {
                headers.put(key, h.getValue());
            }
        }
        args.put("__ow_path", owPath);
        if (caller != null)
        {
            args.put("__ow_user", caller.namespace());
        }
        if (raw)
        {
            args.put("__ow_query", ex.rawQuery());
        }
        if (owBody != null)
        {
            args.set("__ow_body", owBody);
        }
        return args.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Merges an object or form body into {@code request}; anything else becomes {@code __ow_body}. */
    private static JsonNode parseBody(final byte[] body, final String contentType, final ObjectNode request)
    {
        if (body.length == 0)
        {
            return null;
        }
        if (isJson(contentType))
        {
            final JsonNode node;
            try
            {
                node = Json.MAPPER.readTree(body);
            }
            catch (final IOException ex)
            {
                throw ApiError.badRequest(Messages.MALFORMED_PREFIX + Json.problem(ex));
            }
            if (node != null && node.isObject())
            {
                request.setAll((ObjectNode)node);
                return null;
            }
            return node;
        }
        if (contentType.startsWith("application/x-www-form-urlencoded"))
        {
            final QueryStringDecoder form = new QueryStringDecoder(new String(body, StandardCharsets.UTF_8), false);
            for (final Map.Entry<String, List<String>> f : form.parameters().entrySet())
            {
                request.put(f.getKey(), f.getValue().isEmpty() ? "" : f.getValue().get(0));
            }
            return null;
        }
        return isText(contentType) ? TextNode.valueOf(new String(body, StandardCharsets.UTF_8)) :
            TextNode.valueOf(Base64.getEncoder().encodeToString(body));
    }

    private static String contentType(final Exchange ex)
    {
        final String ct = ex.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE);
        return ct == null ? "application/json" : ct.toLowerCase(Locale.ROOT).trim();
    }

    static boolean isJson(final String contentType)
    {
        final String base = baseType(contentType);
        return "application/json".equals(base) || base.endsWith("+json");
    }

    /** Text types: their bodies pass as strings; every other type is binary and passes as base64. */
    static boolean isText(final String contentType)
    {
        final String base = baseType(contentType);
        return base.startsWith("text/") || isJson(base) || base.endsWith("+xml") || "application/xml".equals(base) ||
            "application/javascript".equals(base) || "application/x-www-form-urlencoded".equals(base);
    }

    static String baseType(final String contentType)
    {
        final int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }
}
