package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code whisk} client commands as a user runs them: a separate JVM per command, reading a wsk properties file,
 * against the real platform. Asserts exit codes, printed JSON and error texts.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClientCommandsTest
{
    @TempDir
    static Path dataDir;
    @TempDir
    static Path work;
    static Standalone platform;
    static Path props;

    @BeforeAll
    static void start() throws Exception
    {
        platform = TestPlatform.start(dataDir);
        props = work.resolve("wskprops");
        Files.writeString(props, "APIHOST=" + platform.apiHost() + "\nAUTH=" + platform.guestAuth() + "\n");
    }

    @AfterAll
    static void stop()
    {
        if (platform != null)
        {
            platform.close();
        }
    }

    @Test
    void actionsAreCreatedInvokedListedAndRefusedWithClearErrors() throws Exception
    {
        final Path code = work.resolve("hello.js");
        Files.writeString(code, "function main(p) { return { greeting: 'Hello, ' + p.name + '!' }; }");

        final WhiskCli.Run created = whisk("action", "create", "hello", code.toString(), "-p", "name", "World",
            "--memory", "128");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.json().path("limits").path("memory").asInt()).isEqualTo(128);

        final WhiskCli.Run result = whisk("action", "invoke", "hello", "--result", "-p", "name", "Jane");
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.json().path("greeting").asText()).isEqualTo("Hello, Jane!");

        final WhiskCli.Run defaults = whisk("action", "invoke", "hello", "--blocking");
        assertThat(defaults.json().path("response").path("result").path("greeting").asText())
            .isEqualTo("Hello, World!");
        final String id = defaults.json().path("activationId").asText();

        assertThat(whisk("action", "get", "hello").json().path("exec").path("kind").asText()).isEqualTo("nodejs:20");
        assertThat(whisk("action", "list").out()).contains("\"hello\"");
        assertThat(whisk("activation", "result", id).json().path("result").path("greeting").asText())
            .isEqualTo("Hello, World!");
        ok(whisk("activation", "list", "hello"));
        final WhiskCli.Started poll = new WhiskCli(work).start(List.of("activation", "poll", "--exit", "20",
            "--props", props.toString()));
        await().atMost(Duration.ofSeconds(30)).until(() -> poll.outSoFar().startsWith("Enter Ctrl-c to exit."));
        final String polledId = whisk("action", "invoke", "hello", "--blocking", "-p", "name", "Poll").json()
            .path("activationId").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> poll.outSoFar().contains(polledId));
        poll.process().destroy();
        assertThat(poll.outSoFar()).contains("Activation: 'hello' (" + polledId + ")");

        final WhiskCli.Run again = whisk("action", "create", "hello", code.toString());
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("error: resource already exists");

        final WhiskCli.Run tooBig = whisk("action", "update", "hello", "--memory", "1024");
        assertThat(tooBig.exit()).isEqualTo(1);
        assertThat(tooBig.err()).contains("requirement failed: memory 1024 MB exceeds allowed threshold of 512 MB");
        assertThat(whisk("action", "update", "hello", "--memory", "384").json().path("limits").path("memory").asInt())
            .as("update overwrites the existing action and keeps its code").isEqualTo(384);

        ok(whisk("action", "delete", "hello"));
        assertThat(whisk("action", "get", "hello").err()).contains("The requested resource does not exist.");
    }

    @Test
    void packagesBindingsTriggersRulesAndNamespacesWorkFromTheCommandLine() throws Exception
    {
        final Path code = work.resolve("echo.js");
        Files.writeString(code, "function main(p) { return p; }");
        ok(whisk("package", "create", "tools", "--shared", "yes", "-p", "a", "1"));
        ok(whisk("action", "create", "tools/echo", code.toString()));
        final WhiskCli.Run bind = whisk("package", "bind", "/guest/tools", "mytools", "-p", "b", "2");
        assertThat(bind.exit()).as(bind.err()).isZero();
        final JsonNode bound = whisk("action", "invoke", "mytools/echo", "--result").json();
        assertThat(bound.path("a").asInt()).isEqualTo(1);
        assertThat(bound.path("b").asInt()).isEqualTo(2);
        assertThat(whisk("action", "list", "tools").out()).contains("\"echo\"");

        ok(whisk("trigger", "create", "tick"));
        assertThat(whisk("trigger", "create", "tick").err()).contains("resource already exists");
        assertThat(whisk("trigger", "update", "tick", "-p", "when", "now").json().path("parameters").get(0)
            .path("key").asText()).isEqualTo("when");
        assertThat(whisk("package", "update", "tools", "-p", "a", "3").exit()).isZero();
        assertThat(whisk("rule", "create", "onTick", "tick", "tools/echo").json().path("status").asText())
            .isEqualTo("active");
        ok(whisk("rule", "disable", "onTick"));
        assertThat(whisk("rule", "get", "onTick").json().path("status").asText()).isEqualTo("inactive");
        ok(whisk("trigger", "fire", "tick"));

        assertThat(whisk("namespace", "list").json().get(0).asText()).isEqualTo("guest");
        final JsonNode ns = whisk("namespace", "get").json();
        assertThat(ns.path("rules").get(0).path("name").asText()).isEqualTo("onTick");
        assertThat(whisk("package", "list", "/whisk.system").out()).contains("\"utils\"");

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
        assertThat(wrongKey.err()).contains("The supplied authentication is invalid");
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
