package dev.whisk.frontdoor.api;

import com.fasterxml.jackson.databind.JsonNode;
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
 * settings, {@code GET .../errors} answers {@code {destination, errors}}. The platform's own store is the only
 * destination served so far: another one ({@code splunk_hec}, {@code azure_log_analytics}, {@code new_relic}) is
 * refused with 400 rather than accepted and not honoured. Stateless; called on event loops.
 */
public final class LogForwardingApi
{
    /** The first path segment of Adobe's runtime extensions. */
    public static final String PREFIX = "/runtime/";
    static final String PLATFORM = "adobe_io_runtime";
    private static final byte[] SETTINGS = ("{\"" + PLATFORM + "\":{}}").getBytes(StandardCharsets.UTF_8);

    private final Authenticator authenticator;

    public LogForwardingApi(final Authenticator authenticator)
    {
        this.authenticator = authenticator;
    }

    /** {@code seg}: the path's segments after {@code /runtime}. */
    public void handle(final Exchange ex, final String[] seg)
    {
        if (seg.length < 3 || seg.length > 4 || !"namespaces".equals(seg[0]) || !"logForwarding".equals(seg[2]) ||
            (seg.length == 4 && !"errors".equals(seg[3])))
        {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, Messages.ROUTE_NOT_FOUND);
        }
        final Identity identity = authenticator.authenticate(ex);
        if (identity == null)
        {
            return;
        }
        final String namespace = "_".equals(seg[1]) ? identity.namespace() : seg[1];
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
            ex.sendJson(HttpResponseStatus.OK, ("{\"destination\":\"" + PLATFORM + "\",\"errors\":[]}")
                .getBytes(StandardCharsets.UTF_8));
        }
        else if (m == HttpMethod.GET)
        {
            ex.sendJson(HttpResponseStatus.OK, SETTINGS);
        }
        else if (m == HttpMethod.PUT)
        {
            put(ex);
        }
        else
        {
            throw notAllowed("GET, PUT");
        }
    }

    private static void put(final Exchange ex)
    {
        final JsonNode body;
        try
        {
            body = ex.body().length == 0 ? null : Json.MAPPER.readTree(ex.body());
        }
        catch (final IOException e)
        {
            throw ApiError.badRequest(Messages.MALFORMED_PREFIX + e.getMessage());
        }
        if (body == null || !body.isObject() || body.size() != 1)
        {
            throw ApiError.badRequest("The settings must be one destination: {\"<destination>\":{...}}.");
        }
        final Iterator<String> names = body.fieldNames();
        final String destination = names.next();
        if (!PLATFORM.equals(destination))
        {
            throw ApiError.badRequest("Log forwarding destination '" + destination + "' is not supported. " +
                "Supported: " + PLATFORM + ".");
        }
        if (!body.get(destination).isObject())
        {
            throw ApiError.badRequest("The settings of " + destination + " must be an object.");
        }
        ex.sendJson(HttpResponseStatus.OK, SETTINGS);
    }

    private static ApiError notAllowed(final String supported)
    {
        return new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED,
            "HTTP method not allowed, supported methods: " + supported);
    }
}
