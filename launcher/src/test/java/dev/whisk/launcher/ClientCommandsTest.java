package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.launcher.node.Standalone;
import org.junit.jupiter.api.AfterAll;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code whisk} client commands as a user runs them: a separate JVM per command, reading a wsk properties file,
 * against the real platform. Asserts exit codes, the text {@code wsk} would print, the {@code --json} output and
 * error texts.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@NeedsDocker
class ClientCommandsTest
{
    @RegisterExtension
    static final TestPlatform platform = TestPlatform.standalone();
    @TempDir
    static Path work;
    static Path props;

    @BeforeAll
    static void start() throws Exception
    {
        props = work.resolve("wskprops");
        Files.writeString(props, "APIHOST=" + platform.apiHost() + "\nAUTH=" + platform.guestAuth() + "\n");
    }

    @Test
    void actionsAreCreatedInvokedListedAndRefusedWithClearErrors() throws Exception
    {
        final Path code = work.resolve("hello.js");
        Files.writeString(code, "function main(p) { return { greeting: 'Hello, ' + p.name + '!' }; }");

        final WhiskCli.Run created = whisk("action", "create", "hello", code.toString(), "-p", "name", "World",
            "--memory", "128");
        assertThat(ok(created).out()).isEqualTo("ok: created action hello\n");
        assertThat(whisk("action", "get", "hello", "--json").json().path("limits").path("memory").asInt())
            .isEqualTo(128);

        final WhiskCli.Run result = whisk("action", "invoke", "hello", "--result", "-p", "name", "Jane");
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.json().path("greeting").asText()).isEqualTo("Hello, Jane!");

        final WhiskCli.Run defaults = whisk("action", "invoke", "hello", "--blocking", "--json");
        assertThat(defaults.json().path("response").path("result").path("greeting").asText())
            .isEqualTo("Hello, World!");
        final String id = defaults.json().path("activationId").asText();
        final WhiskCli.Run blocking = ok(whisk("action", "invoke", "hello", "--blocking"));
        assertThat(blocking.out()).matches("(?s)ok: invoked /_/hello with id [0-9a-f]{32}\n\\{.*\"greeting\".*");
        final String async = ok(whisk("action", "invoke", "hello")).out();
        assertThat(async).matches("ok: invoked /_/hello with id [0-9a-f]{32}\n");
        final String asyncId = async.substring(async.lastIndexOf(' ') + 1).trim();

