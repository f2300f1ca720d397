package dev.whisk.frontdoor;

import dev.whisk.core.entity.Messages;
import dev.whisk.core.json.Json;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * OpenWhisk's operator view of the invokers, unauthenticated as there: {@code GET /invokers} answers each invoker's
 * state ({@code {"invoker0":"up","invoker1":"unhealthy"}}), {@code GET /invokers/healthy/count} how many are up.
 * Runs on the event loop that read the request.
 */
final class InvokersHandler
{
    static final String PATH = "/invokers";

    private final Supplier<Map<String, String>> states;

    /** @param states each invoker's state now (empty without a scheduler). */
    InvokersHandler(final Supplier<Map<String, String>> states)
    {
        this.states = states;
    }

    /** Whether {@code path} is one this handler serves (or refuses with its own 404). */
    static boolean matches(final String path)
    {
        return path.startsWith(PATH);
    }

    void serve(final Exchange ex, final String path)
    {
        ApiHandler.requireMethod(ex, io.netty.handler.codec.http.HttpMethod.GET);
        final Map<String, String> now = states.get();
        if (path.equals(PATH) || path.equals(PATH + "/"))
        {
            ex.sendJson(HttpResponseStatus.OK, Json.MAPPER.valueToTree(now).toString()
                .getBytes(StandardCharsets.UTF_8));
        }
        else if (path.equals(PATH + "/healthy/count"))
        {
            final long up = now.values().stream().filter("up"::equals).count();
            ex.sendJson(HttpResponseStatus.OK, Long.toString(up).getBytes(StandardCharsets.UTF_8));
        }
        else
        {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, Messages.ROUTE_NOT_FOUND);
        }
    }
}
