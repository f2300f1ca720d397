package dev.whisk.launcher.cli;

import dev.whisk.launcher.cli.CliCommand.Flag;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;

/**
 * {@code whisk property get|set|unset}: reads and writes the wsk properties file ({@code --props}, else
 * {@code WSK_CONFIG_FILE}, else {@code ~/.wskprops}) as {@code wsk property} does: {@code set --apihost HOST} takes a
 * value, {@code get --apihost} and {@code unset --apihost} do not. Runs on the client's main thread.
 */
final class PropertyCommand
{
    static final String DESCRIPTION = "Work with the wsk properties file.";
    static final List<String> COMMANDS = List.of("get", "set", "unset");

    private PropertyCommand()
    {
    }

    /** The sub-command {@code name}, or {@code null}. */
    static CliCommand command(final String name)
    {
        return switch (name)
        {
            case "get" -> new Get();
            case "set" -> new Set();
            case "unset" -> new Unset();
            default -> null;
        };
    }

    static final Flag PROPS = ClientCommand.PROPS;

    /** The file every sub-command reads and writes. */
    abstract static class Base extends CliCommand
    {
        Base(final String name, final String description)
        {
            super(name, description, 0);
            flags(PROPS);
        }

        Path file()
        {
            final String env = System.getenv("WSK_CONFIG_FILE");
            final Path props = path(PROPS);
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
            for (final String key : new TreeSet<>(p.stringPropertyNames()))
            {
                sb.append(key).append('=').append(p.getProperty(key)).append('\n');
            }
            try (Writer w = Files.newBufferedWriter(file(), StandardCharsets.UTF_8))
            {
                w.write(sb.toString());
            }
        }

        @Override
        final int run()
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

    /** {@code get [--apihost] [--auth] [--namespace] [--all]}: all without flags. */
    static final class Get extends Base
    {
        static final Flag APIHOST = Flag.toggle("The API host.", "--apihost");
        static final Flag AUTH = Flag.toggle("The uuid:key credential.", "-u", "--auth");
        static final Flag NAMESPACE = Flag.toggle("The namespace.", "--namespace");
        static final Flag ALL = Flag.toggle("All properties.", "--all");

        Get()
        {
            super("get", "Show properties (all without flags).");
            flags(APIHOST, AUTH, NAMESPACE, ALL);
        }

        @Override
        int execute() throws IOException
        {
            final Properties p = read();
            final boolean every = isSet(ALL) || !isSet(APIHOST) && !isSet(AUTH) && !isSet(NAMESPACE);
            if (every || isSet(APIHOST))
            {
                System.out.println(ClientCommand.pad("whisk API host", 24) + " " + p.getProperty("APIHOST", ""));
            }
            if (every || isSet(AUTH))
            {
                System.out.println(ClientCommand.pad("whisk auth", 24) + " " + p.getProperty("AUTH", ""));
            }
            if (every || isSet(NAMESPACE))
            {
                System.out.println(ClientCommand.pad("whisk namespace", 24) + " " + p.getProperty("NAMESPACE", "_"));
            }
            return 0;
        }
    }

    /** {@code set --apihost HOST --auth KEY --namespace NS}. */
    static final class Set extends Base
    {
        static final Flag APIHOST = Flag.text("HOST", "The API host.", "--apihost");
        static final Flag AUTH = Flag.text("KEY", "The uuid:key credential.", "-u", "--auth");
        static final Flag NAMESPACE = Flag.text("NAMESPACE", "The namespace.", "--namespace");

        Set()
        {
            super("set", "Set properties.");
            flags(APIHOST, AUTH, NAMESPACE);
        }

        @Override
        int execute() throws IOException
        {
            final String apiHost = text(APIHOST);
            final String auth = text(AUTH);
            final String namespace = text(NAMESPACE);
            if (apiHost == null && auth == null && namespace == null)
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

    /** {@code unset [--apihost] [--auth] [--namespace]}: all three without flags. */
    static final class Unset extends Base
    {
        Unset()
        {
            super("unset", "Remove properties (all three without flags).");
            flags(Get.APIHOST, Get.AUTH, Get.NAMESPACE);
        }

        @Override
        int execute() throws IOException
        {
            final Properties p = read();
            final boolean none = !isSet(Get.APIHOST) && !isSet(Get.AUTH) && !isSet(Get.NAMESPACE);
            if (none || isSet(Get.APIHOST))
            {
                p.remove("APIHOST");
            }
            if (none || isSet(Get.AUTH))
            {
                p.remove("AUTH");
            }
            if (none || isSet(Get.NAMESPACE))
            {
                p.remove("NAMESPACE");
            }
            write(p);
            System.out.println("ok: whisk properties unset");
            return 0;
        }
    }
}
