package dev.whisk.launcher.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * The entry of the wsk-style client commands ({@code whisk action|activation|package|trigger|rule|namespace|property
 * ...}): finds the one sub-command typed, parses its command line and runs it. Only that sub-command's classes are
 * loaded, and no server class, no picocli and no Jackson: a client command is a one-shot JVM whose time is mostly its
 * start, so {@code bin/whisk} can answer in well under the time a user notices. Runs on the main thread.
 */
public final class Client
{
    private Client()
    {
    }

    /** {@code bin/whisk VERB ...}: runs on the client jar, which holds the client's classes alone. */
    public static void main(final String[] args)
    {
        if (args.length == 0 || !isVerb(args[0]))
        {
            System.err.println("error: expected a client verb (action, activation, package, trigger, rule, " +
                "namespace, property)");
            System.exit(ClientCommand.EXIT_CLIENT_FAILED);
        }
        final int code = run(args);
        System.out.flush();
        System.exit(code);
    }

    /** Whether {@code word} is a client verb ({@code action}, ...). */
    public static boolean isVerb(final String word)
    {
        return commands(word) != null;
    }

    /** Runs {@code whisk VERB ...} ({@code args[0]} is a verb); returns the process's exit code. */
    static int run(final String[] args)
    {
        final String verb = args[0];
        if (args.length < 2 || "-h".equals(args[1]) || "--help".equals(args[1]))
        {
            usage(verb, System.out);
            return 0;
        }
        if ("-V".equals(args[1]) || "--version".equals(args[1]))
        {
            System.out.println(CliCommand.VERSION_TEXT);
            return 0;
        }
        final CliCommand command = command(verb, args[1]);
        if (command == null)
        {
            System.err.println("error: " + (args[1].startsWith("-") ? "Unknown option: '" : "Unknown command: '") +
                args[1] + "'");
            System.err.println("Run 'whisk " + verb + " --help' for usage.");
            return ClientCommand.EXIT_CLIENT_FAILED;
        }
        try
        {
            if (!command.parse(verb, args, 2))
            {
                return 0;
            }
        }
        catch (final CliCommand.UsageException ex)
        {
            System.err.println("error: " + ex.getMessage());
            System.err.println("Run '" + command.qualifiedName() + " --help' for usage.");
            return ClientCommand.EXIT_CLIENT_FAILED;
        }
        // One request or a few: no keep-alive cache, whose first use starts a timer thread.
        System.setProperty("http.keepAlive", "false");
        return command.run();
    }

    /** The sub-command {@code name} of {@code verb}, or {@code null}. */
    static CliCommand command(final String verb, final String name)
    {
        return switch (verb)
        {
            case "action" -> ActionCommand.command(name);
            case "activation" -> ActivationCommand.command(name);
            case "package" -> PackageCommand.command(name);
            case "trigger" -> TriggerCommand.command(name);
            case "rule" -> RuleCommand.command(name);
            case "namespace" -> NamespaceCommand.command(name);
            case "property" -> PropertyCommand.command(name);
            default -> null;
        };
    }

    /** The sub-commands of {@code verb}, or {@code null} when it is not a client verb. */
    static List<String> commands(final String verb)
    {
        return switch (verb)
        {
            case "action" -> ActionCommand.COMMANDS;
            case "activation" -> ActivationCommand.COMMANDS;
            case "package" -> PackageCommand.COMMANDS;
            case "trigger" -> TriggerCommand.COMMANDS;
            case "rule" -> RuleCommand.COMMANDS;
            case "namespace" -> NamespaceCommand.COMMANDS;
            case "property" -> PropertyCommand.COMMANDS;
            default -> null;
        };
    }

    private static String description(final String verb)
    {
        return switch (verb)
        {
            case "action" -> ActionCommand.DESCRIPTION;
            case "activation" -> ActivationCommand.DESCRIPTION;
            case "package" -> PackageCommand.DESCRIPTION;
            case "trigger" -> TriggerCommand.DESCRIPTION;
            case "rule" -> RuleCommand.DESCRIPTION;
            case "namespace" -> NamespaceCommand.DESCRIPTION;
            default -> PropertyCommand.DESCRIPTION;
        };
    }

    /** {@code whisk VERB --help}: the verb's sub-commands with their one-line help. */
    static void usage(final String verb, final PrintStream out)
    {
        final StringBuilder sb = new StringBuilder("Usage: whisk ").append(verb).append(" [-hV] COMMAND\n")
            .append(description(verb)).append("\nCommands:\n");
        for (final String name : commands(verb))
        {
            sb.append("  ").append(ClientCommand.pad(name, 9)).append(' ')
                .append(command(verb, name).description()).append('\n');
        }
        sb.append("Run 'whisk ").append(verb).append(" COMMAND --help' for a command's flags.\n");
        out.print(sb);
    }
}
