package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.whisk.core.json.Json;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * What every wsk-style client command shares: the connection options, parameter flags, one request and the printing
 * of its answer as {@code wsk} prints it ({@code ok: created action X}, aligned tables for lists), or the raw JSON with
 * {@code --json} / {@code -o json}. On failure it prints {@code error: <message> (code <code>)} to standard error and
 * exits {@link #EXIT_REQUEST_FAILED} (the server refused) or {@link #EXIT_CLIENT_FAILED} (bad input, unreachable
 * server). Runs on the main thread of a short-lived client JVM, which loads no server classes.
 */
abstract class ClientCommand implements Callable<Integer>
{
    static final int EXIT_REQUEST_FAILED = 1;
    static final int EXIT_CLIENT_FAILED = 2;

    @Mixin
    Connection connection = new Connection();

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the server's JSON answer instead of wsk's text.")
    boolean jsonFlag;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "json: as --json.")
    String output;

    /** Whether the answer is printed as raw JSON for scripts. */
    boolean wantsJson()
    {
        return jsonFlag || "json".equalsIgnoreCase(output);
    }

    /**
     * Whether this is an {@code update}, which overwrites an existing entity, rather than a {@code create}: the two
     * commands of each collection take the same flags and differ only in this, which their name says.
     */
    boolean isUpdate()
    {
        return "update".equals(spec.name());
    }

    /** {@code --props}, {@code --apihost}, {@code --auth}, {@code -i}. */
    static final class Connection
    {
        @Option(names = {"-i", "--insecure"}, description = "Accept any TLS certificate of the API host.")
        boolean insecure;

        @Option(names = "--props", description = "wsk properties file (default: $WSK_CONFIG_FILE, ~/.wskprops).")
        Path props;

        @Option(names = "--apihost", description = "API host, overriding APIHOST.")
        String apiHost;

        @Option(names = {"-u", "--auth"}, description = "uuid:key, overriding AUTH.")
        String auth;
    }

    /** {@code -p key value} (repeatable) and {@code -P file}: values are JSON when they parse, else strings. */
    static final class Params
    {
        @Option(names = {"-p", "--param"}, arity = "2", paramLabel = "KEY VALUE", description = "A parameter.")
        List<String> pairs = new ArrayList<>();

        @Option(names = {"-P", "--param-file"}, paramLabel = "FILE", description = "A JSON object of parameters.")
        Path file;

        boolean isEmpty()
        {
            return pairs.isEmpty() && file == null;
        }

        ObjectNode asObject() throws IOException
        {
            final ObjectNode out = Json.MAPPER.createObjectNode();
            if (file != null)
            {
                final JsonNode fromFile = Json.MAPPER.readTree(Files.readString(file));
                if (fromFile == null || !fromFile.isObject())
                {
                    throw new IOException("parameter file " + file + " must hold a JSON object");
                }
                out.setAll((ObjectNode)fromFile);
            }
            for (int i = 0; i + 1 < pairs.size(); i += 2)
            {
                out.set(pairs.get(i), value(pairs.get(i + 1)));
            }
            return out;
        }

        ArrayNode asKeyValues() throws IOException
        {
            return keyValues(asObject());
        }
    }

    @Override
    public final Integer call()
    {
        try
        {
            if (output != null && !"json".equalsIgnoreCase(output))
            {
                throw new IllegalArgumentException("unknown output format '" + output + "': use -o json");
            }
            final RestClient client = new RestClient(WskProps.load(connection.props, connection.apiHost,
                connection.auth), connection.insecure);
            return execute(client);
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            System.err.println("error: " + (ex.getMessage() == null ? ex.getClass().getSimpleName() :
                ex.getMessage()));
            return EXIT_CLIENT_FAILED;
        }
    }

    abstract int execute(RestClient client) throws IOException;

    /** Sends one request. */
    static RestClient.Response send(final RestClient client, final String method, final String path,
        final JsonNode body) throws IOException
    {
        return client.send(method, path, body == null ? null : body.toString());
    }

    /** Prints the answer as pretty JSON (what {@code --result} and {@code --json} show), or the error. */
    static int print(final RestClient.Response r)
    {
        if (!r.isOk())
        {
            return error(r);
        }
        if (!r.body().isEmpty())
        {
            System.out.println(r.json().toPrettyString());
        }
        return 0;
    }

    /** Prints the server's refusal as {@code wsk} does, with its message and code, and returns the exit code. */
    static int error(final RestClient.Response r)
    {
        System.err.println("error: " + r.error());
        return EXIT_REQUEST_FAILED;
    }

    /** Success is {@code ok: <what>} alone, as {@code wsk create|update|delete} print it; JSON with {@code --json}. */
    int done(final RestClient.Response r, final String what)
    {
        if (!r.isOk() || wantsJson())
        {
            return print(r);
        }
        System.out.println("ok: " + what);
        return 0;
    }

    /** Success is {@code ok: <what>} and the pretty JSON below it, as {@code wsk get} prints it. */
    int shown(final RestClient.Response r, final String what)
    {
        if (r.isOk() && !wantsJson())
        {
            System.out.println("ok: " + what);
        }
        return print(r);
    }

    /** A list as {@code wsk} prints it: the collection's title, then one formatted row per entity. */
    int listed(final RestClient.Response r, final String title, final java.util.function.Function<JsonNode, String> row)
    {
        if (!r.isOk() || wantsJson())
        {
            return print(r);
        }
        final StringBuilder sb = new StringBuilder(title).append('\n');
        for (final JsonNode e : r.json())
        {
            sb.append(row.apply(e)).append('\n');
        }
        System.out.print(sb);
        return 0;
    }

    /** The row of an entity list: {@code /ns/[pkg/]name}, padded to 70, then {@code private|shared}, then more. */
    static String entityRow(final JsonNode e, final String extra)
    {
        final String fqn = "/" + e.path("namespace").asText() + "/" + e.path("name").asText();
        return String.format("%-70s %s%s", fqn, e.path("publish").asBoolean() ? "shared" : "private",
            extra.isEmpty() ? "" : " " + extra);
    }

    /** The value of annotation {@code key} of an entity, or {@code null}. */
    static JsonNode annotation(final JsonNode entity, final String key)
    {
        for (final JsonNode a : entity.path("annotations"))
        {
            if (key.equals(a.path("key").asText()))
            {
                return a.path("value");
            }
        }
        return null;
    }

    static JsonNode value(final String text)
    {
        try
        {
            final JsonNode parsed = Json.MAPPER.readTree(text);
            return parsed == null ? TextNode.valueOf(text) : parsed;
        }
        catch (final IOException ex)
        {
            return TextNode.valueOf(text);
        }
    }

    static ArrayNode keyValues(final ObjectNode object)
    {
        final ArrayNode out = Json.MAPPER.createArrayNode();
        final Iterator<Map.Entry<String, JsonNode>> it = object.fields();
        while (it.hasNext())
        {
            final Map.Entry<String, JsonNode> e = it.next();
            out.addObject().put("key", e.getKey()).set("value", e.getValue());
        }
        return out;
    }

    /** A name as {@code wsk} echoes it in {@code ok: invoked}: {@code /_/name} unless fully qualified. */
    static String qualified(final String name)
    {
        return name.startsWith("/") ? name : "/_/" + name;
    }

    static String pagingQuery(final int skip, final int limit)
    {
        return "?skip=" + skip + "&limit=" + limit;
    }
}
