package dev.whisk.launcher.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The data directory's protection: it and everything in it are readable by the platform's user alone (0700 for
 * directories, 0600 for files). The key that seals keys and secrets before they reach the journal or a store is
 * not kept here ({@link SealKey}). Called from the launcher's thread at start and at close.
 */
final class DataDir
{
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private DataDir()
    {
    }

    /**
     * Creates {@code dir} when missing and makes it and what it holds owner-only. Files the stores create later
     * (a journal's next cycle) may carry the process's umask; the directory's 0700 already keeps them from other
     * users, and {@link #protect} at close tightens them too.
     */
    static void protect(final Path dir) throws IOException
    {
        Files.createDirectories(dir);
        if (!Files.getFileStore(dir).supportsFileAttributeView("posix"))
        {
            return;
        }
        try (Stream<Path> all = Files.walk(dir))
        {
            for (final Path p : (Iterable<Path>)all::iterator)
            {
                if (Files.isSymbolicLink(p))
                {
                    continue;
                }
                try
                {
                    Files.setPosixFilePermissions(p, Files.isDirectory(p) ? DIR : FILE);
                }
                catch (final java.nio.file.NoSuchFileException gone)
                {
                    // A store removed it while the walk went on (a compacted segment): nothing to protect.
                }
            }
        }
    }
}
