package dev.whisk.launcher;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * {@code whisk property get|set|unset}: reads and writes the wsk properties file ({@code --props}, else
 * {@code WSK_CONFIG_FILE}, else {@code ~/.wskprops}) as {@code wsk property} does. Runs on the client's main thread.
 */
@Command(name = "property", mixinStandardHelpOptions = true, description = "Work with the wsk properties file.",
    subcommands = {PropertyCommand.Get.class, PropertyCommand.Set.class, PropertyCommand.Unset.class})
final class PropertyCommand implements Runnable
{
    @Override
    public void run()
    {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** The file and the two properties every sub-command names. */
    abstract static class Base implements Callable<Integer>
    {
        @Option(names = "--props", description = "wsk properties file (default: $WSK_CONFIG_FILE, ~/.wskprops).")
        Path props;

        @Option(names = "--apihost", description = "The API host.")
        String apiHost;

        @Option(names = {"-u", "--auth"}, description = "The uuid:key credential.")
        String auth;

        @Option(names = "--namespace", description = "The namespace.")
        String namespace;

        Path file()
        {
            final String env = System.getenv("WSK_CONFIG_FILE");
            return props != null ? props : env != null && !env.isEmpty() ? Path.of(env) :
                Path.of(System.getProperty("user.home"), ".wskprops");
        }

        Properties read() throws IOException
        {
            final Properties p = new Properties();
            if (Files.exists(file()))
            {
                try (Reader r = Files.newBufferedReader(file(), StandardCharsets.UTF_8))
                {
                    p.load(r);
                }
            }
            return p;
        }

        void write(final Properties p) throws IOException
        {
            final StringBuilder sb = new StringBuilder();
            for (final String key : new java.util.TreeSet<>(p.stringPropertyNames()))
            {
                sb.append(key).append('=').append(p.getProperty(key)).append('\n');
            }
            try (Writer w = Files.newBufferedWriter(file(), StandardCharsets.UTF_8))
            {
                w.write(sb.toString());
            }
        }

        boolean none()
        {
            return apiHost == null && auth == null && namespace == null;
        }

        @Override
        public Integer call()
        {
            try
            {
                return execute();
            }
            catch (final IOException | IllegalArgumentException ex)
            {
                System.err.println("error: " + ex.getMessage());
                return ClientCommand.EXIT_CLIENT_FAILED;
            }
        }

        abstract int execute() throws IOException;
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show properties (all without flags).")
    static final class Get extends Base
    {
        @Option(names = "--all", description = "All properties.")
        boolean all;

        @Override
        int execute() throws IOException
        {
            final Properties p = read();
            final boolean every = all || none();
            if (every || apiHost != null)
            {
                System.out.printf("%-24s %s%n", "whisk API host", p.getProperty("APIHOST", ""));
            }
            if (every || auth != null)
            {
                System.out.printf("%-24s %s%n", "whisk auth", p.getProperty("AUTH", ""));
            }
            if (every || namespace != null)
            {
                System.out.printf("%-24s %s%n", "whisk namespace", p.getProperty("NAMESPACE", "_"));
            }
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Set properties.")
    static final class Set extends Base
    {
        @Override
        int execute() throws IOException
        {
            if (none())
            {
                throw new IllegalArgumentException("set what? pass --apihost, --auth or --namespace");
            }
            final Properties p = read();
            if (apiHost != null)
            {
                p.setProperty("APIHOST", apiHost);
                System.out.println("ok: whisk API host set to " + apiHost);
            }
            if (auth != null)
            {
                p.setProperty("AUTH", auth);
                System.out.println("ok: whisk auth set. Run 'whisk namespace list' to see its namespaces.");
            }
            if (namespace != null)
            {
                p.setProperty("NAMESPACE", namespace);
                System.out.println("ok: whisk namespace set to " + namespace);
            }
            write(p);
            return 0;
        }
    }

    @Command(name = "unset", mixinStandardHelpOptions = true, description = "Remove properties.")
    static final class Unset extends Base
    {
        @Override
        int execute() throws IOException
        {
            final Properties p = read();
            if (apiHost != null || none())
            {
                p.remove("APIHOST");
            }
            if (auth != null || none())
            {
                p.remove("AUTH");
            }
            if (namespace != null || none())
            {
                p.remove("NAMESPACE");
            }
            write(p);
            System.out.println("ok: whisk properties unset");
            return 0;
        }
    }
}
