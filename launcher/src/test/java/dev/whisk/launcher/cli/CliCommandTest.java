package dev.whisk.launcher.cli;

import dev.whisk.launcher.cli.CliCommand.Flag;
import dev.whisk.launcher.cli.CliCommand.UsageException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The client's command-line parsing on the real sub-commands: flags and operands in any order, every spelling of a
 * flag's value that wsk and picocli accept, and the messages of what is refused. Nothing is sent anywhere: parsing
 * only.
 */
class CliCommandTest
{
    private static CliCommand parsed(final String verb, final String... args)
    {
        final CliCommand command = Client.command(verb, args[0]);
        assertThat(command).as("%s %s exists", verb, args[0]).isNotNull();
        final String[] line = new String[args.length + 1];
        line[0] = verb;
        System.arraycopy(args, 0, line, 1, args.length);
        assertThat(command.parse(verb, line, 2)).isTrue();
        return command;
    }

    private static String refused(final String verb, final String... args)
    {
        final CliCommand command = Client.command(verb, args[0]);
        final String[] line = new String[args.length + 1];
        line[0] = verb;
        System.arraycopy(args, 0, line, 1, args.length);
        try
        {
            command.parse(verb, line, 2);
        }
        catch (final UsageException ex)
        {
            return ex.getMessage();
        }
        throw new AssertionError(List.of(args) + " was accepted");
    }

    @Test
    void flagsAndOperandsMixInAnyOrderAndCollectingFlagsKeepEveryUse()
    {
        final CliCommand create = parsed("action", "create", "-p", "name", "World", "hello", "--memory", "128",
            "hello.js", "--param", "n", "-1", "-a", "k", "v", "--web=raw", "-t5000", "-l", "2", "--kind=nodejs:20");
        assertThat(create.operand(0)).isEqualTo("hello");
        assertThat(create.operand(1)).isEqualTo("hello.js");
        assertThat(create.all(ClientCommand.PARAM)).containsExactly("name", "World", "n", "-1");
        assertThat(create.all(ActionCommand.Write.ANNOTATION)).containsExactly("k", "v");
        assertThat(create.integer(ActionCommand.Write.MEMORY)).isEqualTo(128);
        assertThat(create.integer(ActionCommand.Write.TIMEOUT)).isEqualTo(5000);
        assertThat(create.integer(ActionCommand.Write.LOGSIZE)).isEqualTo(2);
        assertThat(create.text(ActionCommand.Write.WEB)).isEqualTo("raw");
        assertThat(create.text(ActionCommand.Write.KIND)).isEqualTo("nodejs:20");
        assertThat(create.isSet(ActionCommand.Write.DOCKER)).isFalse();
        assertThat(create.text(ActionCommand.Write.DOCKER)).isNull();
        assertThat(((EntityCommand)create).isUpdate()).isFalse();
        assertThat(((EntityCommand)parsed("action", "update", "hello")).isUpdate()).isTrue();
    }

    @Test
    void switchesClusterAndALaterValueReplacesAnEarlierOne()
    {
        final ClientCommand invoke = (ClientCommand)parsed("action", "invoke", "-br", "hello", "-o", "json",
            "--props", "/a", "--props", "/b");
        assertThat(invoke.isSet(ActionCommand.BLOCKING)).isTrue();
        assertThat(invoke.isSet(ActionCommand.RESULT)).isTrue();
        assertThat(invoke.wantsJson()).isTrue();
        assertThat(invoke.text(ClientCommand.PROPS)).isEqualTo("/b");
        assertThat(((ClientCommand)parsed("action", "invoke", "hello", "--json")).wantsJson()).isTrue();
        assertThat(((ClientCommand)parsed("action", "invoke", "hello")).wantsJson()).isFalse();
        final CliCommand insecure = parsed("action", "list", "-iu", "uuid:key");
        assertThat(insecure.isSet(ClientCommand.INSECURE)).isTrue();
        assertThat(insecure.text(ClientCommand.AUTH)).isEqualTo("uuid:key");
    }

    @Test
    void aDoubleDashEndsTheFlagsAndALoneDashOrANegativeNumberIsAnOperand()
    {
        final CliCommand get = parsed("action", "get", "--", "--url");
        assertThat(get.operand(0)).isEqualTo("--url");
        assertThat(get.isSet(ActionCommand.Get.URL)).isFalse();
        assertThat(parsed("action", "get", "-").operand(0)).isEqualTo("-");
        assertThat(parsed("activation", "list", "-5").operand(0)).isEqualTo("-5");
    }

    @Test
    void optionalOperandsAndDefaultsAreAbsentUntilGiven()
    {
        final CliCommand list = parsed("activation", "list");
        assertThat(list.operand(0)).isNull();
        assertThat(list.integer(ActionCommand.LIMIT, 30)).isEqualTo(30);
        assertThat(list.number(ActivationCommand.ListActivations.SINCE)).isNull();
        final CliCommand since = parsed("activation", "list", "hello", "--since", "1733287000000", "--skip", "4");
        assertThat(since.operand(0)).isEqualTo("hello");
        assertThat(since.number(ActivationCommand.ListActivations.SINCE)).isEqualTo(1733287000000L);
        assertThat(since.integer(ActionCommand.SKIP, 0)).isEqualTo(4);
        assertThat(parsed("activation", "logs", "--last").isSet(ActivationCommand.LAST)).isTrue();
        assertThat(parsed("activation", "logs", "-l").isSet(ActivationCommand.LAST)).isTrue();
        assertThat(parsed("property", "get", "--auth").isSet(PropertyCommand.Get.AUTH)).isTrue();
        assertThat(parsed("property", "set", "--auth", "k").text(PropertyCommand.Set.AUTH)).isEqualTo("k");
    }

