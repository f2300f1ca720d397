package dev.whisk.launcher.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What every wsk-style client command that talks to the platform shares: the connection flags, parameter flags, one
 * request and the printing of its answer as {@code wsk} prints it ({@code ok: created action X}, aligned tables for
 * lists), or the raw JSON with {@code --json} / {@code -o json}. On failure it prints {@code error: <message> (code
 * <code>)} to standard error and exits {@link #EXIT_REQUEST_FAILED} (the server refused) or
 * {@link #EXIT_CLIENT_FAILED} (bad input, unreachable server). Runs on the main thread of a short-lived client JVM,
 * which loads no server classes.
 */
abstract class ClientCommand extends CliCommand
{
    static final int EXIT_REQUEST_FAILED = 1;
    static final int EXIT_CLIENT_FAILED = 2;

    static final Flag INSECURE = Flag.toggle("Accept any TLS certificate of the API host.", "-i", "--insecure");
    static final Flag PROPS = Flag.text("FILE", "wsk properties file (default: $WSK_CONFIG_FILE, ~/.wskprops).",
        "--props");
    static final Flag APIHOST = Flag.text("HOST", "API host, overriding APIHOST.", "--apihost");
    static final Flag AUTH = Flag.text("KEY", "uuid:key, overriding AUTH.", "-u", "--auth");
    static final Flag JSON = Flag.toggle("Print the server's JSON answer instead of wsk's text.", "--json");
    static final Flag OUTPUT = Flag.text("FORMAT", "json: as --json.", "-o", "--output");

    static final Flag PARAM = Flag.pair("KEY VALUE", "A parameter (JSON, or else a string); repeatable.", "-p",
        "--param");
    static final Flag PARAM_FILE = Flag.text("FILE", "A JSON object of parameters.", "-P", "--param-file");

    ClientCommand(final String name, final String description, final int requiredOperands, final String... operands)
    {
        super(name, description, requiredOperands, operands);
        flags(INSECURE, PROPS, APIHOST, AUTH, JSON, OUTPUT);
    }

    /** Whether the answer is printed as raw JSON for scripts. */
    boolean wantsJson()
    {
        return isSet(JSON) || "json".equalsIgnoreCase(text(OUTPUT));
    }

    /** Whether neither {@code -p} nor {@code -P} was given. */
    boolean hasNoParams()
    {
        return all(PARAM).isEmpty() && !isSet(PARAM_FILE);
    }

    /** The {@code -P} file's object with every {@code -p key value} over it: values are JSON when they parse. */
    JsonValue params() throws IOException
    {
        final JsonValue out = JsonValue.object();
        final Path file = path(PARAM_FILE);
        if (file != null)
        {
            final JsonValue fromFile;
            try
            {
                fromFile = JsonValue.parse(Files.readString(file));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IOException("parameter file " + file + " is " + ex.getMessage());
            }
            if (!fromFile.isObject())
            {
                throw new IOException("parameter file " + file + " must hold a JSON object");
            }
            out.setAll(fromFile);
        }
        final List<String> pairs = all(PARAM);
        for (int i = 0; i + 1 < pairs.size(); i += 2)
        {
            out.set(pairs.get(i), JsonValue.parseOrText(pairs.get(i + 1)));
        }
        return out;
    }

    /** {@link #params()} as OpenWhisk's {@code [{"key": k, "value": v}, ...]}. */
    JsonValue paramsAsKeyValues() throws IOException
    {
        return keyValues(params());
    }

    @Override
    final int run()
    {
        try
        {
            final String output = text(OUTPUT);
            if (output != null && !"json".equalsIgnoreCase(output))
            {
                throw new IllegalArgumentException("unknown output format '" + output + "': use -o json");
            }
            final RestClient client = new RestClient(WskProps.load(path(PROPS), text(APIHOST), text(AUTH)),
                isSet(INSECURE));
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
        final JsonValue body) throws IOException
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

    /**
     * One row of a list that {@link #listed} prints; list commands implement it themselves (a lambda's first use
     * bootstraps method handles, which a one-shot command would pay for).
     */
    interface Row
    {
        String of(JsonValue entity);
    }

    /** A list as {@code wsk} prints it: the collection's title, then one formatted row per entity. */
    int listed(final RestClient.Response r, final String title, final Row row)
    {
        if (!r.isOk() || wantsJson())
        {
            return print(r);
        }
        final StringBuilder sb = new StringBuilder(title).append('\n');
        for (final JsonValue e : r.json())
        {
            sb.append(row.of(e)).append('\n');
        }
        System.out.print(sb);
        return 0;
    }

    /** The row of an entity list: {@code /ns/[pkg/]name}, padded to 70, then {@code private|shared}, then more. */
    static String entityRow(final JsonValue e, final String extra)
    {
        return pad("/" + e.path("namespace").asText() + "/" + e.path("name").asText(), 70) + " " +
            (e.path("publish").asBoolean() ? "shared" : "private") + (extra.isEmpty() ? "" : " " + extra);
    }

    /** {@code text} padded with spaces to {@code width}, as {@code %-Ns} formats it. */
    static String pad(final String text, final int width)
    {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    /** The value of annotation {@code key} of an entity, or {@code null}. */
    static JsonValue annotation(final JsonValue entity, final String key)
    {
        for (final JsonValue a : entity.path("annotations"))
        {
            if (key.equals(a.path("key").asText()))
            {
                return a.path("value");
            }
        }
        return null;
    }

    static JsonValue keyValues(final JsonValue object)
    {
        final JsonValue out = JsonValue.array();
        for (final Map.Entry<String, JsonValue> e : object.fields().entrySet())
        {
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
