package dev.whisk.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one entry point: {@code whisk standalone} and the commands that join it. */
@Command(name = "whisk", mixinStandardHelpOptions = true, version = "whisk 0.1.0",
    description = "An OpenWhisk-compatible function platform.",
    subcommands = {StandaloneCommand.class, ControllerCommand.class, InvokerCommand.class, AdminCommand.class,
        ActionCommand.class, ActivationCommand.class, PackageCommand.class, TriggerCommand.class, RuleCommand.class,
        NamespaceCommand.class, PropertyCommand.class})
public final class Whisk implements Runnable
{
    /**
     * The command of a client verb, or {@code null}: a client command is parsed by {@link Client} holding only its
     * verb's command, so a client JVM loads no server class and picocli reflects over a handful of command classes
     * rather than all of them (a switch, not a map of constructor references, which would load every class).
     */
    private static Object clientCommand(final String verb)
    {
        return switch (verb)
        {
            case "action" -> new ActionCommand();
            case "activation" -> new ActivationCommand();
            case "package" -> new PackageCommand();
            case "trigger" -> new TriggerCommand();
            case "rule" -> new RuleCommand();
            case "namespace" -> new NamespaceCommand();
            case "property" -> new PropertyCommand();
            default -> null;
        };
    }

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(final String[] args)
    {
        final Object verb = args.length > 0 ? clientCommand(args[0]) : null;
        final CommandLine line = new CommandLine(verb != null ? new Client() : new Whisk());
        if (verb != null)
        {
            line.addSubcommand(args[0], verb);
            line.setParameterExceptionHandler((ex, ignored) ->
            {
                System.err.println("error: " + ex.getMessage());
                System.err.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() +
                    " --help' for usage.");
                return ClientCommand.EXIT_CLIENT_FAILED;
            });
        }
        System.exit(line.execute(args));
    }

    /**
     * The same {@code whisk} holding one client command, added by {@link #main}: picocli instantiates every
     * sub-command it is given, and the server ones pull in the stores and the engines, which a one-shot client
     * command must not pay for.
     */
    @Command(name = "whisk", mixinStandardHelpOptions = true, version = "whisk 0.1.0",
        description = "The OpenWhisk-compatible command line of the platform.")
    static final class Client implements Runnable
    {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public void run()
        {
            spec.commandLine().usage(System.out);
        }
    }

    @Override
    public void run()
    {
        spec.commandLine().usage(System.out);
    }
}
