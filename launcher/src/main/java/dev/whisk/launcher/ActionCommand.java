package dev.whisk.launcher;

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

        @Option(names = {"-a", "--annotation"}, arity = "2", paramLabel = "KEY VALUE")
        List<String> annotations = new ArrayList<>();

        abstract Path file();

        @Override
        int execute(final RestClient client) throws IOException
        {
            final ObjectNode body = Json.MAPPER.createObjectNode();
            final Path file = file();
            if (file != null)
            {
                final ObjectNode exec = body.putObject("exec");
                exec.put("kind", kind == null ? "nodejs:default" : kind);
                final String fileName = file.getFileName().toString();
                exec.put("code", fileName.endsWith(".zip") ?
                    Base64.getEncoder().encodeToString(Files.readAllBytes(file)) : Files.readString(file));
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
            if (memoryMb != null || timeoutMs != null)
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
            if (!annos.isEmpty())
            {
                body.set("annotations", annos);
            }
            return request(client, "PUT", RestClient.entityPath("actions", name) +
                (isUpdate() ? "?overwrite=true" : ""), body);
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
            return request(client, "POST", RestClient.entityPath("actions", name) + "?blocking=" + wait +
                "&result=" + result, params.asObject());
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show an action.")
    static final class Get extends ClientCommand
    {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        int execute(final RestClient client) throws IOException
        {
            return request(client, "GET", RestClient.entityPath("actions", name), null);
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
            return request(client, "GET", path + pagingQuery(skip, limit), null);
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
            return request(client, "DELETE", RestClient.entityPath("actions", name), null);
        }
    }
}
