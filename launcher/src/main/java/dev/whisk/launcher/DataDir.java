package dev.whisk.launcher;

import dev.whisk.core.entity.KeySeal;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The data directory's protection: it and everything in it are readable by the platform's user alone (0700 for
 * directories, 0600 for files), and it holds the platform's sealing key ({@value #SEAL_KEY_FILE}, 32 random bytes,
 * 0600, created on first start), under which keys and secrets are sealed before they reach the journal or a store.
 * Called from the launcher's thread at start and at close.
 */
final class DataDir
{
    static final String SEAL_KEY_FILE = "seal.key";
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

    /** The platform's seal, its key read from the data directory, or created there (0600) on first start. */
    static KeySeal seal(final Path dir) throws IOException
    {
        final Path file = dir.resolve(SEAL_KEY_FILE);
        if (!Files.exists(file))
        {
            final byte[] key = new byte[KeySeal.KEY_BYTES];
            new SecureRandom().nextBytes(key);
            final Path tmp = dir.resolve(SEAL_KEY_FILE + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(FILE));
            Files.write(tmp, key);
            try
            {
                Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            catch (final FileAlreadyExistsException raced)
            {
                Files.deleteIfExists(tmp);
            }
        }
        final byte[] key = Files.readAllBytes(file);
        if (key.length != KeySeal.KEY_BYTES)
        {
            throw new IOException(file + " holds " + key.length + " bytes, expected " + KeySeal.KEY_BYTES);
        }
        return new KeySeal(key);
    }
}
