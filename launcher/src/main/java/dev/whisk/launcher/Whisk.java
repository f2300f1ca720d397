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
    /** The client verbs: their commands are parsed by {@link Client}, so a client JVM loads no server class. */
    private static final java.util.Set<String> CLIENT_VERBS =
        java.util.Set.of("action", "activation", "package", "trigger", "rule", "namespace", "property");

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(final String[] args)
    {
        final boolean client = args.length > 0 && CLIENT_VERBS.contains(args[0]);
        final CommandLine line = new CommandLine(client ? new Client() : new Whisk());
        if (client)
        {
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
     * The same {@code whisk} with only the client commands: picocli instantiates every sub-command it is given, and
     * the server ones pull in the stores and the engines, which a one-shot client command must not pay for.
     */
    @Command(name = "whisk", mixinStandardHelpOptions = true, version = "whisk 0.1.0",
        description = "The OpenWhisk-compatible command line of the platform.",
        subcommands = {ActionCommand.class, ActivationCommand.class, PackageCommand.class, TriggerCommand.class,
            RuleCommand.class, NamespaceCommand.class, PropertyCommand.class})
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
