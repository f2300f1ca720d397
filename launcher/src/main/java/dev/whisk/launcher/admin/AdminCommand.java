package dev.whisk.launcher.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.entity.EntityName;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.NamespaceLimits;
import dev.whisk.core.json.Json;
import dev.whisk.launcher.node.Credentials;
import dev.whisk.storage.FileSubjectStore;
import dev.whisk.storage.WriteResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code whisk admin}: subjects, their credentials and their namespace limits, in the spirit of OpenWhisk's
 * {@code wskadmin}. It opens the data directory's subject store itself, so run it while the platform is stopped (the
 * store has one writer); a running platform sees the changes at its next start.
 */
@Command(name = "admin", mixinStandardHelpOptions = true,
    description = "Manage subjects, credentials and namespace limits (run while the platform is stopped).",
    subcommands = {AdminCommand.UserCommand.class, AdminCommand.LimitsCommand.class})
public final class AdminCommand implements Runnable
{
    static final int EXIT_FAILURE = 1;
    static final int EXIT_NOT_FOUND = 2;
    static final int EXIT_CONFLICT = 3;

    @Override
    public void run()
    {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** The options every admin command shares. */
    static final class StoreOptions
    {
        @Option(names = "--data-dir", defaultValue = "${env:WHISK_DATA_DIR:-${sys:user.home}/.whisk}",
            description = "Data directory of the platform (default: ${DEFAULT-VALUE}).")
        Path dataDir;

        FileSubjectStore open()
        {
            return FileSubjectStore.open(dataDir.toAbsolutePath().resolve("subjects"));
        }
    }

    /** An admin command on the subject store: opens it, runs, and closes it again. */
    abstract static class StoreCommand implements Callable<Integer>
    {
        @picocli.CommandLine.Mixin
        StoreOptions store = new StoreOptions();

        @Override
        public Integer call() throws Exception
        {
            try (FileSubjectStore subjects = store.open())
            {
                return run(subjects);
            }
        }

        abstract int run(FileSubjectStore subjects) throws Exception;
    }

    /** An admin command on one namespace, the command's first operand. */
    abstract static class NamespaceCommand extends StoreCommand
    {
        @Parameters(index = "0", paramLabel = "NAMESPACE")
        String namespace;

        /** Says that the namespace does not exist, as every admin command says it; returns the exit code. */
        final int notFound()
        {
            System.err.println("error: namespace '" + namespace + "' does not exist");
            return EXIT_NOT_FOUND;
        }
    }

    @Command(name = "user", mixinStandardHelpOptions = true,
        description = "Create, show, list and delete subjects.",
        subcommands = {UserCreate.class, UserGet.class, UserList.class, UserDelete.class})
    static final class UserCommand implements Runnable
    {
        @Override
        public void run()
        {
            new picocli.CommandLine(this).usage(System.out);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
        description = "Create a subject owning NAMESPACE and print its new uuid:key.")
    static final class UserCreate extends NamespaceCommand
    {
        @Option(names = "--subject", description = "Subject name (default: the namespace).")
        String subject;

        @Option(names = "--invocations-per-minute", defaultValue = "${env:WHISK_INVOCATIONS_PER_MINUTE:-60}",
            description = "Default: $WHISK_INVOCATIONS_PER_MINUTE, else ${DEFAULT-VALUE}.")
        int invocationsPerMinute;

        @Option(names = "--concurrent-invocations", defaultValue = "${env:WHISK_CONCURRENT_INVOCATIONS:-30}",
            description = "Default: $WHISK_CONCURRENT_INVOCATIONS, else ${DEFAULT-VALUE}.")
        int concurrentInvocations;

        @Option(names = "--fires-per-minute", defaultValue = "${env:WHISK_FIRES_PER_MINUTE:-60}",
            description = "Default: $WHISK_FIRES_PER_MINUTE, else ${DEFAULT-VALUE}.")
        int firesPerMinute;

        private NamespaceLimits limits;

        /** Checks the name and the limits before the store is opened. */
        @Override
        public Integer call() throws Exception
        {
            if (!EntityName.isValid(namespace))
            {
                System.err.println("error: '" + namespace + "' is not a valid namespace name");
                return EXIT_FAILURE;
            }
            try
            {
                limits = new NamespaceLimits(invocationsPerMinute, concurrentInvocations, firesPerMinute);
            }
            catch (final IllegalArgumentException ex)
            {
                System.err.println("error: " + ex.getMessage());
                return EXIT_FAILURE;
            }
            return super.call();
        }

        @Override
        int run(final FileSubjectStore subjects) throws Exception
        {
            final String uuid = UUID.randomUUID().toString();
            final String key = Credentials.randomKey();
            final WriteResult r = subjects.create(subject == null ? namespace : subject, namespace, uuid, key,
                limits).get(30, TimeUnit.SECONDS);
            if (r != WriteResult.OK)
            {
                System.err.println("error: namespace '" + namespace + "' already exists");
                return EXIT_CONFLICT;
            }
            System.out.println(uuid + ":" + key);
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
        description = "Show the subject, uuid and limits of NAMESPACE (never the key: only its hash is stored).")
    static final class UserGet extends NamespaceCommand
    {
        @Override
        int run(final FileSubjectStore subjects)
        {
            final Identity identity = subjects.findByNamespace(namespace);
            if (identity == null)
            {
                return notFound();
            }
            final ObjectNode json = Json.MAPPER.createObjectNode();
            json.put("subject", identity.subject());
            json.put("namespace", identity.namespace());
            json.put("uuid", identity.uuid());
            json.set("limits", Json.MAPPER.valueToTree(identity.limits()));
            System.out.println(json);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the namespaces, one a line.")
    static final class UserList extends StoreCommand
    {
        @Override
        int run(final FileSubjectStore subjects)
        {
            subjects.namespaces().forEach(System.out::println);
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Delete NAMESPACE and its credential (its entities and activations stay on disk).")
    static final class UserDelete extends NamespaceCommand
    {
        @Override
        int run(final FileSubjectStore subjects) throws Exception
        {
            if (subjects.delete(namespace).get(30, TimeUnit.SECONDS) != WriteResult.OK)
            {
                return notFound();
            }
            System.out.println("deleted " + namespace);
            return 0;
        }
    }

    @Command(name = "limits", mixinStandardHelpOptions = true, description = "Show and set namespace limits.",
        subcommands = {LimitsGet.class, LimitsSet.class})
    static final class LimitsCommand implements Runnable
    {
        @Override
        public void run()
        {
            new picocli.CommandLine(this).usage(System.out);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show the limits of NAMESPACE as JSON.")
    static final class LimitsGet extends NamespaceCommand
    {
        @Override
        int run(final FileSubjectStore subjects)
        {
            final Identity identity = subjects.findByNamespace(namespace);
            if (identity == null)
            {
                return notFound();
            }
            System.out.println(Json.MAPPER.valueToTree(identity.limits()).toString());
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
        description = "Set limits of NAMESPACE; omitted ones keep their value. 0 blocks invoking.")
    static final class LimitsSet extends NamespaceCommand
    {
        @Option(names = "--invocations-per-minute")
        Integer invocationsPerMinute;

        @Option(names = "--concurrent-invocations")
        Integer concurrentInvocations;

        @Option(names = "--fires-per-minute")
        Integer firesPerMinute;

        @Option(names = "--max-action-memory", description = "Highest action memory in MB (0: the system's).")
        Integer maxActionMemoryMb;

        @Option(names = "--max-action-timeout", description = "Highest action timeout in ms (0: the system's).")
        Integer maxActionTimeoutMs;

        @Option(names = "--max-action-logs", description = "Highest action log limit in MB (-1: the system's).")
        Integer maxActionLogsMb;

        @Option(names = "--max-action-concurrency", description = "Highest action concurrency (0: the system's).")
        Integer maxActionConcurrency;

        @Override
        int run(final FileSubjectStore subjects) throws Exception
        {
            final Identity identity = subjects.findByNamespace(namespace);
            if (identity == null)
            {
                return notFound();
            }
            final NamespaceLimits old = identity.limits();
            final NamespaceLimits limits;
            try
            {
                limits = new NamespaceLimits(
                    invocationsPerMinute == null ? old.invocationsPerMinute() : invocationsPerMinute,
                    concurrentInvocations == null ? old.concurrentInvocations() : concurrentInvocations,
                    firesPerMinute == null ? old.firesPerMinute() : firesPerMinute,
                    override(maxActionMemoryMb, old.maxActionMemoryMb(), 0),
                    override(maxActionTimeoutMs, old.maxActionTimeoutMs(), 0),
                    override(maxActionLogsMb, old.maxActionLogsMb(), -1),
                    override(maxActionConcurrency, old.maxActionConcurrency(), 0));
            }
            catch (final IllegalArgumentException ex)
            {
                System.err.println("error: " + ex.getMessage());
                return EXIT_FAILURE;
            }
            if (subjects.setLimits(namespace, limits).get(30, TimeUnit.SECONDS) != WriteResult.OK)
            {
                return notFound();
            }
            System.out.println(Json.MAPPER.valueToTree(limits).toString());
            return 0;
        }
    }

    /** The flag's value, the old one when the flag is absent, or {@code null} (the system's) for {@code reset}. */
    private static Integer override(final Integer flag, final Integer old, final int reset)
    {
        if (flag == null)
        {
            return old;
        }
        return flag == reset ? null : flag;
    }
}
