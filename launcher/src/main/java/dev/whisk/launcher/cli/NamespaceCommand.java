package dev.whisk.launcher.cli;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** {@code whisk namespace list|get}: get shows the entities of the caller's namespace, as {@code wsk} does. */
final class NamespaceCommand
{
    static final String DESCRIPTION = "Work with namespaces.";
    static final List<String> COMMANDS = List.of("list", "get");

    private NamespaceCommand()
    {
    }

    /** The sub-command {@code name}, or {@code null}. */
    static CliCommand command(final String name)
    {
        return switch (name)
        {
            case "list" -> new ListNamespaces();
            case "get" -> new Get();
            default -> null;
        };
    }

    /** {@code list}. */
    static final class ListNamespaces extends EntityCommand.Listing
    {
        ListNamespaces()
        {
            super("namespaces", "List the caller's namespaces.");
        }

        @Override
        String listPath()
        {
            return "/namespaces";
        }

        @Override
        public String of(final JsonValue namespace)
        {
            return namespace.asText();
        }
    }

    /** {@code get [NAMESPACE]}. */
    static final class Get extends ClientCommand
    {
        Get()
        {
            super("get", "Show the actions, packages, triggers and rules of a namespace.", 0, "NAMESPACE");
        }

        @Override
        int execute(final RestClient client) throws IOException
        {
            final String namespace = operand(0);
            final String ns = RestClient.encode(namespace == null ? "_" : namespace.replace("/", ""));
            final JsonValue out = JsonValue.object();
            for (final String collection : new String[]{"actions", "packages", "triggers", "rules"})
            {
                final RestClient.Response r = client.send("GET", "/namespaces/" + ns + "/" + collection, null);
                if (!r.isOk())
                {
                    return print(r);
                }
                out.set(collection, r.json());
            }
            if (wantsJson())
            {
                System.out.println(out.toPrettyString());
                return 0;
            }
            final StringBuilder sb = new StringBuilder("Entities in namespace: ")
                .append(namespace == null ? "default" : namespace).append('\n');
            for (final Map.Entry<String, JsonValue> e : out.fields().entrySet())
            {
                sb.append(e.getKey()).append('\n');
                for (final JsonValue entity : e.getValue())
                {
                    sb.append(entityRow(entity, "")).append('\n');
                }
            }
            System.out.print(sb);
            return 0;
        }
    }
}
