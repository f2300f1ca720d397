package dev.whisk.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one entry point: {@code whisk standalone} and the commands that join it. */
@Command(name = "whisk", mixinStandardHelpOptions = true, version = "whisk 0.1.0",
    description = "An OpenWhisk-compatible function platform.",
    subcommands = {StandaloneCommand.class, ControllerCommand.class, InvokerCommand.class, AdminCommand.class,
        ActionCommand.class, ActivationCommand.class, PackageCommand.class, TriggerCommand.class, RuleCommand.class,
        NamespaceCommand.class})
public final class Whisk implements Runnable
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new Whisk()).execute(args));
    }

    @Override
    public void run()
    {
        spec.commandLine().usage(System.out);
    }
}
