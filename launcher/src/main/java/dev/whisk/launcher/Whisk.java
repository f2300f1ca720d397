package dev.whisk.launcher;

import dev.whisk.launcher.cli.CliCommand;
import dev.whisk.launcher.cli.Client;
import dev.whisk.launcher.admin.AdminCommand;
import dev.whisk.launcher.node.ControllerCommand;
import dev.whisk.launcher.node.InvokerCommand;
import dev.whisk.launcher.node.StandaloneCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one entry point: {@code whisk standalone} and the commands that join it (parsed by picocli), and the wsk-style
 * client commands, which {@link #main} hands to {@link Client} before any picocli class is loaded.
 */
@Command(name = "whisk", mixinStandardHelpOptions = true, version = CliCommand.VERSION_TEXT,
    description = "An OpenWhisk-compatible function platform.",
    subcommands = {StandaloneCommand.class, ControllerCommand.class, InvokerCommand.class, AdminCommand.class},
    footer = {"", "Client commands, with wsk's verbs, flags and output ('whisk VERB --help' lists each one's):",
        "  action      Work with actions.", "  activation  Work with activations.",
        "  package     Work with packages.", "  trigger     Work with triggers.", "  rule        Work with rules.",
        "  namespace   Work with namespaces.", "  property    Work with the wsk properties file."})
public final class Whisk implements Runnable
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(final String[] args)
    {
        if (args.length > 0 && Client.isVerb(args[0]))
        {
            Client.main(args);
        }
        System.exit(new CommandLine(new Whisk()).execute(args));
    }

    @Override
    public void run()
    {
        spec.commandLine().usage(System.out);
    }
}
