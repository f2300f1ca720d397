package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** {@code whisk action create|update|invoke|get|list|delete}, as {@code wsk action} spells them. */
@Command(name = "action", mixinStandardHelpOptions = true, description = "Work with actions.",
    subcommands = {ActionCommand.Create.class, ActionCommand.Update.class, ActionCommand.Invoke.class,
        ActionCommand.Get.class, ActionCommand.ListActions.class, ActionCommand.Delete.class})
final class ActionCommand implements Runnable
{
    @Override
    public void run()
    {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** The flags of create and update. */
    abstract static class Write extends ClientCommand
    {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Mixin
        Params params = new Params();

        @Option(names = "--kind", description = "Runtime kind (default nodejs:default).")
        String kind;

        @Option(names = "--main", description = "Entry point.")
        String main;

        @Option(names = {"-m", "--memory"}, description = "Memory limit in MB.")
        Integer memoryMb;

        @Option(names = {"-t", "--timeout"}, description = "Time limit in milliseconds.")
        Integer timeoutMs;

        @Option(names = "--web", description = "true, false or raw: export as a web action.")
        String web;

        @Option(names = "--web-secure", paramLabel = "SECRET",
            description = "true (a generated secret), false, or a secret a web call must carry.")
        String webSecure;

        @Option(names = {"-l", "--logsize"}, description = "Log size limit in MB.")
        Integer logsMb;

        @Option(names = {"-c", "--concurrency"}, description = "Activations one container may run at once.")
        Integer concurrency;

        @Option(names = "--sequence", description = "Make a sequence of these comma-separated actions.")
        String sequence;

        @Option(names = "--docker", paramLabel = "IMAGE", description = "A blackbox action of this image.")
        String docker;

        @Option(names = {"-a", "--annotation"}, arity = "2", paramLabel = "KEY VALUE")
        List<String> annotations = new ArrayList<>();

        abstract Path file();

        @Override
        int execute(final RestClient client) throws IOException
        {
            final ObjectNode body = Json.MAPPER.createObjectNode();
            final Path file = file();
            if (sequence != null)
            {
                if (file != null || docker != null)
                {
                    throw new IllegalArgumentException("--sequence takes no code FILE or --docker image");
                }
                final ObjectNode exec = body.putObject("exec").put("kind", "sequence");
                final ArrayNode components = exec.putArray("components");
                for (final String component : sequence.split(","))
                {
                    final String c = component.trim();
                    components.add(c.startsWith("/") ? c : "/_/" + c);
                }
            }
            else if (docker != null)
            {
                final ObjectNode exec = body.putObject("exec").put("kind", "blackbox").put("image", docker);
                if (file != null)
                {
                    exec.put("code", code(file));
                    exec.put("binary", file.getFileName().toString().endsWith(".zip"));
                }
            }
            else if (file != null)
            {
                final ObjectNode exec = body.putObject("exec");
                exec.put("kind", kind == null ? "nodejs:default" : kind);
                exec.put("code", code(file));
                exec.put("binary", file.getFileName().toString().endsWith(".zip"));
                if (main != null)
                {
                    exec.put("main", main);
                }
            }
            else if (kind != null || main != null)
            {
                throw new IllegalArgumentException("--kind and --main need a code FILE");
            }
            if (!params.isEmpty())
            {
                body.set("parameters", params.asKeyValues());
            }
            if (memoryMb != null || timeoutMs != null || logsMb != null || concurrency != null)
            {
                final ObjectNode limits = body.putObject("limits");
                if (memoryMb != null)
                {
                    limits.put("memory", memoryMb);
                }
                if (timeoutMs != null)
                {
                    limits.put("timeout", timeoutMs);
                }
                if (logsMb != null)
                {
                    limits.put("logs", logsMb);
                }
                if (concurrency != null)
                {
                    limits.put("concurrency", concurrency);
                }
            }
            final ArrayNode annos = Json.MAPPER.createArrayNode();
            for (int i = 0; i + 1 < annotations.size(); i += 2)
            {
                annos.addObject().put("key", annotations.get(i)).set("value", value(annotations.get(i + 1)));
            }
            if (web != null)
            {
                final boolean on = !"false".equalsIgnoreCase(web) && !"no".equalsIgnoreCase(web);
                annos.addObject().put("key", "web-export").put("value", on);
                if (on)
                {
                    annos.addObject().put("key", "final").put("value", true);
                }
                annos.addObject().put("key", "raw-http").put("value", "raw".equalsIgnoreCase(web));
            }
            if (webSecure != null)
            {
                if ("false".equalsIgnoreCase(webSecure))
                {
                    annos.addObject().put("key", "require-whisk-auth").put("value", false);
                }
                else if ("true".equalsIgnoreCase(webSecure))
                {
                    annos.addObject().put("key", "require-whisk-auth")
                        .put("value", java.util.concurrent.ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
                }
                else
                {
                    annos.addObject().put("key", "require-whisk-auth").set("value", value(webSecure));
                }
            }
            if (!annos.isEmpty())
            {
                body.set("annotations", annos);
            }
            return done(send(client, "PUT", RestClient.entityPath("actions", name) +
                (isUpdate() ? "?overwrite=true" : ""), body), (isUpdate() ? "updated" : "created") + " action " + name);
        }

        /** A zip file goes base64-encoded, as {@code wsk} sends it; any other file as its text. */
        private static String code(final Path file) throws IOException
        {
            return file.getFileName().toString().endsWith(".zip") ?
                Base64.getEncoder().encodeToString(Files.readAllBytes(file)) : Files.readString(file);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an action from a code file.")
    static final class Create extends Write
    {
        @Parameters(index = "1", paramLabel = "FILE")
        Path file;

        @Override
        Path file()
        {
            return file;
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
        description = "Update an action (or create it); without FILE the code stays.")
    static final class Update extends Write
    {
        @Parameters(index = "1", paramLabel = "FILE", arity = "0..1")
        Path file;

        @Override
        Path file()
        {
            return file;
        }
    }

    @Command(name = "invoke", mixinStandardHelpOptions = true, description = "Invoke an action.")
    static final class Invoke extends ClientCommand
    {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Mixin
        Params params = new Params();

        @Option(names = {"-b", "--blocking"}, description = "Wait for the result.")
        boolean blocking;

        @Option(names = {"-r", "--result"}, description = "Print only the result (implies --blocking).")
        boolean result;

        @Override
        int execute(final RestClient client) throws IOException
        {
            final boolean wait = blocking || result;
            final RestClient.Response r = send(client, "POST", RestClient.entityPath("actions", name) +
                "?blocking=" + wait + "&result=" + result, params.asObject());
            if (!r.isOk() || result || wantsJson())
            {
                return print(r);
            }
            final String id = r.json().path("activationId").asText();
            System.out.println("ok: invoked " + qualified(name) + " with id " + id);
            if (wait && r.json().has("response"))
            {
                System.out.println(r.json().toPrettyString());
            }
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show an action.")
    static final class Get extends ClientCommand
    {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = {"-r", "--url"}, description = "Print only the action's URL.")
        boolean url;

        @Option(names = {"-s", "--summary"}, description = "Print only a summary of the action.")
        boolean summary;

        @Override
        int execute(final RestClient client) throws IOException
        {
            final String path = RestClient.entityPath("actions", name);
            final RestClient.Response r = send(client, "GET", path + (url || summary ? "?code=false" : ""), null);
            if (!r.isOk() || wantsJson())
            {
                return print(r);
            }
            final JsonNode a = r.json();
            final String fqn = "/" + a.path("namespace").asText() + "/" + a.path("name").asText();
            if (url)
            {
                final JsonNode web = annotation(a, "web-export");
                System.out.println("ok: got action " + name + " url");
                System.out.println(client.base() + (web != null && web.asBoolean() ? "/web" + fqn : path));
                return 0;
            }
            if (summary)
            {
                final JsonNode description = annotation(a, "description");
                System.out.println("action " + fqn + (description == null ? "" : ": " + description.asText()));
                final StringBuilder params = new StringBuilder();
                for (final JsonNode p : a.path("parameters"))
                {
                    params.append(params.length() == 0 ? "" : ", ").append(p.path("key").asText());
                }
                System.out.println("   (parameters: " + (params.length() == 0 ? "none defined" : params) + ")");
                return 0;
            }
            return shown(r, "got action " + name);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List actions (of a package).")
    static final class ListActions extends ClientCommand
    {
        @Parameters(index = "0", paramLabel = "PACKAGE", arity = "0..1")
        String pkg;

        @Option(names = "--skip", defaultValue = "0")
        int skip;

        @Option(names = "--limit", defaultValue = "30")
        int limit;

        @Override
        int execute(final RestClient client) throws IOException
        {
            final String path = pkg == null ? "/namespaces/_/actions" : RestClient.entityPath("actions", pkg) + "/";
            return listed(send(client, "GET", path + pagingQuery(skip, limit), null), "actions", a ->
            {
                final JsonNode kind = annotation(a, "exec");
                return entityRow(a, kind != null ? kind.asText() : a.path("exec").path("kind").asText());
            });
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an action.")
    static final class Delete extends ClientCommand
    {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        int execute(final RestClient client) throws IOException
        {
            return done(send(client, "DELETE", RestClient.entityPath("actions", name), null), "deleted action " + name);
        }
    }
}
