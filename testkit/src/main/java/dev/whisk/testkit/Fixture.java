package dev.whisk.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
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
 * Declared as an instance field ({@code @RegisterExtension final TestServer server = new TestServer();}), it
 * starts before each test and closes after it instead.
 * <p>
 * A subclass {@link #open(Path) opens} in the directory and {@link #close() closes}; the directory is deleted
 * after the close. An open that throws a {@code TestAbortedException} (no Docker engine, say) skips the class.
 */
public abstract class Fixture implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback,
    AutoCloseable
{
    private Path dir;
    private boolean perClass;

    /** Starts in {@code dir}, a new empty directory. */
    protected abstract void open(Path dir) throws Exception;

    /** Stops what {@link #open(Path)} started (also after a start that failed half way). */
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
        perClass = true;
        startIn(context);
    }

    @Override
    public final void afterAll(final ExtensionContext context) throws Exception
    {
        stop();
    }

    @Override
    public final void beforeEach(final ExtensionContext context) throws Exception
    {
        if (!perClass)
        {
            startIn(context);
        }
    }

    @Override
    public final void afterEach(final ExtensionContext context) throws Exception
    {
        if (!perClass)
        {
            stop();
        }
    }

    private void startIn(final ExtensionContext context) throws Exception
    {
        dir = Files.createTempDirectory("whisk-" + context.getRequiredTestClass().getSimpleName() + "-");
        open(dir);
    }

    private void stop() throws Exception
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
                dir = null;
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
