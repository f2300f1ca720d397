package dev.whisk.launcher.cli;

import java.io.IOException;

/**
 * What the commands on one collection of entities share ({@code whisk action|package|trigger|rule|namespace|
 * activation ...}): the collection's paths, and {@code get}, {@code delete} and {@code list} with {@code wsk}'s
 * output ({@code ok: got KIND NAME} and the JSON, {@code ok: deleted KIND NAME}, the collection's title and one row
 * per entity). A collection's own commands subclass these where they take more flags. Runs on the main thread of a
 * short-lived client JVM.
 */
abstract class EntityCommand extends ClientCommand
{
    /** The collection as the API's paths name it ({@code actions}); a list's title. */
    final String collection;
    /** One entity as {@code wsk}'s messages name it ({@code action}). */
    final String kind;

    EntityCommand(final String collection, final String kind, final String name, final String description,
        final int requiredOperands, final String... operands)
    {
        super(name, description, requiredOperands, operands);
        this.collection = collection;
        this.kind = kind;
    }

    /** The path of entity {@code name} ({@code [/ns/]name} or {@code [/ns/]pkg/name}) of this collection. */
    final String entityPath(final String name)
    {
        return RestClient.entityPath(collection, name);
    }

    /**
     * Whether this is an {@code update}, which overwrites an existing entity, rather than a {@code create}: the two
     * commands of each collection take the same flags and differ only in this, which their name says.
     */
    final boolean isUpdate()
    {
        return "update".equals(name());
    }

    /**
     * {@code create} and {@code update}: puts {@code body} as entity {@code name} (overwriting it on update), then
     * {@code ok: created|updated KIND NAME}.
     */
    final int write(final RestClient client, final String name, final JsonValue body) throws IOException
    {
        return done(send(client, "PUT", entityPath(name) + (isUpdate() ? "?overwrite=true" : ""), body),
            (isUpdate() ? "updated " : "created ") + kind + " " + name);
    }

    /** {@code get NAME}: {@code ok: got KIND NAME}, then the entity's pretty JSON. */
    static class Get extends EntityCommand
    {
        Get(final String collection, final String kind, final String description)
        {
            super(collection, kind, "get", description, 1, "NAME");
        }

        @Override
        int execute(final RestClient client) throws IOException
        {
            final String name = operand(0);
            return shown(send(client, "GET", entityPath(name), null), "got " + kind + " " + name);
        }
    }

    /** {@code delete NAME}: {@code ok: deleted KIND NAME}. */
    static class Delete extends EntityCommand
    {
        Delete(final String collection, final String kind, final String description)
        {
            super(collection, kind, "delete", description, 1, "NAME");
        }

        @Override
        final int execute(final RestClient client) throws IOException
        {
            final String name = operand(0);
            return done(send(client, "DELETE", entityPath(name) + query(), null), "deleted " + kind + " " + name);
        }

        /** What the request's path ends with: a query of this command's flags, or nothing. */
        String query()
        {
            return "";
        }
    }

    /**
     * {@code list}: the collection's title, then one row per entity ({@link #of}); a collection's list formats its
     * rows itself (a lambda's first use bootstraps method handles, which a one-shot command would pay for).
     */
    abstract static class Listing extends EntityCommand implements Row
    {
        Listing(final String collection, final String description, final String... operands)
        {
            super(collection, null, "list", description, 0, operands);
        }

        @Override
        final int execute(final RestClient client) throws IOException
        {
            final RestClient.Response r = send(client, "GET", listPath(), null);
            return raw() ? print(r) : listed(r, title(), this);
        }

        /** The list's path with its query: the caller's namespace's collection unless a list narrows it. */
        String listPath()
        {
            return "/namespaces/_/" + collection;
        }

        /** The line above the rows: the collection's name. */
        String title()
        {
            return collection;
        }

        /** Whether the answer is printed as the server's JSON whatever the output format (a list of records). */
        boolean raw()
        {
            return false;
        }
    }
}