        assertThat(whisk("action", "get", "hello", "-o", "json").json().path("exec").path("kind").asText())
            .isEqualTo("nodejs:20");
        assertThat(ok(whisk("action", "get", "hello")).out()).startsWith("ok: got action hello\n{");
        assertThat(ok(whisk("action", "get", "hello", "--summary")).out())
            .isEqualTo("action /guest/hello\n   (parameters: name)\n");
        assertThat(ok(whisk("action", "get", "hello", "--url")).out())
            .endsWith("/api/v1/namespaces/_/actions/hello\n");
        assertThat(ok(whisk("action", "list")).out()).startsWith("actions\n")
            .containsPattern("(?m)^/guest/hello {58} private nodejs:20$");
        assertThat(whisk("action", "list", "--json").json().get(0).path("name").asText()).isEqualTo("hello");
        assertThat(whisk("activation", "result", id).json().path("greeting").asText()).isEqualTo("Hello, World!");
        assertThat(whisk("activation", "result", id, "--json").json().path("result").path("greeting").asText())
            .isEqualTo("Hello, World!");
        assertThat(ok(whisk("activation", "get", id)).out()).startsWith("ok: got activation " + id + "\n{");
        final String table = ok(whisk("activation", "list", "hello")).out();
        assertThat(table).startsWith("Datetime            Activation ID                    Kind      Start " +
            "Duration   Status             Entity\n");
        assertThat(table).containsPattern("(?m)^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d " + id +
            " nodejs:20 (cold|warm) +\\d+ms +success +guest/hello:0.0.1$");
        await().atMost(Duration.ofSeconds(30)).until(() -> whisk("activation", "get", asyncId).exit() == 0);
        final String newest = whisk("activation", "list", "--limit", "1", "--json").json().get(0).path("activationId")
            .asText();
        assertThat(whisk("activation", "get", "--last", "--json").json().path("activationId").asText())
            .isEqualTo(newest);
        assertThat(whisk("activation", "result", "--last").json().path("greeting").asText()).startsWith("Hello, ");
        final WhiskCli.Started poll = new WhiskCli(work).start(List.of("activation", "poll", "--exit", "20",
            "--props", props.toString()));
        await().atMost(Duration.ofSeconds(30)).until(() -> poll.outSoFar().startsWith("Enter Ctrl-c to exit."));
        final String polledId = whisk("action", "invoke", "hello", "--blocking", "--json", "-p", "name", "Poll").json()
            .path("activationId").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> poll.outSoFar().contains(polledId));
        poll.process().destroy();
        assertThat(poll.outSoFar()).contains("Activation: 'hello' (" + polledId + ")");

        final WhiskCli.Run again = whisk("action", "create", "hello", code.toString());
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.out()).isEmpty();
        assertThat(again.err()).matches("error: resource already exists \\(code [0-9a-f]+\\)\n");

        final WhiskCli.Run tooBig = whisk("action", "update", "hello", "--memory", "1024");
        assertThat(tooBig.exit()).isEqualTo(1);
        assertThat(tooBig.err()).contains("requirement failed: memory 1024 MB exceeds allowed threshold of 512 MB");
        assertThat(ok(whisk("action", "update", "hello", "--memory", "384")).out())
            .isEqualTo("ok: updated action hello\n");
        assertThat(whisk("action", "get", "hello", "--json").json().path("limits").path("memory").asInt())
            .as("update overwrites the existing action and keeps its code").isEqualTo(384);

        assertThat(ok(whisk("action", "delete", "hello")).out()).isEqualTo("ok: deleted action hello\n");
        final WhiskCli.Run missing = whisk("action", "get", "hello");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).startsWith("error: The requested resource does not exist. (code ");
        final WhiskCli.Run missingJson = whisk("action", "delete", "hello", "--json");
        assertThat(missingJson.exit()).isEqualTo(1);
        assertThat(missingJson.err()).startsWith("error: The requested resource does not exist.");
    }

    @Test
    void packagesBindingsTriggersRulesAndNamespacesWorkFromTheCommandLine() throws Exception
    {
        final Path code = work.resolve("echo.js");
        Files.writeString(code, "function main(p) { return p; }");
        ok(whisk("package", "create", "tools", "--shared", "yes", "-p", "a", "1"));
        ok(whisk("action", "create", "tools/echo", code.toString()));
        final WhiskCli.Run bind = whisk("package", "bind", "/guest/tools", "mytools", "-p", "b", "2");
        assertThat(ok(bind).out()).isEqualTo("ok: created binding mytools\n");
        final JsonNode bound = whisk("action", "invoke", "mytools/echo", "--result").json();
        assertThat(bound.path("a").asInt()).isEqualTo(1);
        assertThat(bound.path("b").asInt()).isEqualTo(2);
        assertThat(whisk("action", "list", "tools").out())
            .containsPattern("(?m)^/guest/tools/echo +private nodejs:20$");

        assertThat(ok(whisk("trigger", "create", "tick")).out()).isEqualTo("ok: created trigger tick\n");
        assertThat(whisk("trigger", "create", "tick").err()).contains("resource already exists");
        assertThat(ok(whisk("trigger", "update", "tick", "-p", "when", "now")).out())
            .isEqualTo("ok: updated trigger tick\n");
        assertThat(whisk("trigger", "get", "tick", "--json").json().path("parameters").get(0).path("key").asText())
            .isEqualTo("when");
        assertThat(whisk("package", "update", "tools", "-p", "a", "3").out()).isEqualTo("ok: updated package tools\n");
        assertThat(ok(whisk("rule", "create", "onTick", "tick", "tools/echo")).out())
            .isEqualTo("ok: created rule onTick\n");
        assertThat(whisk("rule", "get", "onTick", "--json").json().path("status").asText()).isEqualTo("active");
        assertThat(ok(whisk("rule", "disable", "onTick")).out()).isEqualTo("ok: disabled rule onTick\n");
        assertThat(whisk("rule", "get", "onTick", "--json").json().path("status").asText()).isEqualTo("inactive");
        assertThat(ok(whisk("rule", "list")).out()).containsPattern("(?m)^rules\n/guest/onTick +private$");
        assertThat(ok(whisk("rule", "enable", "onTick")).out()).isEqualTo("ok: enabled rule onTick\n");
        assertThat(ok(whisk("trigger", "fire", "tick")).out()).matches("ok: triggered /_/tick with id [0-9a-f]{32}\n");

        assertThat(ok(whisk("namespace", "list")).out()).isEqualTo("namespaces\nguest\n");
        assertThat(whisk("namespace", "list", "--json").json().get(0).asText()).isEqualTo("guest");
        final JsonNode ns = whisk("namespace", "get", "--json").json();
        assertThat(ns.path("rules").get(0).path("name").asText()).isEqualTo("onTick");
        assertThat(ok(whisk("namespace", "get")).out()).contains("rules\n/guest/onTick");
        assertThat(whisk("package", "list", "/whisk.system").out())
            .containsPattern("(?m)^/whisk.system/utils +shared$");

        final WhiskCli.Run notEmpty = whisk("package", "delete", "tools");
        assertThat(notEmpty.exit()).isEqualTo(1);
        assertThat(notEmpty.err()).contains("Package not empty");
    }

    @Test
    void missingPropertiesOrAWrongKeyFailWithANonZeroExit() throws Exception
    {
        final WhiskCli.Run noFile = whisk(List.of("action", "list", "--props", work.resolve("absent").toString()));
        assertThat(noFile.exit()).isEqualTo(2);
        assertThat(noFile.err()).contains("does not exist");

        final WhiskCli.Run wrongKey = whisk(List.of("action", "list", "--props", props.toString(), "--auth",
            "23bc46b1-71f6-4ed5-8c54-816aa4f8c502:" + "x".repeat(64)));
        assertThat(wrongKey.exit()).isEqualTo(1);
        assertThat(wrongKey.out()).isEmpty();
        assertThat(wrongKey.err()).matches("error: The supplied authentication is invalid \\(code [0-9a-f]+\\)\n");

        final WhiskCli.Run badFlag = whisk("action", "list", "--bogus");
        assertThat(badFlag.exit()).isEqualTo(2);
        assertThat(badFlag.out()).isEmpty();
        assertThat(badFlag.err()).startsWith("error: Unknown option: '--bogus'\nRun 'whisk action list --help'");
        assertThat(whisk("action", "list", "-o", "yaml").err()).contains("unknown output format 'yaml'");
        final WhiskCli.Run noCode = whisk("action", "create", "hello");
        assertThat(noCode.exit()).isEqualTo(2);
        assertThat(noCode.err()).isEqualTo("error: Missing required parameter: 'FILE'\n" +
            "Run 'whisk action create --help' for usage.\n");
        final WhiskCli.Run badNumber = whisk("action", "update", "hello", "--memory", "lots");
        assertThat(badNumber.exit()).isEqualTo(2);
        assertThat(badNumber.err()).startsWith("error: Invalid value for option '--memory': 'lots' is not an int\n");
        final WhiskCli.Run unknownCommand = whisk("action", "frob");
        assertThat(unknownCommand.exit()).isEqualTo(2);
        assertThat(unknownCommand.err()).isEqualTo("error: Unknown command: 'frob'\n" +
            "Run 'whisk action --help' for usage.\n");
        final WhiskCli.Run help = whisk(List.of("action", "--help"));
        assertThat(ok(help).out()).startsWith("Usage: whisk action [-hV] COMMAND\nWork with actions.\n")
            .containsPattern("(?m)^  invoke    Invoke an action.$");
        assertThat(ok(whisk(List.of("action", "invoke", "-h"))).out())
            .containsPattern("(?m)^  -r, --result +Print only the result");
        final WhiskCli.Run missingParamFile = whisk("action", "invoke", "hello", "-P", work.resolve("none.json")
            .toString());
        assertThat(missingParamFile.exit()).isEqualTo(2);
        assertThat(missingParamFile.err()).startsWith("error: ").contains("none.json");

        final Path other = work.resolve("other-wskprops");
        final WhiskCli.Run set = whisk(List.of("property", "set", "--apihost", platform.apiHost(), "--auth",
            platform.guestAuth(), "--props", other.toString()));
        assertThat(ok(set).out()).startsWith("ok: whisk API host set to " + platform.apiHost() + "\n");
        assertThat(ok(whisk(List.of("property", "get", "--props", other.toString()))).out())
            .contains("whisk API host           " + platform.apiHost() + "\n");
        assertThat(ok(whisk(List.of("namespace", "list", "--props", other.toString()))).out())
            .isEqualTo("namespaces\nguest\n");
    }

    @Test
    void aClientCommandLoadsNoServerClass() throws Exception
    {
        final Path log = work.resolve("class-load.log");
        final WhiskCli.Run list = new WhiskCli(work).run(List.of("-Xlog:class+load:file=" + log),
            List.of("action", "list", "--props", props.toString()));
        assertThat(list.exit()).as(list.err()).isZero();
        final String loaded = Files.readString(log);
        assertThat(loaded).contains("dev.whisk.launcher.cli.ActionCommand$ListActions ");
        assertThat(loaded)
            .doesNotContainPattern("dev\\.whisk\\.(core|storage|scheduler|frontdoor|invoker|pool|events)\\.")
            .doesNotContain("dev.whisk.launcher.node.StandaloneCommand ", "dev.whisk.launcher.cli.TriggerCommand ",
                "io.netty.", "org.agrona.", "io.aeron.", "net.openhft.", "java.net.http.HttpClient ", "picocli.",
                "com.fasterxml.jackson.");
        // bin/whisk runs client commands from whisk-client.jar, which holds these classes alone (launcher/pom.xml);
        // Whisk is the entry this test starts, which hands client verbs to Client
        final Matcher launcherClass = Pattern.compile("(?m)^\\S+ (dev\\.whisk\\.launcher\\.\\S+) ").matcher(loaded);
        while (launcherClass.find())
        {
            assertThat(launcherClass.group(1)).matches("dev\\.whisk\\.launcher\\.(Whisk|cli\\.(Client|" +
                "ClientCommand.*|CliCommand.*|EntityCommand.*|Json(Value|Reader).*|RestClient.*|WskProps|" +
                "(Action|Activation|Package|Trigger|Rule|Namespace|Property)Command.*))");
        }
    }

    /** Asserts success, showing what the command printed to standard error otherwise. */
    private static WhiskCli.Run ok(final WhiskCli.Run run)
    {
        assertThat(run.exit()).as(run.err()).isZero();
        return run;
    }

    private static WhiskCli.Run whisk(final String... args) throws IOException, InterruptedException
    {
        final List<String> all = new ArrayList<>(List.of(args));
        all.add("--props");
        all.add(props.toString());
        return whisk(all);
    }

    private static WhiskCli.Run whisk(final List<String> args) throws IOException, InterruptedException
    {
        return new WhiskCli(work).run(args);
    }
}
