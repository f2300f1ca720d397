package dev.whisk.launcher.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run {@code bin/whisk} records the client's class-data archive from, in a JVM of its own as the script starts it:
 * every kind of client command does against its canned answers what it does against the platform (it exits 0), and
 * every class of ours they load is one that {@code whisk-client.jar} holds (launcher/pom.xml), with no picocli or
 * Jackson among the rest.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ClientTrainingTest
{
    @TempDir
    Path work;

    @Test
    void everyKindOfClientCommandRunsOnTheClientJarsClassesAlone() throws Exception
    {
        final Path log = work.resolve("class-load.log");
        final Path out = work.resolve("out.txt");
        final Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xlog:class+load:file=" + log, "-cp", System.getProperty("java.class.path"),
            ClientTraining.class.getName()))
            .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(out, StandardCharsets.UTF_8)).isZero();

        final String loaded = Files.readString(log);
        assertThat(loaded).contains("dev.whisk.launcher.cli.ActionCommand$Write ",
            "dev.whisk.launcher.cli.JsonReader ", "dev.whisk.launcher.cli.ActivationCommand$ListActivations ",
            "dev.whisk.launcher.cli.PropertyCommand$Set ", "dev.whisk.launcher.cli.NamespaceCommand$Get ",
            "dev.whisk.launcher.cli.TriggerCommand$Fire ");
        assertThat(loaded).doesNotContain("picocli.", "com.fasterxml.jackson.", "io.netty.")
            .doesNotContainPattern("dev\\.whisk\\.(core|storage|scheduler|frontdoor|invoker|pool|events)\\.");
        final Matcher ours = Pattern.compile("(?m)^\\S+ (dev\\.whisk\\.\\S+) ").matcher(loaded);
        int count = 0;
        while (ours.find())
        {
            count++;
            assertThat(ours.group(1)).matches("dev\\.whisk\\.launcher\\.cli\\.(Client|ClientCommand.*|" +
                "ClientTraining.*|CliCommand.*|EntityCommand.*|Json(Value|Reader).*|RestClient.*|WskProps|" +
                "(Action|Activation|Package|Trigger|Rule|Namespace|Property)Command.*)");
        }
        assertThat(count).isGreaterThan(40);
    }
}
