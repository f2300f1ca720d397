package dev.whisk.launcher;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;

/** {@code whisk rule create|update|enable|disable|get|list|delete}. */
@Command(name = "rule", mixinStandardHelpOptions = true, description = "Work with rules.",
    subcommands = {RuleCommand.Create.class, RuleCommand.Update.class, RuleCommand.Enable.class,
        RuleCommand.Disable.class, RuleCommand.Get.class, RuleCommand.ListRules.class, RuleCommand.Delete.class})
final class RuleCommand implements Runnable
{
    @Override
    public void run()
    {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** create and update: NAME TRIGGER ACTION. */
    abstract static class Write extends ClientCommand
    {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "TRIGGER")
        String trigger;

        @Parameters(index = "2", paramLabel = "ACTION")
        String action;

        @Override
        int execute(final RestClient client) throws IOException
        {
            final ObjectNode body = Json.MAPPER.createObjectNode()
                .put("trigger", qualified(trigger)).put("action", qualified(action));
            return done(send(client, "PUT", RestClient.entityPath("rules", name) +
                (isUpdate() ? "?overwrite=true" : ""), body), (isUpdate() ? "updated" : "created") + " rule " + name);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a rule (active at once).")
    static final class Create extends Write
    {
    }

    @Command(name = "update", mixinStandardHelpOptions = true, description = "Update (or create) a rule.")
    static final class Update extends Write
    {
    }

    /** Commands on one rule by name. */
    abstract static class One extends ClientCommand
    {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Activate a rule.")
    static final class Enable extends One
    {
        @Override
        int execute(final RestClient client) throws IOException
        {
            return done(send(client, "POST", RestClient.entityPath("rules", name),
                Json.MAPPER.createObjectNode().put("status", "active")), "enabled rule " + name);
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true, description = "Deactivate a rule.")
    static final class Disable extends One
    {
        @Override
        int execute(final RestClient client) throws IOException
        {
            return done(send(client, "POST", RestClient.entityPath("rules", name),
                Json.MAPPER.createObjectNode().put("status", "inactive")), "disabled rule " + name);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a rule with its status.")
    static final class Get extends One
    {
        @Override
        int execute(final RestClient client) throws IOException
        {
            return shown(send(client, "GET", RestClient.entityPath("rules", name), null), "got rule " + name);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a rule.")
    static final class Delete extends One
    {
        @Override
        int execute(final RestClient client) throws IOException
        {
            return done(send(client, "DELETE", RestClient.entityPath("rules", name), null), "deleted rule " + name);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List rules.")
    static final class ListRules extends ClientCommand
    {
        @Override
        int execute(final RestClient client) throws IOException
        {
            return listed(send(client, "GET", "/namespaces/_/rules", null), "rules",
                r -> entityRow(r, r.path("status").asText()));
        }
    }
}
