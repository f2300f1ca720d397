package dev.whisk.launcher;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.IOException;

/** {@code whisk trigger create|update|fire|get|list|delete}. */
@Command(name = "trigger", mixinStandardHelpOptions = true, description = "Work with triggers.",
    subcommands = {TriggerCommand.Create.class, TriggerCommand.Update.class, TriggerCommand.Fire.class,
        TriggerCommand.Get.class, TriggerCommand.ListTriggers.class, TriggerCommand.Delete.class})
final class TriggerCommand implements Runnable
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

        @Override
        int execute(final RestClient client) throws IOException
        {
            final ObjectNode body = Json.MAPPER.createObjectNode();
            if (!params.isEmpty())
            {
                body.set("parameters", params.asKeyValues());
            }
            return request(client, "PUT", RestClient.entityPath("triggers", name) +
                (isUpdate() ? "?overwrite=true" : ""), body);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a trigger.")
    static final class Create extends Write
    {
    }

    @Command(name = "update", mixinStandardHelpOptions = true, description = "Update (or create) a trigger.")
    static final class Update extends Write
    {
    }

    @Command(name = "fire", mixinStandardHelpOptions = true, description = "Fire a trigger.")
    static final class Fire extends ClientCommand
    {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Mixin
        Params params = new Params();

        @Override
        int execute(final RestClient client) throws IOException
        {
            return request(client, "POST", RestClient.entityPath("triggers", name), params.asObject());
        }
    }

    /** get and delete. */
    abstract static class One extends ClientCommand
    {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        abstract String method();

        @Override
        int execute(final RestClient client) throws IOException
        {
            return request(client, method(), RestClient.entityPath("triggers", name), null);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a trigger.")
    static final class Get extends One
    {
        @Override
        String method()
        {
            return "GET";
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a trigger.")
    static final class Delete extends One
    {
        @Override
        String method()
        {
            return "DELETE";
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List triggers.")
    static final class ListTriggers extends ClientCommand
    {
        @Override
        int execute(final RestClient client) throws IOException
        {
            return request(client, "GET", "/namespaces/_/triggers", null);
        }
    }
}
