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
     * The client verbs: a client command is parsed by {@link Client} holding only its verb's command, so a client
     * JVM loads no server class, and picocli reflects over a handful of command classes rather than all of them.
     */
    private static final java.util.Map<String, java.util.function.Supplier<Object>> CLIENT_VERBS = java.util.Map.of(
        "action", ActionCommand::new, "activation", ActivationCommand::new, "package", PackageCommand::new,
        "trigger", TriggerCommand::new, "rule", RuleCommand::new, "namespace", NamespaceCommand::new,
        "property", PropertyCommand::new);

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(final String[] args)
    {
        final boolean client = args.length > 0 && CLIENT_VERBS.containsKey(args[0]);
        final CommandLine line = new CommandLine(client ? new Client() : new Whisk());
        if (client)
        {
            line.addSubcommand(args[0], CLIENT_VERBS.get(args[0]).get());
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
