package dev.whisk.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Something a test class starts once and closes after its last test (a front door, a platform), its data in a
 * temporary directory of its own. Declared as one field, it runs before the class's {@code @BeforeAll} methods:
 * <pre>
 * &#64;RegisterExtension
 * static final TestServer server = new TestServer();
 * </pre>
 * A subclass {@link #start(Path) starts} in the directory and {@link #close() closes}; the directory is deleted
 * after the close. A start that throws a {@code TestAbortedException} (no Docker engine, say) skips the class.
 */
public abstract class Fixture implements BeforeAllCallback, AfterAllCallback, AutoCloseable
{
    private Path dir;

    /** Starts in {@code dir}, a new empty directory. */
    protected abstract void start(Path dir) throws Exception;

    /** Stops what {@link #start(Path)} started (also after a start that failed half way). */
    @Override
    public abstract void close() throws Exception;

    /** The data directory of the running fixture. */
    public final Path dir()
    {
        return dir;
    }

    @Override
    public final void beforeAll(final ExtensionContext context) throws Exception
    {
        dir = Files.createTempDirectory("whisk-" + context.getRequiredTestClass().getSimpleName() + "-");
        start(dir);
    }

    @Override
    public final void afterAll(final ExtensionContext context) throws Exception
    {
        try
        {
            close();
        }
        finally
        {
            if (dir != null)
            {
                deleteTree(dir);
            }
        }
    }

    /** Deletes {@code root} and everything below it; what cannot be deleted is left (a temp dir, best effort). */
    public static void deleteTree(final Path root)
    {
        try
        {
            Files.walkFileTree(root, new SimpleFileVisitor<>()
            {
                @Override
                public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs)
                {
                    file.toFile().delete();
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(final Path file, final IOException ex)
                {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(final Path d, final IOException ex)
                {
                    d.toFile().delete();
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        catch (final IOException ignored)
        {
            // best effort: a temporary directory
        }
    }
}
