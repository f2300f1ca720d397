package dev.whisk.launcher.cli;

import java.io.IOException;
import java.util.List;

/** {@code whisk rule create|update|enable|disable|get|list|delete}. */
final class RuleCommand
{
    static final String DESCRIPTION = "Work with rules.";
    static final List<String> COMMANDS = List.of("create", "update", "enable", "disable", "get", "list", "delete");

    private RuleCommand()
    {
    }

    /** The sub-command {@code name}, or {@code null}. */
    static CliCommand command(final String name)
    {
        return switch (name)
        {
            case "create" -> new Write("create", "Create a rule (active at once).");
            case "update" -> new Write("update", "Update (or create) a rule.");
            case "enable" -> new Status("enable", "Activate a rule.", "active", "enabled");
            case "disable" -> new Status("disable", "Deactivate a rule.", "inactive", "disabled");
            case "get" -> new EntityCommand.Get("rules", "rule", "Show a rule with its status.");
            case "list" -> new ListRules();
            case "delete" -> new EntityCommand.Delete("rules", "rule", "Delete a rule.");
            default -> null;
        };
    }

    /** create and update: NAME TRIGGER ACTION. */
    static final class Write extends EntityCommand
    {
        Write(final String name, final String description)
        {
            super("rules", "rule", name, description, 3, "NAME", "TRIGGER", "ACTION");
        }

        @Override
        int execute(final RestClient client) throws IOException
        {
            final String name = operand(0);
            final JsonValue body = JsonValue.object()
                .put("trigger", qualified(operand(1))).put("action", qualified(operand(2)));
            return write(client, name, body);
        }
    }

    /** enable and disable: set one rule's status. */
    static final class Status extends ClientCommand
    {
        private final String status;
        private final String past;

        Status(final String name, final String description, final String status, final String past)
        {
            super(name, description, 1, "NAME");
            this.status = status;
            this.past = past;
        }

        @Override
        int execute(final RestClient client) throws IOException
        {
            final String name = operand(0);
            return done(send(client, "POST", RestClient.entityPath("rules", name),
                JsonValue.object().put("status", status)), past + " rule " + name);
        }
    }

    /** {@code list}. */
    static final class ListRules extends EntityCommand.Listing
    {
        ListRules()
        {
            super("rules", "List rules.");
        }

        @Override
        public String of(final JsonValue r)
        {
            return entityRow(r, r.path("status").asText());
        }
    }
}
