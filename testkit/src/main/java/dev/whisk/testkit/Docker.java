package dev.whisk.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The Docker engine as a test looks at it, through the {@code docker} command: the containers (running or not)
 * that carry given labels, their labels and their output. Read-only: the platform under test makes and removes
 * its containers itself.
 */
public final class Docker
{
    private Docker()
    {
    }

    /** The full ids of the containers, running or not, that carry every label of {@code labels}. */
    public static List<String> ids(final Map<String, String> labels)
    {
        final List<String> cmd = new ArrayList<>(List.of("ps", "-aq", "--no-trunc"));
        filters(cmd, labels);
        return run(cmd, true).lines().filter(l -> !l.isBlank()).toList();
    }

    /** How many containers, running or not, carry every label of {@code labels}. */
    public static int count(final Map<String, String> labels)
    {
        return ids(labels).size();
    }

    /** The labels of each container that carries every label of {@code labels}, as {@code docker ps} prints them. */
    public static List<String> labelsOf(final Map<String, String> labels)
    {
        final List<String> cmd = new ArrayList<>(List.of("ps", "-a", "--format", "{{.Labels}}"));
        filters(cmd, labels);
        return run(cmd, true).lines().filter(l -> !l.isBlank()).toList();
    }

    /** The engine's output (stdout and stderr) of each container that carries every label of {@code labels}, by id. */
    public static Map<String, String> logsById(final Map<String, String> labels)
    {
        final Map<String, String> logs = new TreeMap<>();
        for (final String id : ids(labels))
        {
            // a container removed meanwhile answers an error text, as docker logs prints it
            logs.put(id, run(List.of("logs", id), false));
        }
        return logs;
    }

    /** The output of every container that carries every label of {@code labels}, concatenated. */
    public static String logs(final Map<String, String> labels)
    {
        return String.join("", logsById(labels).values());
    }

    private static void filters(final List<String> cmd, final Map<String, String> labels)
    {
        for (final Map.Entry<String, String> l : labels.entrySet())
        {
            cmd.add("--filter");
            cmd.add("label=" + l.getKey() + "=" + l.getValue());
        }
    }

    /**
     * Runs {@code docker <args>} and answers its output (stdout and stderr); fails if it runs 30 s, or if it fails
     * and {@code strict}.
     */
    private static String run(final List<String> args, final boolean strict)
    {
        final List<String> cmd = new ArrayList<>(args.size() + 1);
        cmd.add("docker");
        cmd.addAll(args);
        try
        {
            final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS))
            {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not end in 30 s");
            }
            if (strict && p.exitValue() != 0)
            {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
            }
            return out;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
