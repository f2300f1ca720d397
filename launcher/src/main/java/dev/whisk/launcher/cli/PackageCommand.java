package dev.whisk.launcher.cli;

import dev.whisk.launcher.cli.CliCommand.Flag;

import java.io.IOException;
import java.util.List;

/** {@code whisk package create|update|bind|get|list|delete}. */
final class PackageCommand
{
    static final String DESCRIPTION = "Work with packages.";
    static final List<String> COMMANDS = List.of("create", "update", "bind", "get", "list", "delete");

    private PackageCommand()
    {
    }

    /** The sub-command {@code name}, or {@code null}. */
    static CliCommand command(final String name)
    {
        return switch (name)
        {
            case "create" -> new Write("create", "Create a package.");
            case "update" -> new Write("update", "Update (or create) a package.");
            case "bind" -> new Bind();
            case "get" -> new EntityCommand.Get("packages", "package", "Show a package with its actions.");
            case "list" -> new ListPackages();
            case "delete" -> new Delete();
            default -> null;
        };
    }

    /** create and update. */
    static final class Write extends EntityCommand
    {
        static final Flag SHARED = Flag.text("yes|no", "Publish the package to every namespace.", "--shared");

        Write(final String name, final String description)
        {
            super("packages", "package", name, description, 1, "NAME");
            flags(PARAM, PARAM_FILE, SHARED);
        }

        @Override
        int execute(final RestClient client) throws IOException
        {
            final String name = operand(0);
            final JsonValue body = JsonValue.object();
            if (!hasNoParams())
            {
                body.set("parameters", paramsAsKeyValues());
            }
            final String shared = text(SHARED);
            if (shared != null)
            {
                body.put("publish", "yes".equalsIgnoreCase(shared) || "true".equalsIgnoreCase(shared));
            }
            return write(client, name, body);
        }
    }

    /** {@code bind SOURCE NAME}. */
    static final class Bind extends ClientCommand
    {
        Bind()
        {
            super("bind", "Bind NAME to the package SOURCE (/namespace/package), with parameters of its own.", 2,
                "SOURCE", "NAME");
            flags(PARAM, PARAM_FILE);
        }

        @Override
        int execute(final RestClient client) throws IOException
        {
            final String source = operand(0);
            final String name = operand(1);
            final String[] parts = source.startsWith("/") ? source.substring(1).split("/", -1) :
                new String[]{"_", source};
            if (parts.length != 2)
            {
                throw new IllegalArgumentException("SOURCE must be /namespace/package or package");
            }
            final JsonValue body = JsonValue.object();
            body.putObject("binding").put("namespace", parts[0]).put("name", parts[1]);
            body.set("parameters", paramsAsKeyValues());
            return done(send(client, "PUT", RestClient.entityPath("packages", name), body), "created binding " + name);
        }
    }

    /** {@code list [NAMESPACE]}. */
    static final class ListPackages extends EntityCommand.Listing
    {
        ListPackages()
        {
            super("packages", "List packages (of a namespace).", "NAMESPACE");
        }

        @Override
        String listPath()
        {
            final String ns = operand(0) == null ? "_" : operand(0).replace("/", "");
            return "/namespaces/" + RestClient.encode(ns) + "/packages";
        }

        @Override
        public String of(final JsonValue p)
        {
            return entityRow(p, p.path("binding").isObject() && !p.path("binding").isEmpty() ? "binding" : "");
        }
    }

    /** {@code delete NAME}, {@code --force}. */
    static final class Delete extends EntityCommand.Delete
    {
        static final Flag FORCE = Flag.toggle("Delete the package's actions too.", "--force");

        Delete()
        {
            super("packages", "package", "Delete a package.");
            flags(FORCE);
        }

        @Override
        String query()
        {
            return isSet(FORCE) ? "?force=true" : "";
        }
    }
}
