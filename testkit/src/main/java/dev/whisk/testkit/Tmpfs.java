package dev.whisk.testkit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted for each test, for fault injection on a real file system (a disk that fills up): declared
 * as {@code @RegisterExtension final Tmpfs tmpfs = new Tmpfs(16);}, it is mounted before each test and unmounted
 * after the test's own {@code @AfterEach} methods (which close what used it). Mounting needs root: without it the
 * test is skipped.
 */
public final class Tmpfs implements BeforeEachCallback, AfterEachCallback
{
    private final int sizeMb;
    private Path path;

    /** A tmpfs of {@code sizeMb} megabytes. */
    public Tmpfs(final int sizeMb)
    {
        this.sizeMb = sizeMb;
    }

    /** Where the tmpfs is mounted during the test. */
    public Path path()
    {
        return path;
    }

    @Override
    public void beforeEach(final ExtensionContext context) throws Exception
    {
        path = Files.createTempDirectory("whisk-tmpfs-");
        final String mounted = run("mount", "-t", "tmpfs", "-o", "size=" + sizeMb + "m", "tmpfs", path.toString());
        if (mounted != null)
        {
            Files.deleteIfExists(path);
            path = null;
            Assumptions.abort("cannot mount a tmpfs (root needed): " + mounted);
        }
    }

    @Override
    public void afterEach(final ExtensionContext context) throws Exception
    {
        if (path != null)
        {
            // A mapping the JVM has not dropped yet keeps the file system busy: detach it lazily then.
            if (run("umount", path.toString()) != null)
            {
                run("umount", "-l", path.toString());
            }
            Files.deleteIfExists(path);
            path = null;
        }
    }

    /** Writes {@code bytes} bytes of zeros to {@code file}, 1 MB at a time: a filler that takes the space. */
    public static void fill(final Path file, final long bytes) throws IOException
    {
        final byte[] block = new byte[1024 * 1024];
        try (OutputStream out = Files.newOutputStream(file))
        {
            for (long left = bytes; left > 0; left -= block.length)
            {
                out.write(block, 0, (int)Math.min(block.length, left));
            }
        }
    }

    /** Runs a command; {@code null} when it succeeded, else its output. */
    private static String run(final String... command) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            return "timed out";
        }
        return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out.trim();
    }
}
