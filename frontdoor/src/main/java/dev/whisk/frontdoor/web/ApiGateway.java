package dev.whisk.frontdoor.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.entity.Param;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.core.json.Json;
import dev.whisk.frontdoor.ApiError;
import dev.whisk.frontdoor.Authenticator;
import dev.whisk.frontdoor.Exchange;
import dev.whisk.frontdoor.invoke.ActionLookup;
import dev.whisk.storage.EntityStore;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The API gateway, built into the front door: OpenWhisk's route management web actions and the routes they create.
 *
 * <ul>
 * <li>{@code /api/v1/web/whisk.system/apimgmt/{createApi,getApi,deleteApi}[.http|.json]}, called with the
 *     namespace's key, as the {@code openwhisk} npm client's {@code routes} and {@code wsk api} do: {@code POST
 *     createApi} with {@code {"apidoc":{namespace, gatewayBasePath, gatewayPath, gatewayMethod, apiName,
 *     action:{name, namespace}}}} and {@code ?responsetype=}; {@code GET getApi?basepath=&relpath=&operation=};
 *     {@code DELETE deleteApi?basepath=&relpath=&operation=}. Answers are OpenWhisk's: an API as
 *     {@code {id, key, value:{namespace, gwApiActivated, tenantId, gwApiUrl, apidoc:<swagger 2.0>}}}, a list as
 *     {@code {"apis":[...]}}.</li>
 * <li>{@code {apihost}/api/{namespace}{basepath}{relpath}}, without a key: runs the route's web action through
 *     {@link WebActionsApi#run} with the route's response type as the extension; {@code {name}} segments of the
 *     relpath reach the action as parameters. {@code OPTIONS} is answered as a CORS preflight.</li>
 * </ul>
 * A route belongs to the namespace that created it and runs an action of that namespace that is a web action;
 * anything else is refused at creation with a 4xx and nothing stored. Stateless apart from the {@link RouteStore};
 * called on event loops. The served lookup reads an immutable snapshot: no lock, no allocation beyond the path
 * parameters.
 */
public final class ApiGateway
{
    /** The package of the management web actions, under {@code whisk.system}. */
    public static final String PACKAGE = "apimgmt";
    public static final String SYSTEM_NAMESPACE = "whisk.system";
    static final Set<String> VERBS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");
    static final List<String> RESPONSE_TYPES = List.of("json", "http", "text", "svg", "html");
    private static final String SEGMENT = "(?:[A-Za-z0-9._~\\-]+)";
    private static final Pattern BASEPATH = Pattern.compile("/|(?:/" + SEGMENT + ")+");
    private static final Pattern RELPATH = Pattern.compile("/|(?:/(?:" + SEGMENT + "|\\{[A-Za-z_][A-Za-z0-9_]*\\}))+");
    private static final int MAX_PATH = 256;

    private final RouteStore store;
    private final Authenticator authenticator;
    private final WebActionsApi web;
    private final ActionLookup lookup;

    public ApiGateway(final RouteStore store, final EntityStore entities, final Authenticator authenticator,
        final WebActionsApi web)
    {
        this.store = store;
        this.authenticator = authenticator;
        this.web = web;
        this.lookup = new ActionLookup(entities);
    }

    /** Whether {@code seg} (after {@code /api/v1}) names a management action, {@code web/whisk.system/apimgmt/x}. */
    public static boolean isManagement(final String[] seg)
    {
        return seg.length == 4 && SYSTEM_NAMESPACE.equals(seg[1]) && PACKAGE.equals(seg[2]);
    }

    /** A management call; {@code seg}: the path segments after {@code /api/v1}. */
    public void manage(final Exchange ex, final String[] seg)
    {
        final String last = seg[3];
        final int dot = last.lastIndexOf('.');
        final String operation = dot > 0 ? last.substring(0, dot) : last;
        authenticator.authenticate(ex, identity ->
        {
            switch (operation)
            {
                case "createApi" -> create(ex, identity);
                case "getApi" -> get(ex, identity);
                case "deleteApi" -> delete(ex, identity);
                default -> throw ApiError.notFound();
            }
        });
    }

    private void create(final Exchange ex, final Identity identity)
    {
        requireMethod(ex, HttpMethod.POST, HttpMethod.PUT);
        final String ns = identity.namespace();
        final JsonNode body = readBody(ex);
        JsonNode apidoc = body.path("apidoc");
        if (apidoc.isTextual())
        {
            apidoc = parse(apidoc.asText(), "apidoc field cannot be parsed. Ensure it is valid JSON.");
        }
        if (!apidoc.isObject())
        {
            throw ApiError.badRequest("apidoc is required.");
        }
        if (apidoc.has("swagger"))
        {
            throw ApiError.badRequest("Creating an API from a swagger document is not supported; create each " +
                "route with gatewayBasePath, gatewayPath, gatewayMethod and action.");
        }
        final String basepath = required(apidoc, "gatewayBasePath", "apidoc is missing the gatewayBasePath field");
        final String relpath = required(apidoc, "gatewayPath", "apidoc is missing the gatewayPath field");
        final String method = required(apidoc, "gatewayMethod", "apidoc is missing the gatewayMethod field");
        final JsonNode action = apidoc.path("action");
        if (!action.isObject())
        {
            throw ApiError.badRequest("apidoc is missing the action field.");
        }
        final String actionName = required(action, "name", "action is missing the name field.");
        final String actionNs = required(action, "namespace", "action is missing the namespace field.");
        validateBasepath(basepath);
        validateRelpath(relpath);
        final String verb = method.toUpperCase(Locale.ROOT);
        if (!VERBS.contains(verb))
        {
            throw ApiError.badRequest("The API verb '" + method + "' is not valid. Valid values are: " +
                "GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS.");
        }
        String responseType = ex.query("responsetype");
        if (responseType == null || responseType.isEmpty())
        {
            responseType = body.path("responsetype").asText("json");
        }
        responseType = responseType.toLowerCase(Locale.ROOT);
        if (!RESPONSE_TYPES.contains(responseType))
        {
            throw ApiError.badRequest("Invalid response type '" + responseType + "'. Valid values are: " +
                String.join(", ", RESPONSE_TYPES) + ".");
        }
        if (!"_".equals(actionNs) && !ns.equals(decode(actionNs)))
        {
            throw new ApiError(HttpResponseStatus.FORBIDDEN, Messages.notAuthorized(actionNs + "/" + actionName));
        }
        final String[] parts = actionName.startsWith("/") ? actionName.substring(1).split("/") :
            actionName.split("/");
        final String pkg;
        final String name;
        if (parts.length == 1)
        {
            pkg = null;
            name = parts[0];
        }
        else if (parts.length == 2)
        {
            pkg = "default".equals(parts[0]) ? null : parts[0];
            name = parts[1];
        }
        else
        {
            throw ApiError.badRequest(Messages.ILLEGAL_NAME);
        }
        final WhiskAction target = lookup.action(identity, ns, pkg, name).action();
        if (!Param.isTrue(target.annotations(), "web-export"))
        {
            final String shown = pkg == null ? name : pkg + "/" + name;
            throw ApiError.badRequest("Action '/" + ns + "/" + shown + "' is not a web action. Issue 'wsk action " +
                "update \"" + shown + "\" --web true' to convert the action to a web action.");
        }
        final String apiName = apidoc.path("apiName").isTextual() && !apidoc.path("apiName").asText().isEmpty() ?
            apidoc.path("apiName").asText() : existingName(ns, basepath);
        final RouteStore.Route route = new RouteStore.Route(ns, basepath, relpath, verb, apiName, pkg, name,
            responseType);
        store.put(route).whenComplete((v, failure) ->
        {
            if (failure != null)
            {
                ex.sendError(HttpResponseStatus.INTERNAL_SERVER_ERROR, Messages.INTERNAL_ERROR);
                return;
            }
            final List<RouteStore.Route> api = new ArrayList<>();
            for (final RouteStore.Route r : store.of(ns))
            {
                if (r.basepath().equals(basepath))
                {
                    api.add(r);
                }
            }
            ex.sendJson(HttpResponseStatus.OK, bytes(cliApi(ex, ns, basepath, api)));
        });
    }

    private String existingName(final String ns, final String basepath)
    {
        for (final RouteStore.Route r : store.of(ns))
        {
            if (r.basepath().equals(basepath))
            {
                return r.apiName();
            }
        }
        return basepath;
    }

    private void get(final Exchange ex, final Identity identity)
    {
        requireMethod(ex, HttpMethod.GET, HttpMethod.GET);
        final String basepath = ex.query("basepath");
        final String relpath = ex.query("relpath");
        final String operation = ex.query("operation");
        final int skip = intQuery(ex, "skip", 0);
        final int limit = intQuery(ex, "limit", Integer.MAX_VALUE);
        final Map<String, List<RouteStore.Route>> apis = new LinkedHashMap<>();
        for (final RouteStore.Route r : store.of(identity.namespace()))
        {
            if (matches(r, basepath, relpath, operation))
            {
                apis.computeIfAbsent(r.basepath(), k -> new ArrayList<>()).add(r);
            }
        }
        final ObjectNode out = Json.MAPPER.createObjectNode();
        final com.fasterxml.jackson.databind.node.ArrayNode list = out.putArray("apis");
        int i = 0;
        for (final Map.Entry<String, List<RouteStore.Route>> api : apis.entrySet())
        {
            if (i++ >= skip && list.size() < limit)
            {
                list.add(cliApi(ex, identity.namespace(), api.getKey(), api.getValue()));
            }
        }
        ex.sendJson(HttpResponseStatus.OK, bytes(out));
    }

    private void delete(final Exchange ex, final Identity identity)
    {
        requireMethod(ex, HttpMethod.DELETE, HttpMethod.POST);
        final String basepath = ex.query("basepath");
        final String relpath = ex.query("relpath");
        final String operation = ex.query("operation");
        if (basepath == null || basepath.isEmpty())
        {
            throw ApiError.badRequest("basepath is required.");
        }
        if (operation != null && (relpath == null || relpath.isEmpty()))
        {
            throw ApiError.badRequest("When specifying an operation, the relpath is required.");
        }
        final String ns = identity.namespace();
        store.remove(r -> r.namespace().equals(ns) && matches(r, basepath, relpath, operation))
            .whenComplete((removed, failure) ->
            {
                if (failure != null)
                {
                    ex.sendError(HttpResponseStatus.INTERNAL_SERVER_ERROR, Messages.INTERNAL_ERROR);
                }
                else if (removed == 0)
                {
                    ex.sendError(HttpResponseStatus.NOT_FOUND, "API '" + basepath + "'" +
                        (relpath == null ? "" : " with relpath '" + relpath + "'") +
                        (operation == null ? "" : " and operation '" + operation + "'") + " does not exist.");
                }
                else
                {
                    ex.sendJson(HttpResponseStatus.OK, "{}".getBytes(StandardCharsets.UTF_8));
                }
            });
    }

    /** An API (basepath or API name), optionally narrowed to a relpath and an operation. */
    private static boolean matches(final RouteStore.Route r, final String basepath, final String relpath,
        final String operation)
    {
        if (basepath != null && !basepath.isEmpty() && !basepath.equals(r.basepath()) &&
            !basepath.equals(r.apiName()))
        {
            return false;
        }
        if (relpath != null && !relpath.isEmpty() && !relpath.equals(r.relpath()))
        {
            return false;
        }
        return operation == null || operation.isEmpty() || operation.equalsIgnoreCase(r.verb());
    }

    /**
     * Serves {@code /api/{namespace}/...} from the routes; answers 404 when no route matches the path and 405 when
     * one matches the path but not the verb. {@code seg}: the path's segments after {@code /api}.
     */
    public void serve(final Exchange ex, final String[] seg)
    {
        if (seg.length < 1)
        {
            throw ApiError.notFound();
        }
        final String verb = ex.method().name();
        RouteStore.Compiled pathMatch = null;
        for (final RouteStore.Compiled c : store.compiledOf(seg[0]))
        {
            if (pathMatches(c, seg))
            {
                if (c.route().verb().equals(verb))
                {
                    run(ex, c, seg);
                    return;
                }
                pathMatch = c;
            }
        }
        if (pathMatch == null)
        {
            throw ApiError.notFound();
        }
        if (ex.method() == HttpMethod.OPTIONS)
        {
            WebActionsApi.answerPreflight(ex);
            return;
        }
        throw new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, "HTTP method not allowed, supported methods: " +
            String.join(", ", verbsOf(seg)));
    }

    private List<String> verbsOf(final String[] seg)
    {
        final List<String> verbs = new ArrayList<>();
        for (final RouteStore.Compiled c : store.compiledOf(seg[0]))
        {
            if (pathMatches(c, seg))
            {
                verbs.add(c.route().verb());
            }
        }
        return verbs;
    }

    private static boolean pathMatches(final RouteStore.Compiled c, final String[] seg)
    {
        final String[] base = c.base();
        final String[] rel = c.rel();
        if (seg.length != 1 + base.length + rel.length)
        {
            return false;
        }
        for (int i = 0; i < base.length; i++)
        {
            if (!base[i].equals(seg[1 + i]))
            {
                return false;
            }
        }
        final int off = 1 + base.length;
        for (int i = 0; i < rel.length; i++)
        {
            final String r = rel[i];
            if (!isParam(r) && !r.equals(seg[off + i]))
            {
                return false;
            }
        }
        return true;
    }

    private void run(final Exchange ex, final RouteStore.Compiled c, final String[] seg)
    {
        final String[] rel = c.rel();
        final int off = 1 + c.base().length;
        ObjectNode params = null;
        for (int i = 0; i < rel.length; i++)
        {
            if (isParam(rel[i]))
            {
                if (params == null)
                {
                    params = Json.MAPPER.createObjectNode();
                }
                params.put(rel[i].substring(1, rel[i].length() - 1), seg[off + i]);
            }
        }
        final RouteStore.Route r = c.route();
        web.run(ex, r.namespace(), r.actionPackage(), r.actionName(), r.responseType(), "", params);
    }

    private static boolean isParam(final String segment)
    {
        return segment.length() > 2 && segment.charAt(0) == '{' && segment.charAt(segment.length() - 1) == '}';
    }

    /** OpenWhisk's answer for one API: the CLI's wrapper around its swagger document. */
    private static ObjectNode cliApi(final Exchange ex, final String ns, final String basepath,
        final List<RouteStore.Route> routes)
    {
        final String host = host(ex);
        final ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("id", "API:" + ns + ":" + basepath);
        out.put("key", ns);
        final ObjectNode value = out.putObject("value");
        value.put("namespace", ns);
        value.put("gwApiActivated", true);
        value.put("tenantId", ns);
        value.put("gwApiUrl", host + "/api/" + ns + ("/".equals(basepath) ? "" : basepath));
        final ObjectNode doc = value.putObject("apidoc");
        doc.put("swagger", "2.0");
        doc.put("basePath", basepath);
        final ObjectNode info = doc.putObject("info");
        info.put("title", routes.isEmpty() ? basepath : routes.get(0).apiName());
        info.put("version", "1.0.0");
        final ObjectNode paths = doc.putObject("paths");
        for (final RouteStore.Route r : routes)
        {
            final ObjectNode path = paths.has(r.relpath()) ? (ObjectNode)paths.get(r.relpath()) :
                paths.putObject(r.relpath());
            final ObjectNode op = path.putObject(r.verb().toLowerCase(Locale.ROOT));
            final String qualified = r.actionPackage() == null ? r.actionName() :
                r.actionPackage() + "/" + r.actionName();
            op.put("operationId", r.verb().toLowerCase(Locale.ROOT) + r.relpath());
            final ObjectNode xow = op.putObject("x-openwhisk");
            xow.put("namespace", ns);
            xow.put("action", r.actionName());
            xow.put("package", r.actionPackage() == null ? "" : r.actionPackage());
            xow.put("url", host + "/api/v1/web/" + ns + "/" + (r.actionPackage() == null ? "default" :
                r.actionPackage()) + "/" + r.actionName() + "." + r.responseType());
            final ObjectNode ext = op.putObject("x-ibm-op-ext");
            ext.put("backendMethod", r.verb());
            ext.put("backendUrl", xow.get("url").asText());
            ext.put("actionName", qualified);
            ext.put("actionNamespace", ns);
            ext.put("responseType", r.responseType());
            op.putObject("responses").putObject("default").put("description", "Default response");
        }
        return out;
    }

    private static String host(final Exchange ex)
    {
        final String host = ex.requestHeaders().get(HttpHeaderNames.HOST);
        final String proto = ex.requestHeaders().get("X-Forwarded-Proto");
        return (("https".equalsIgnoreCase(proto)) ? "https" : "http") + "://" + (host == null ? "localhost" : host);
    }

    static void validateBasepath(final String basepath)
    {
        if (basepath.length() > MAX_PATH || !BASEPATH.matcher(basepath).matches() || hasDotSegment(basepath))
        {
            throw ApiError.badRequest("The base path '" + basepath + "' is not valid: it must start with '/' and " +
                "hold segments of letters, digits and . _ ~ -.");
        }
        final String[] segments = RouteStore.Route.split(basepath);
        if (segments.length > 0 && "v1".equals(segments[0]))
        {
            throw ApiError.badRequest("The base path '" + basepath + "' is reserved.");
        }
    }

    static void validateRelpath(final String relpath)
    {
        if (relpath.length() > MAX_PATH || !RELPATH.matcher(relpath).matches() || hasDotSegment(relpath))
        {
            throw ApiError.badRequest("The relative path '" + relpath + "' is not valid: it must start with '/' " +
                "and hold segments of letters, digits and . _ ~ -, or {parameter} segments.");
        }
    }

    /** {@code .} and {@code ..} segments would name another path once a client normalises the URL. */
    private static boolean hasDotSegment(final String path)
    {
        for (final String s : RouteStore.Route.split(path))
        {
            if (".".equals(s) || "..".equals(s))
            {
                return true;
            }
        }
        return false;
    }

    private static String required(final JsonNode node, final String field, final String message)
    {
        final JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty())
        {
            throw ApiError.badRequest(message);
        }
        return v.asText();
    }

    private static JsonNode readBody(final Exchange ex)
    {
        if (ex.body().length == 0)
        {
            throw ApiError.badRequest("apidoc is required.");
        }
        try
        {
            final JsonNode node = Json.MAPPER.readTree(ex.body());
            if (node == null || !node.isObject())
            {
                throw ApiError.badRequest("The request content was malformed: a JSON object is required.");
            }
            return node;
        }
        catch (final IOException e)
        {
            throw ApiError.badRequest(Messages.MALFORMED_PREFIX + Json.problem(e));
        }
    }

    private static JsonNode parse(final String text, final String message)
    {
        try
        {
            return Json.MAPPER.readTree(text);
        }
        catch (final IOException e)
        {
            throw ApiError.badRequest(message);
        }
    }

    private static int intQuery(final Exchange ex, final String name, final int absent)
    {
        final String v = ex.query(name);
        if (v == null || v.isEmpty())
        {
            return absent;
        }
        try
        {
            final int n = Integer.parseInt(v);
            if (n < 0)
            {
                throw new NumberFormatException(v);
            }
            return n == 0 && "limit".equals(name) ? Integer.MAX_VALUE : n;
        }
        catch (final NumberFormatException e)
        {
            throw ApiError.badRequest("The value '" + v + "' of " + name + " is not a non-negative integer.");
        }
    }

    private static void requireMethod(final Exchange ex, final HttpMethod a, final HttpMethod b)
    {
        if (ex.method() != a && ex.method() != b)
        {
            throw new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED,
                "HTTP method not allowed, supported methods: " + (a == b ? a.name() : a.name() + ", " + b.name()));
        }
    }

    private static String decode(final String s)
    {
        return QueryStringDecoder.decodeComponent(s);
    }

    private static byte[] bytes(final JsonNode node)
    {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
