package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.core.json.Json;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@code whisk ARGS} as a user does: a separate JVM on the test class path with the module flags the stores
 * need (as {@code bin/whisk} passes them), logging off.
 */
final class WhiskCli
{
    private final Path work;

    WhiskCli(final Path work)
    {
        this.work = work;
    }

    Run run(final List<String> args) throws IOException, InterruptedException
    {
        return run(List.of(), args);
    }

    /** Runs {@code whisk ARGS} in a JVM given {@code jvmFlags} too. */
    Run run(final List<String> jvmFlags, final List<String> args) throws IOException, InterruptedException
    {
        final Started started = start(jvmFlags, args);
        assertThat(started.process().waitFor(60, TimeUnit.SECONDS)).as("whisk " + args + " finished").isTrue();
        return started.finish();
    }

    /** Starts {@code whisk ARGS} without waiting; its output files can be read while it runs. */
    Started start(final List<String> args) throws IOException
    {
        return start(List.of(), args);
    }

    private Started start(final List<String> jvmFlags, final List<String> args) throws IOException
    {
        final Path quiet = work.resolve("logback-quiet.xml");
        if (!Files.exists(quiet))
        {
            Files.writeString(quiet, "<configuration><root level=\"OFF\"/></configuration>");
        }
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String flag : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (flag.startsWith("--add-exports") || flag.startsWith("--add-opens"))
            {
                command.add(flag);
            }
        }
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "-Dlogback.configurationFile=" + quiet,
            Whisk.class.getName()));
        command.addAll(args);
        final Path out = Files.createTempFile(work, "out", ".txt");
        final Path err = Files.createTempFile(work, "err", ".txt");
        final Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
            .start();
        return new Started(p, out, err);
    }

    /** A running command and the files its output goes to. */
    record Started(Process process, Path out, Path err)
    {
        String outSoFar() throws IOException
        {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        /** Waits for the end (at most 60 s) and returns the outcome. */
        Run finish() throws IOException, InterruptedException
        {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("whisk finished").isTrue();
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        }
    }

    /** One command's exit code and output. */
    record Run(int exit, String out, String err)
    {
        JsonNode json() throws IOException
        {
            assertThat(exit).as(err).isZero();
            return Json.MAPPER.readTree(out);
        }
    }
}
