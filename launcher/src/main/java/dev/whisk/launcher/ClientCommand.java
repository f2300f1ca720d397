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
 * of its answer. A command prints the JSON answer on success and exits 0; on failure it prints
 * {@code error: <message>} to standard error and exits {@link #EXIT_REQUEST_FAILED} (the server refused) or
 * {@link #EXIT_CLIENT_FAILED} (bad input, unreachable server).
 */
abstract class ClientCommand implements Callable<Integer>
{
    static final int EXIT_REQUEST_FAILED = 1;
    static final int EXIT_CLIENT_FAILED = 2;

    @Mixin
    Connection connection = new Connection();

    @Spec
    CommandSpec spec;

    /**
     * Whether this is an {@code update}, which overwrites an existing entity, rather than a {@code create}: the two
     * commands of each collection take the same flags and differ only in this, which their name says.
     */
    boolean isUpdate()
    {
        return "update".equals(spec.name());
    }

    /** {@code --props}, {@code --apihost}, {@code --auth}. */
    static final class Connection
    {
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
            final RestClient client = new RestClient(WskProps.load(connection.props, connection.apiHost,
                connection.auth));
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

    /** Sends the request and prints the answer, or the error. */
    static int request(final RestClient client, final String method, final String path, final JsonNode body)
        throws IOException
    {
        final RestClient.Response r = client.send(method, path, body == null ? null : body.toString());
        return print(r);
    }

    static int print(final RestClient.Response r)
    {
        if (!r.isOk())
        {
            System.err.println("error: " + r.error());
            return EXIT_REQUEST_FAILED;
        }
        if (!r.body().isEmpty())
        {
            System.out.println(r.json().toPrettyString());
        }
        return 0;
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

    static String pagingQuery(final int skip, final int limit)
    {
        return "?skip=" + skip + "&limit=" + limit;
    }
}
