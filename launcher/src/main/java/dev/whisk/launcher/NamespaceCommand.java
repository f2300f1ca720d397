package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;

/** {@code whisk namespace list|get}: get shows the entities of the caller's namespace, as {@code wsk} does. */
@Command(name = "namespace", mixinStandardHelpOptions = true, description = "Work with namespaces.",
    subcommands = {NamespaceCommand.ListNamespaces.class, NamespaceCommand.Get.class})
final class NamespaceCommand implements Runnable
{
    @Override
    public void run()
    {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the caller's namespaces.")
    static final class ListNamespaces extends ClientCommand
    {
        @Override
        int execute(final RestClient client) throws IOException
        {
            return listed(send(client, "GET", "/namespaces", null), "namespaces", JsonNode::asText);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
        description = "Show the actions, packages, triggers and rules of a namespace.")
    static final class Get extends ClientCommand
    {
        @Parameters(index = "0", paramLabel = "NAMESPACE", arity = "0..1")
        String namespace;

        @Override
        int execute(final RestClient client) throws IOException
        {
            final String ns = RestClient.encode(namespace == null ? "_" : namespace.replace("/", ""));
            final ObjectNode out = Json.MAPPER.createObjectNode();
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
            out.fields().forEachRemaining(e ->
            {
                sb.append(e.getKey()).append('\n');
                e.getValue().forEach(entity -> sb.append(entityRow(entity, "")).append('\n'));
            });
            System.out.print(sb);
            return 0;
        }
    }
}
