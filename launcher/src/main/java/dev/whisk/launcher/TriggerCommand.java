package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
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

        @picocli.CommandLine.Option(names = {"-f", "--feed"}, paramLabel = "ACTION",
            description = "The feed action that fires this trigger; the platform runs its CREATE and DELETE.")
        String feed;

        @Override
        int execute(final RestClient client) throws IOException
        {
            final ObjectNode body = Json.MAPPER.createObjectNode();
            if (feed != null)
            {
                body.putArray("annotations").addObject().put("key", "feed")
                    .put("value", feed.startsWith("/") ? feed : "/_/" + feed);
                body.set("feedParameters", params.asObject());
            }
            else if (!params.isEmpty())
            {
                body.set("parameters", params.asKeyValues());
            }
            return done(send(client, "PUT", RestClient.entityPath("triggers", name) +
                (isUpdate() ? "?overwrite=true" : ""), body),
                (isUpdate() ? "updated" : "created") + " trigger " + name);
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
            final RestClient.Response r = send(client, "POST", RestClient.entityPath("triggers", name),
                params.asObject());
            if (!r.isOk() || wantsJson())
            {
                return print(r);
            }
            final JsonNode id = r.json().path("activationId");
            System.out.println("ok: triggered " + qualified(name) + (id.isTextual() ? " with id " + id.asText() :
                " (no active rule)"));
            return 0;
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
            final RestClient.Response r = send(client, method(), RestClient.entityPath("triggers", name), null);
            return "GET".equals(method()) ? shown(r, "got trigger " + name) : done(r, "deleted trigger " + name);
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
            return listed(send(client, "GET", "/namespaces/_/triggers", null), "triggers", t -> entityRow(t, ""));
        }
    }
}
