package dev.whisk.launcher;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;

/** {@code whisk package create|update|bind|get|list|delete}. */
@Command(name = "package", mixinStandardHelpOptions = true, description = "Work with packages.",
    subcommands = {PackageCommand.Create.class, PackageCommand.Update.class, PackageCommand.Bind.class,
        PackageCommand.Get.class, PackageCommand.ListPackages.class, PackageCommand.Delete.class})
final class PackageCommand implements Runnable
{
    @Override
    public void run()
    {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** create and update. */
    abstract static class Write extends ClientCommand
    {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Mixin
        Params params = new Params();

        @Option(names = "--shared", description = "yes or no: publish the package to every namespace.")
        String shared;

        @Override
        int execute(final RestClient client) throws IOException
        {
            final ObjectNode body = Json.MAPPER.createObjectNode();
            if (!params.isEmpty())
            {
                body.set("parameters", params.asKeyValues());
            }
            if (shared != null)
            {
                body.put("publish", "yes".equalsIgnoreCase(shared) || "true".equalsIgnoreCase(shared));
            }
            return done(send(client, "PUT", RestClient.entityPath("packages", name) +
                (isUpdate() ? "?overwrite=true" : ""), body),
                (isUpdate() ? "updated" : "created") + " package " + name);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a package.")
    static final class Create extends Write
    {
    }

    @Command(name = "update", mixinStandardHelpOptions = true, description = "Update (or create) a package.")
    static final class Update extends Write
    {
    }

    @Command(name = "bind", mixinStandardHelpOptions = true,
        description = "Bind NAME to the package SOURCE (/namespace/package), with parameters of its own.")
    static final class Bind extends ClientCommand
    {
        @Parameters(index = "0", paramLabel = "SOURCE")
        String source;

        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Mixin
        Params params = new Params();

        @Override
        int execute(final RestClient client) throws IOException
        {
            final String[] parts = source.startsWith("/") ? source.substring(1).split("/", -1) :
                new String[]{"_", source};
            if (parts.length != 2)
            {
                throw new IllegalArgumentException("SOURCE must be /namespace/package or package");
            }
            final ObjectNode body = Json.MAPPER.createObjectNode();
            body.putObject("binding").put("namespace", parts[0]).put("name", parts[1]);
            body.set("parameters", params.asKeyValues());
            return done(send(client, "PUT", RestClient.entityPath("packages", name), body), "created binding " + name);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a package with its actions.")
    static final class Get extends ClientCommand
    {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        int execute(final RestClient client) throws IOException
        {
            return shown(send(client, "GET", RestClient.entityPath("packages", name), null), "got package " + name);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List packages (of a namespace).")
    static final class ListPackages extends ClientCommand
    {
        @Parameters(index = "0", paramLabel = "NAMESPACE", arity = "0..1")
        String namespace;

        @Override
        int execute(final RestClient client) throws IOException
        {
            final String ns = namespace == null ? "_" : namespace.replace("/", "");
            return listed(send(client, "GET", "/namespaces/" + RestClient.encode(ns) + "/packages", null), "packages",
                p -> entityRow(p, p.path("binding").isObject() && !p.path("binding").isEmpty() ? "binding" : ""));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a package.")
    static final class Delete extends ClientCommand
    {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--force", description = "Delete the package's actions too.")
        boolean force;

        @Override
        int execute(final RestClient client) throws IOException
        {
            return done(send(client, "DELETE", RestClient.entityPath("packages", name) + (force ? "?force=true" : ""),
                null), "deleted package " + name);
        }
    }
}