    @Test
    void whatIsRefusedIsNamedAsPicocliNamedIt()
    {
        assertThat(refused("action", "list", "--bogus")).isEqualTo("Unknown option: '--bogus'");
        assertThat(refused("action", "list", "--bogus=1")).isEqualTo("Unknown option: '--bogus=1'");
        assertThat(refused("action", "list", "-z")).isEqualTo("Unknown option: '-z'");
        assertThat(refused("action", "invoke", "x", "-bz")).isEqualTo("Unknown option: '-z' (in '-bz')");
        assertThat(refused("action", "create", "x")).isEqualTo("Missing required parameter: 'FILE'");
        assertThat(refused("action", "create")).isEqualTo("Missing required parameters: 'NAME', 'FILE'");
        assertThat(refused("rule", "create", "r", "t")).isEqualTo("Missing required parameter: 'ACTION'");
        assertThat(refused("action", "get", "a", "b", "c")).isEqualTo("Unmatched arguments: 'b', 'c'");
        assertThat(refused("trigger", "list", "t")).isEqualTo("Unmatched argument: 't'");
        assertThat(refused("action", "create", "x", "f", "--memory")).isEqualTo(
            "Missing required parameter for option '--memory' (MB)");
        assertThat(refused("action", "create", "x", "f", "-p", "k")).isEqualTo(
            "Missing required parameter for option '--param' (KEY VALUE)");
        assertThat(refused("action", "create", "x", "f", "-m", "lots")).isEqualTo(
            "Invalid value for option '--memory': 'lots' is not an int");
        assertThat(refused("activation", "list", "--since", "yesterday")).isEqualTo(
            "Invalid value for option '--since': 'yesterday' is not a long");
        assertThat(refused("action", "list", "--json=yes")).isEqualTo(
            "Option '--json' takes no value, got 'yes'");
        assertThatThrownBy(() -> parsed("property", "get", "--auth", "k")).isInstanceOf(UsageException.class)
            .hasMessage("Unmatched argument: 'k'");
    }

    @Test
    void helpAndVersionArePrintedInsteadOfRunning()
    {
        final PrintStream saved = System.out;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try
        {
            final CliCommand create = Client.command("action", "create");
            assertThat(create.parse("action", new String[]{"action", "create", "x", "--help"}, 2)).isFalse();
            final CliCommand version = Client.command("rule", "list");
            assertThat(version.parse("rule", new String[]{"rule", "list", "-V"}, 2)).isFalse();
            assertThat(Client.run(new String[]{"trigger"})).isZero();
            assertThat(Client.run(new String[]{"namespace", "--help"})).isZero();
        }
        finally
        {
            System.setOut(saved);
        }
        final String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).startsWith("Usage: whisk action create [OPTIONS] NAME FILE\n" +
            "Create an action from a code file.\nOptions:\n");
        assertThat(printed).containsPattern("(?m)^  -p, --param KEY VALUE +A parameter")
            .containsPattern("(?m)^      --kind KIND +Runtime kind")
            .containsPattern("(?m)^  -h, --help +Show this help message and exit.$")
            .contains("\nwhisk 0.1.0\n")
            .containsPattern("(?m)^Usage: whisk trigger \\[-hV\\] COMMAND\nWork with triggers.\nCommands:\n" +
                "  create    Create a trigger.\n")
            .containsPattern("(?m)^  fire      Fire a trigger.$")
            .containsPattern("(?m)^  list      List the caller's namespaces.$");
    }

    @Test
    void everyVerbListsOnlySubCommandsThatExistAndTheirFlagsHaveDistinctNames()
    {
        for (final String verb : List.of("action", "activation", "package", "trigger", "rule", "namespace",
            "property"))
        {
            assertThat(Client.isVerb(verb)).isTrue();
            for (final String name : Client.commands(verb))
            {
                final CliCommand command = Client.command(verb, name);
                assertThat(command).as("%s %s", verb, name).isNotNull();
                assertThat(command.name()).isEqualTo(name);
                final List<String> names = new java.util.ArrayList<>();
                for (final Flag flag : command.declaredFlags())
                {
                    names.addAll(flag.names());
                }
                assertThat(names).as("flag names of %s %s", verb, name).doesNotHaveDuplicates()
                    .doesNotContain("-h", "--help", "-V", "--version");
            }
            assertThat(Client.command(verb, "frob")).isNull();
        }
        assertThat(Client.isVerb("standalone")).isFalse();
        assertThat(Client.isVerb("admin")).isFalse();
        final Flag param = ClientCommand.PARAM;
        assertThat(param.arity()).isEqualTo(2);
        assertThat(param.longName()).isEqualTo("--param");
    }
}
