package dev.whisk.launcher.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The run {@code bin/whisk} records the client's class-data archive from ({@code -XX:ArchiveClassesAtExit}, once per
 * build): it answers like the platform, with canned replies on a loopback port of its own, and runs every kind of
 * client command against them in this JVM, output discarded. The archive then holds every class any client command
 * loads, whichever one a user happens to type first; a class missing from it would be read, parsed and verified from
 * the jar on every call. Exits non-zero when a command did not do what it does against the platform, so a broken
 * client jar is noticed when the archive is made.
 */
final class ClientTraining implements HttpHandler
{
    private static final String ID = "6dc46c2df03973982e5c81cc09742700";
    private static final String ACTION = "{\"namespace\":\"guest\",\"name\":\"hello\",\"version\":\"0.0.1\"," +
        "\"publish\":false,\"exec\":{\"kind\":\"nodejs:20\",\"binary\":false},\"annotations\":[{\"key\":\"exec\"," +
        "\"value\":\"nodejs:20\"},{\"key\":\"web-export\",\"value\":true}],\"parameters\":[{\"key\":\"name\"," +
        "\"value\":\"World\"}],\"limits\":{\"timeout\":60000,\"memory\":256,\"logs\":10,\"concurrency\":1}}";
    private static final String ACTIVATION = "{\"namespace\":\"guest\",\"name\":\"hello\",\"version\":\"0.0.1\"," +
        "\"activationId\":\"" + ID + "\",\"start\":1733287000000,\"end\":1733287000007,\"duration\":7," +
        "\"statusCode\":0,\"response\":{\"status\":\"success\",\"statusCode\":0,\"success\":true," +
        "\"result\":{\"greeting\":\"Hello, World!\",\"n\":1.5,\"list\":[1,true,null,\"\\u00e9\\n\"]}}," +
        "\"logs\":[\"2024-12-04T04:55:24.893561528Z stdout: hi\"],\"annotations\":[{\"key\":\"path\"," +
        "\"value\":\"guest/hello\"},{\"key\":\"kind\",\"value\":\"nodejs:20\"},{\"key\":\"initTime\",\"value\":52}]}";
    private static final String NOT_FOUND = "{\"error\":\"The requested resource does not exist.\"," +
        "\"code\":\"01737a312a992ceb75b11581a8f11a60\"}";

    private ClientTraining()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", new ClientTraining());
        server.start();
        final Path dir = Files.createTempDirectory("whisk-client-training");
        final PrintStream out = System.out;
        final PrintStream err = System.err;
        final List<String> failed = new ArrayList<>();
        try
        {
            final String props = Files.writeString(dir.resolve("wskprops"), "APIHOST=http://127.0.0.1:" +
                server.getAddress().getPort() + "\nAUTH=23bc46b1-71f6-4ed5-8c54-816aa4f8c502:key\n").toString();
            final String code = Files.writeString(dir.resolve("hello.js"), "function main(p) { return p; }")
                .toString();
            final String params = Files.writeString(dir.resolve("params.json"), "{\"a\": [1, {\"b\": null}]}")
                .toString();
            final String[][] ok = {
                {"action", "list"}, {"action", "list", "--json"},
                {"action", "create", "hello", code, "-p", "name", "World", "-P", params, "-a", "k", "{\"v\":1}",
                    "--web", "true", "--web-secure", "s", "-m", "128", "-t", "1000", "-l", "1", "-c", "2", "--main",
                    "main", "--kind", "nodejs:20"},
                {"action", "update", "hello", "--sequence", "a,b"}, {"action", "invoke", "hello", "--result"},
                {"action", "invoke", "hello", "--blocking", "-p", "n", "1"}, {"action", "invoke", "hello"},
                {"action", "get", "hello"}, {"action", "get", "hello", "--url"}, {"action", "get", "hello", "-s"},
                {"action", "delete", "hello"}, {"activation", "list"}, {"activation", "list", "hello", "--limit",
                "5", "--since", "0"}, {"activation", "get", "--last"}, {"activation", "get", ID, "--summary"},
                {"activation", "logs", ID}, {"activation", "result", ID}, {"package", "list"},
                {"package", "bind", "/whisk.system/utils", "u"}, {"trigger", "fire", "t", "-p", "a", "b"},
                {"trigger", "create", "t", "--feed", "/whisk.system/alarms/alarm"}, {"rule", "list"},
                {"rule", "enable", "r"}, {"namespace", "list"}, {"namespace", "get"}, {"property", "get"},
                {"action", "--help"}, {"action", "create", "--help"}, {"property", "set", "--namespace", "guest"},
                {"property", "unset", "--namespace"}};
            final String[][] refused = {{"action", "get", "missing"}, {"action", "list", "--bogus"},
                {"action", "create", "x"}, {"action", "frob"}};
            System.setOut(new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8));
            for (final String[] command : ok)
            {
                if (Client.run(withProps(command, props)) != 0)
                {
                    failed.add(String.join(" ", command));
                }
            }
            for (final String[] command : refused)
            {
                if (Client.run(withProps(command, props)) == 0)
                {
                    failed.add(String.join(" ", command) + " (succeeded)");
                }
            }
        }
        finally
        {
            System.setOut(out);
            System.setErr(err);
            server.stop(0);
            for (final String name : new String[]{"wskprops", "hello.js", "params.json"})
            {
                Files.deleteIfExists(dir.resolve(name));
            }
            Files.deleteIfExists(dir);
        }
        if (!failed.isEmpty())
        {
            System.err.println("whisk client training: these commands did not do what they do: " + failed);
            System.exit(1);
        }
    }

    private static String[] withProps(final String[] command, final String props)
    {
        final String[] all = new String[command.length + 2];
        System.arraycopy(command, 0, all, 0, command.length);
        all[command.length] = "--props";
        all[command.length + 1] = props;
        return all;
    }

    /** The platform's answers, enough for each command to take the path it takes for real. */
    @Override
    public void handle(final HttpExchange exchange) throws IOException
    {
        exchange.getRequestBody().readAllBytes();
        final String method = exchange.getRequestMethod();
        final String path = exchange.getRequestURI().getPath();
        final String query = exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI()
            .getRawQuery();
        int status = 200;
        final String body;
        if (path.endsWith("/actions/missing"))
        {
            status = 404;
            body = NOT_FOUND;
        }
        else if (path.equals("/api/v1/namespaces"))
        {
            body = "[\"guest\"]";
        }
        else if (path.endsWith("/actions") || path.endsWith("/packages") || path.endsWith("/rules") ||
            path.endsWith("/triggers") || path.endsWith("/actions/"))
        {
            body = "[" + ACTION + "]";
        }
        else if (path.endsWith("/activations"))
        {
            body = "[" + ACTIVATION + "]";
        }
        else if (path.endsWith("/logs") || path.contains("/activations/"))
        {
            body = path.endsWith("/result") ? "{\"result\":{\"greeting\":\"Hello\"}}" : ACTIVATION;
        }
        else if ("POST".equals(method) && path.contains("/actions/"))
        {
            status = query.contains("blocking=true") ? 200 : 202;
            body = query.contains("result=true") ? "{\"greeting\":\"Hello, World!\"}" :
                query.contains("blocking=true") ? ACTIVATION : "{\"activationId\":\"" + ID + "\"}";
        }
        else if ("POST".equals(method) && path.contains("/triggers/"))
        {
            status = 202;
            body = "{\"activationId\":\"" + ID + "\"}";
        }
        else
        {
            body = ACTION;
        }
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = exchange.getResponseBody())
        {
            os.write(bytes);
        }
    }
}
