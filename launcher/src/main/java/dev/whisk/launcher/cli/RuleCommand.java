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
            case "enable" -> new One("enable", "Activate a rule.");
            case "disable" -> new One("disable", "Deactivate a rule.");
            case "get" -> new One("get", "Show a rule with its status.");
            case "list" -> new ListRules();
            case "delete" -> new One("delete", "Delete a rule.");
            default -> null;
        };
    }

    /** create and update: NAME TRIGGER ACTION. */
    static final class Write extends ClientCommand
    {
        Write(final String name, final String description)
        {
            super(name, description, 3, "NAME", "TRIGGER", "ACTION");
        }

        @Override
        int execute(final RestClient client) throws IOException
        {
            final String name = operand(0);
            final JsonValue body = JsonValue.object()
                .put("trigger", qualified(operand(1))).put("action", qualified(operand(2)));
            return done(send(client, "PUT", RestClient.entityPath("rules", name) +
                (isUpdate() ? "?overwrite=true" : ""), body), (isUpdate() ? "updated" : "created") + " rule " + name);
        }
    }

    /** enable, disable, get and delete: commands on one rule by name. */
    static final class One extends ClientCommand
    {
        One(final String name, final String description)
        {
            super(name, description, 1, "NAME");
        }

        @Override
        int execute(final RestClient client) throws IOException
        {
            final String name = operand(0);
            final String path = RestClient.entityPath("rules", name);
            return switch (name())
            {
                case "enable" -> done(send(client, "POST", path, JsonValue.object().put("status", "active")),
                    "enabled rule " + name);
                case "disable" -> done(send(client, "POST", path, JsonValue.object().put("status", "inactive")),
                    "disabled rule " + name);
                case "get" -> shown(send(client, "GET", path, null), "got rule " + name);
                default -> done(send(client, "DELETE", path, null), "deleted rule " + name);
            };
        }
    }

    /** {@code list}. */
    static final class ListRules extends ClientCommand implements ClientCommand.Row
    {
        ListRules()
        {
            super("list", "List rules.", 0);
        }

        @Override
        int execute(final RestClient client) throws IOException
        {
            return listed(send(client, "GET", "/namespaces/_/rules", null), "rules", this);
        }

        @Override
        public String of(final JsonValue r)
        {
            return entityRow(r, r.path("status").asText());
        }
    }
}
