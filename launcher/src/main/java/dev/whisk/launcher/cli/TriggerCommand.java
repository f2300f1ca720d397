package dev.whisk.launcher.cli;

import dev.whisk.launcher.cli.CliCommand.Flag;

import java.io.IOException;
import java.util.List;

/** {@code whisk trigger create|update|fire|get|list|delete}. */
final class TriggerCommand
{
    static final String DESCRIPTION = "Work with triggers.";
    static final List<String> COMMANDS = List.of("create", "update", "fire", "get", "list", "delete");

    private TriggerCommand()
    {
    }

    /** The sub-command {@code name}, or {@code null}. */
    static CliCommand command(final String name)
    {
        return switch (name)
        {
            case "create" -> new Write("create", "Create a trigger.");
            case "update" -> new Write("update", "Update (or create) a trigger.");
            case "fire" -> new Fire();
            case "get" -> new EntityCommand.Get("triggers", "trigger", "Show a trigger.");
            case "list" -> new ListTriggers();
            case "delete" -> new EntityCommand.Delete("triggers", "trigger", "Delete a trigger.");
            default -> null;
        };
    }

    /** create and update. */
    static final class Write extends EntityCommand
    {
        static final Flag FEED = Flag.text("ACTION",
            "The feed action that fires this trigger; the platform runs its CREATE and DELETE.", "-f", "--feed");

        Write(final String name, final String description)
        {
            super("triggers", "trigger", name, description, 1, "NAME");
            flags(PARAM, PARAM_FILE, FEED);
        }

        @Override
        int execute(final RestClient client) throws IOException
        {
            final String name = operand(0);
            final String feed = text(FEED);
            final JsonValue body = JsonValue.object();
            if (feed != null)
            {
                body.putArray("annotations").addObject().put("key", "feed")
                    .put("value", feed.startsWith("/") ? feed : "/_/" + feed);
                body.set("feedParameters", params());
            }
            else if (!hasNoParams())
            {
                body.set("parameters", paramsAsKeyValues());
            }
            return write(client, name, body);
        }
    }

    /** {@code fire NAME}. */
    static final class Fire extends ClientCommand
    {
        Fire()
        {
            super("fire", "Fire a trigger.", 1, "NAME");
            flags(PARAM, PARAM_FILE);
        }

        @Override
        int execute(final RestClient client) throws IOException
        {
            final String name = operand(0);
            final RestClient.Response r = send(client, "POST", RestClient.entityPath("triggers", name), params());
            if (!r.isOk() || wantsJson())
            {
                return print(r);
            }
            final JsonValue id = r.json().path("activationId");
            System.out.println("ok: triggered " + qualified(name) + (id.isTextual() ? " with id " + id.asText() :
                " (no active rule)"));
            return 0;
        }
    }

    /** {@code list}. */
    static final class ListTriggers extends EntityCommand.Listing
    {
        ListTriggers()
        {
            super("triggers", "List triggers.");
        }

        @Override
        public String of(final JsonValue t)
        {
            return entityRow(t, "");
        }
    }
}
