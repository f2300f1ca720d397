package dev.whisk.invoker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.whisk.core.json.Json;
import dev.whisk.pool.ActionCode;
import dev.whisk.pool.ActionCodeSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The controller's internal endpoint from which invokers in other processes fetch action code when they initialize
 * a container: {@code GET /code?path=ns/[pkg/]name&version=v&revision=r} with header {@value #TOKEN_HEADER}. Used
 * only on cold starts, never on the warm path, so a small blocking server is enough.
 */
public final class CodeEndpoint implements AutoCloseable
{
    static final String TOKEN_HEADER = "X-Whisk-Invoker-Token";

    private final HttpServer server;
    private final ExecutorService threads;

    public CodeEndpoint(final InetSocketAddress address, final String token, final ActionCodeSource source)
        throws IOException
    {
        final byte[] expected = token.getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(address, 64);
        threads = Executors.newFixedThreadPool(2, r ->
        {
            final Thread t = new Thread(r, "code-endpoint");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext("/code", exchange ->
        {
            try (exchange)
            {
                final String presented = exchange.getRequestHeaders().getFirst(TOKEN_HEADER);
                if (presented == null ||
                    !MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8)))
                {
                    reply(exchange, 401, "{\"error\":\"invoker token required\"}");
                    return;
                }
                final Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
                final ActionCode code;
                try
                {
                    code = source.fetch(q.get("path"), q.get("version"), Long.parseLong(q.getOrDefault("revision",
                        "-1")));
                }
                catch (final NumberFormatException ex)
                {
                    reply(exchange, 400, "{\"error\":\"revision must be a number\"}");
                    return;
                }
                if (code == null)
                {
                    reply(exchange, 404, "{\"error\":\"no such action revision\"}");
                    return;
                }
                reply(exchange, 200, Json.MAPPER.writeValueAsString(code));
            }
        });
        server.start();
    }

    public InetSocketAddress address()
    {
        return server.getAddress();
    }

    private static void reply(final HttpExchange exchange, final int status, final String body) throws IOException
    {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody())
        {
            out.write(bytes);
        }
    }

    private static Map<String, String> query(final String raw)
    {
        final Map<String, String> out = new HashMap<>();
        if (raw == null)
        {
            return out;
        }
        for (final String pair : raw.split("&"))
        {
            final int eq = pair.indexOf('=');
            if (eq > 0)
            {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Override
    public void close()
    {
        server.stop(0);
        threads.shutdownNow();
    }
}
