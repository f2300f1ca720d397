package dev.whisk.frontdoor.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.json.Json;
import dev.whisk.frontdoor.ApiError;
import dev.whisk.frontdoor.Authenticator;
import dev.whisk.frontdoor.Exchange;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/**
 * Adobe I/O Runtime's log forwarding settings, {@code /runtime/namespaces/{ns}/logForwarding}, as
 * {@code @adobe/aio-lib-runtime}'s {@code LogForwarding} calls them with the namespace's key: {@code GET} answers the
 * namespace's destination ({@code {"adobe_io_runtime":{}}}: the platform's own activation store, where
 * {@code aio runtime activation logs} reads), {@code PUT {"<destination>":{...}}} sets it and answers the new
 * settings, {@code GET .../errors} answers {@code {destination, errors}}. Destinations: the platform's store and,
 * when the platform runs a {@link LogForwarder}, {@code splunk_hec} ({@code {host, port, index, hec_token}}; the
 * token is never shown again). Another one ({@code azure_log_analytics}, {@code new_relic}) is refused with 400 rather
 * than accepted and not honoured. Called on event loops; a PUT writes the settings file before it answers.
 */
public final class LogForwardingApi
{
    /** The first path segment of Adobe's runtime extensions. */
    public static final String PREFIX = "/runtime/";
    static final String PLATFORM = "adobe_io_runtime";
    private static final byte[] SETTINGS = ("{\"" + PLATFORM + "\":{}}").getBytes(StandardCharsets.UTF_8);

    static final String SPLUNK = "splunk_hec";

    private final Authenticator authenticator;
    private final LogForwardingStore store;

    /** @param store the namespaces' destinations; {@code null}: only the platform's own store is offered. */
    public LogForwardingApi(final Authenticator authenticator, final LogForwardingStore store)
    {
        this.authenticator = authenticator;
        this.store = store;
    }

    /** {@code seg}: the path's segments after {@code /runtime}. */
    public void handle(final Exchange ex, final String[] seg)
    {
        if (seg.length < 3 || seg.length > 4 || !"namespaces".equals(seg[0]) || !"logForwarding".equals(seg[2]) ||
            (seg.length == 4 && !"errors".equals(seg[3])))
        {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, Messages.ROUTE_NOT_FOUND);
        }
        authenticator.authenticate(ex, identity -> handleAs(ex, identity, seg));
    }

    private void handleAs(final Exchange ex, final Identity identity, final String[] seg)
    {
        final String named = dev.whisk.frontdoor.Paths.namespace(seg[1]);
        final String namespace = "_".equals(named) ? identity.namespace() : named;
        if (!namespace.equals(identity.namespace()))
        {
            throw new ApiError(HttpResponseStatus.FORBIDDEN, Messages.notAuthorized(namespace));
        }
        final HttpMethod m = ex.method();
        if (seg.length == 4)
        {
            if (m != HttpMethod.GET)
            {
                throw notAllowed("GET");
            }
            final ObjectNode current = store == null ? null : store.get(namespace);
            final String destination = current == null ? PLATFORM : current.fieldNames().next();
            ex.sendJson(HttpResponseStatus.OK, ("{\"destination\":\"" + destination + "\",\"errors\":[]}")
                .getBytes(StandardCharsets.UTF_8));
        }
        else if (m == HttpMethod.GET)
        {
            ex.sendJson(HttpResponseStatus.OK, shown(store == null ? null : store.get(namespace)));
        }
        else if (m == HttpMethod.PUT)
        {
            put(ex, namespace);
        }
        else
        {
            throw notAllowed("GET, PUT");
        }
    }

    private void put(final Exchange ex, final String namespace)
    {
        final JsonNode body;
        try
        {
            body = ex.body().length == 0 ? null : Json.MAPPER.readTree(ex.body());
        }
        catch (final IOException e)
        {
            throw ApiError.badRequest(Messages.MALFORMED_PREFIX + Json.problem(e));
        }
        if (body == null || !body.isObject() || body.size() != 1)
        {
            throw ApiError.badRequest("The settings must be one destination: {\"<destination>\":{...}}.");
        }
        final Iterator<String> names = body.fieldNames();
        final String destination = names.next();
        final boolean splunk = SPLUNK.equals(destination) && store != null;
        if (!PLATFORM.equals(destination) && !splunk)
        {
            throw ApiError.badRequest("Log forwarding destination '" + destination + "' is not supported. " +
                "Supported: " + PLATFORM + (store == null ? "" : ", " + SPLUNK) + ".");
        }
        if (!body.get(destination).isObject())
        {
            throw ApiError.badRequest("The settings of " + destination + " must be an object.");
        }
        if (!splunk)
        {
            if (store != null)
            {
                store.set(namespace, null);
            }
            ex.sendJson(HttpResponseStatus.OK, SETTINGS);
            return;
        }
        final JsonNode hec = body.get(destination);
        final String host = text(hec, "host");
        final String token = text(hec, "hec_token");
        final String index = text(hec, "index");
        final JsonNode portNode = hec.get("port");
        final int port = portNode == null ? -1 : portNode.isInt() ? portNode.asInt() :
            portNode.isTextual() && portNode.asText().matches("[0-9]{1,5}") ? Integer.parseInt(portNode.asText()) : -1;
        if (host == null || token == null || index == null || port < 1 || port > 65535 ||
            !host.matches("(https?://)?[A-Za-z0-9.\\-]+"))
        {
            throw ApiError.badRequest("splunk_hec needs host (a host name), port (1..65535), index and hec_token.");
        }
        final ObjectNode value = Json.MAPPER.createObjectNode();
        value.putObject(SPLUNK).put("host", host).put("port", port).put("index", index).put("hec_token", token);
        store.set(namespace, value);
        ex.sendJson(HttpResponseStatus.OK, shown(value));
    }

    private static String text(final JsonNode node, final String field)
    {
        final JsonNode v = node.get(field);
        return v != null && v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
    }

    /** The settings as GET shows them: the HEC token left out. */
    private static byte[] shown(final ObjectNode settings)
    {
        if (settings == null)
        {
            return SETTINGS;
        }
        final ObjectNode copy = settings.deepCopy();
        final JsonNode hec = copy.get(SPLUNK);
        if (hec instanceof ObjectNode o)
        {
            o.remove("hec_token");
        }
        return copy.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static ApiError notAllowed(final String supported)
    {
        return new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED,
            "HTTP method not allowed, supported methods: " + supported);
    }
}
