package dev.whisk.launcher.cli;

import dev.whisk.launcher.cli.CliCommand.Flag;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/** {@code whisk action create|update|invoke|get|list|delete}, as {@code wsk action} spells them. */
final class ActionCommand
{
    static final String DESCRIPTION = "Work with actions.";
    static final List<String> COMMANDS = List.of("create", "update", "invoke", "get", "list", "delete");

    private ActionCommand()
    {
    }

    /** The sub-command {@code name}, or {@code null}. */
    static CliCommand command(final String name)
    {
        return switch (name)
        {
            case "create" -> new Write("create", "Create an action from a code file.", 2);
            case "update" -> new Write("update", "Update an action (or create it); without FILE the code stays.", 1);
            case "invoke" -> new Invoke();
            case "get" -> new Get();
            case "list" -> new ListActions();
            case "delete" -> new EntityCommand.Delete("actions", "action", "Delete an action.");
            default -> null;
        };
    }

    static final Flag BLOCKING = Flag.toggle("Wait for the result.", "-b", "--blocking");
    static final Flag RESULT = Flag.toggle("Print only the result (implies --blocking).", "-r", "--result");
    static final Flag SKIP = Flag.integer("N", "Skip this many (default 0).", "--skip");
    static final Flag LIMIT = Flag.integer("N", "List at most this many (default 30).", "--limit");

    /** create and update: {@code NAME FILE}, the file optional for update. */
    static final class Write extends EntityCommand
    {
        static final Flag KIND = Flag.text("KIND", "Runtime kind (default nodejs:default).", "--kind");
        static final Flag MAIN = Flag.text("NAME", "Entry point.", "--main");
        static final Flag MEMORY = Flag.integer("MB", "Memory limit in MB.", "-m", "--memory");
        static final Flag TIMEOUT = Flag.integer("MS", "Time limit in milliseconds.", "-t", "--timeout");
        static final Flag WEB = Flag.text("VALUE", "true, false or raw: export as a web action.", "--web");
        static final Flag WEB_SECURE = Flag.text("SECRET",
            "true (a generated secret), false, or a secret a web call must carry.", "--web-secure");
        static final Flag LOGSIZE = Flag.integer("MB", "Log size limit in MB.", "-l", "--logsize");
        static final Flag CONCURRENCY = Flag.integer("N", "Activations one container may run at once.", "-c",
            "--concurrency");
        static final Flag SEQUENCE = Flag.text("ACTIONS", "Make a sequence of these comma-separated actions.",
            "--sequence");
        static final Flag DOCKER = Flag.text("IMAGE", "A blackbox action of this image.", "--docker");
        static final Flag ANNOTATION = Flag.pair("KEY VALUE", "An annotation; repeatable.", "-a", "--annotation");

        Write(final String name, final String description, final int requiredOperands)
        {
            super("actions", "action", name, description, requiredOperands, "NAME", "FILE");
            flags(PARAM, PARAM_FILE, KIND, MAIN, MEMORY, TIMEOUT, WEB, WEB_SECURE, LOGSIZE, CONCURRENCY, SEQUENCE,
                DOCKER, ANNOTATION);
        }

        @Override
        int execute(final RestClient client) throws IOException
        {
            final String name = operand(0);
            final Path file = operand(1) == null ? null : Path.of(operand(1));
            final String kind = text(KIND);
            final String main = text(MAIN);
            final String sequence = text(SEQUENCE);
            final String docker = text(DOCKER);
            final JsonValue body = JsonValue.object();
            if (sequence != null)
            {
                if (file != null || docker != null)
                {
                    throw new IllegalArgumentException("--sequence takes no code FILE or --docker image");
                }
                final JsonValue exec = body.putObject("exec").put("kind", "sequence");
                final JsonValue components = exec.putArray("components");
                for (final String component : sequence.split(","))
                {
                    final String c = component.trim();
                    components.add(c.startsWith("/") ? c : "/_/" + c);
                }
            }
            else if (docker != null)
            {
                final JsonValue exec = body.putObject("exec").put("kind", "blackbox").put("image", docker);
                if (file != null)
                {
                    exec.put("code", code(file));
                    exec.put("binary", file.getFileName().toString().endsWith(".zip"));
                }
            }
            else if (file != null)
            {
                final JsonValue exec = body.putObject("exec");
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
            if (!hasNoParams())
            {
                body.set("parameters", paramsAsKeyValues());
            }
            if (isSet(MEMORY) || isSet(TIMEOUT) || isSet(LOGSIZE) || isSet(CONCURRENCY))
            {
                final JsonValue limits = body.putObject("limits");
                if (isSet(MEMORY))
                {
                    limits.put("memory", integer(MEMORY));
                }
                if (isSet(TIMEOUT))
                {
                    limits.put("timeout", integer(TIMEOUT));
                }
                if (isSet(LOGSIZE))
                {
                    limits.put("logs", integer(LOGSIZE));
                }
                if (isSet(CONCURRENCY))
                {
                    limits.put("concurrency", integer(CONCURRENCY));
                }
            }
            final JsonValue annos = JsonValue.array();
            final List<String> annotations = all(ANNOTATION);
            for (int i = 0; i + 1 < annotations.size(); i += 2)
            {
                annos.addObject().put("key", annotations.get(i))
                    .set("value", JsonValue.parseOrText(annotations.get(i + 1)));
            }
            final String web = text(WEB);
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
            final String webSecure = text(WEB_SECURE);
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
                    annos.addObject().put("key", "require-whisk-auth").set("value", JsonValue.parseOrText(webSecure));
                }
            }
            if (!annos.isEmpty())
            {
                body.set("annotations", annos);
            }
            return write(client, name, body);
        }

        /** A zip file goes base64-encoded, as {@code wsk} sends it; any other file as its text. */
        private static String code(final Path file) throws IOException
        {
            return file.getFileName().toString().endsWith(".zip") ?
                Base64.getEncoder().encodeToString(Files.readAllBytes(file)) : Files.readString(file);
        }
    }

    /** {@code invoke NAME}. */
    static final class Invoke extends ClientCommand
    {
        Invoke()
        {
            super("invoke", "Invoke an action.", 1, "NAME");
            flags(PARAM, PARAM_FILE, BLOCKING, RESULT);
        }

        @Override
        int execute(final RestClient client) throws IOException
        {
            final String name = operand(0);
            final boolean result = isSet(RESULT);
            final boolean wait = isSet(BLOCKING) || result;
            final RestClient.Response r = send(client, "POST", RestClient.entityPath("actions", name) +
                "?blocking=" + wait + "&result=" + result, params());
            if (!r.isOk() || result || wantsJson())
            {
                return print(r);
            }
            final JsonValue answer = r.json();
            System.out.println("ok: invoked " + qualified(name) + " with id " + answer.path("activationId").asText());
            if (wait && answer.has("response"))
            {
                System.out.println(answer.toPrettyString());
            }
            return 0;
        }
    }

    /** {@code get NAME}, {@code --url}, {@code --summary}. */
    static final class Get extends EntityCommand.Get
    {
        static final Flag URL = Flag.toggle("Print only the action's URL.", "-r", "--url");
        static final Flag SUMMARY = Flag.toggle("Print only a summary of the action.", "-s", "--summary");

        Get()
        {
            super("actions", "action", "Show an action.");
            flags(URL, SUMMARY);
        }

        @Override
        int execute(final RestClient client) throws IOException
        {
            final String name = operand(0);
            final boolean url = isSet(URL);
            final boolean summary = isSet(SUMMARY);
            final String path = entityPath(name);
            final RestClient.Response r = send(client, "GET", path + (url || summary ? "?code=false" : ""), null);
            if (!r.isOk() || wantsJson())
            {
                return print(r);
            }
            final JsonValue a = r.json();
            final String fqn = "/" + a.path("namespace").asText() + "/" + a.path("name").asText();
            if (url)
            {
                final JsonValue web = annotation(a, "web-export");
                System.out.println("ok: got action " + name + " url");
                System.out.println(client.base() + (web != null && web.asBoolean() ? "/web" + fqn : path));
                return 0;
            }
            if (summary)
            {
                final JsonValue description = annotation(a, "description");
                System.out.println("action " + fqn + (description == null ? "" : ": " + description.asText()));
                final StringBuilder params = new StringBuilder();
                for (final JsonValue p : a.path("parameters"))
                {
                    params.append(params.length() == 0 ? "" : ", ").append(p.path("key").asText());
                }
                System.out.println("   (parameters: " + (params.length() == 0 ? "none defined" : params) + ")");
                return 0;
            }
            return shown(r, "got action " + name);
        }
    }

    /** {@code list [PACKAGE]}. */
    static final class ListActions extends EntityCommand.Listing
    {
        ListActions()
        {
            super("actions", "List actions (of a package).", "PACKAGE");
            flags(SKIP, LIMIT);
        }

        @Override
        String listPath()
        {
            final String pkg = operand(0);
            return (pkg == null ? super.listPath() : entityPath(pkg) + "/") +
                pagingQuery(integer(SKIP, 0), integer(LIMIT, 30));
        }

        @Override
        public String of(final JsonValue a)
        {
            final JsonValue kind = annotation(a, "exec");
            return entityRow(a, kind != null ? kind.asText() : a.path("exec").path("kind").asText());
        }
    }
}
