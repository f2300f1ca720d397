package dev.whisk.launcher.node;

import dev.whisk.core.entity.KeySeal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * Where the standalone platform's sealing key lives: outside the data directory, so that a copy of the data directory
 * (a backup, a disk image, a stolen volume) holds the sealed webhook secrets and keys but not what opens them.
 *
 * <p>The key comes from {@code WHISK_SEAL_KEY} (base64 of 32 bytes) when that is set, else from a file of its own
 * ({@code --seal-key-file}, by default {@code ~/.config/whisk/seal.key}), created 0600 in a 0700 directory on first
 * start. A file that others may read, or one inside the data directory, is refused. A key left in the data directory
 * by an older version ({@code <data-dir>/seal.key}) is moved out once: to the key file when there is none yet, or
 * deleted when the key file holds the same key; a different key there is an error, since the data directory's
 * sealed values open only under its own key.
 *
 * @param file      the key file; used when {@code inlineKey} is null.
 * @param inlineKey base64 of the key, from the environment; never logged.
 */
public record SealKey(Path file, String inlineKey)
{
    /** The name the key had inside the data directory, before it moved out. */
    static final String LEGACY_FILE = "seal.key";
    private static final Logger LOG = LoggerFactory.getLogger(SealKey.class);
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    /** The default: {@code ~/.config/whisk/seal.key}, outside the default data directory {@code ~/.whisk}. */
    public static SealKey defaults()
    {
        return new SealKey(Path.of(System.getProperty("user.home"), ".config", "whisk", "seal.key"), null);
    }

    public static SealKey inFile(final Path file)
    {
        return new SealKey(file, null);
    }

    @Override
    public String toString()
    {
        return inlineKey != null ? "SealKey[env WHISK_SEAL_KEY (redacted)]" : "SealKey[file=" + file + "]";
    }

    /**
     * The seal for the data directory {@code dataDir}: reads (or first creates) the key, moving a legacy key out of
     * {@code dataDir} once. Launcher thread, at start.
     *
     * @throws IOException when the key cannot be read or made, is not 32 bytes, sits in the data directory, may be
     *                     read by others, or differs from a key still in the data directory.
     */
    KeySeal open(final Path dataDir) throws IOException
    {
        final Path legacy = dataDir.resolve(LEGACY_FILE);
        final byte[] legacyKey = Files.exists(legacy) ? readKey(legacy) : null;
        final byte[] key;
        if (inlineKey != null)
        {
            key = decode(inlineKey);
        }
        else
        {
            final Path target = file.toAbsolutePath().normalize();
            if (target.startsWith(dataDir.toAbsolutePath().normalize()))
            {
                throw new IOException("the seal key file " + target + " is inside the data directory " + dataDir +
                    "; keep it outside (--seal-key-file or WHISK_SEAL_KEY_FILE)");
            }
            if (!Files.exists(target))
            {
                create(target, legacyKey != null ? legacyKey : newKey());
                if (legacyKey != null)
                {
                    LOG.info("event=seal-key-moved from={} to={}", legacy, target);
                }
            }
            requireOwnerOnly(target);
            key = readKey(target);
        }
        if (legacyKey != null)
        {
            if (!MessageDigest.isEqual(legacyKey, key))
            {
                throw new IOException(legacy + " holds another key than " + (inlineKey != null ? "WHISK_SEAL_KEY" :
                    file) + ", and what the data directory holds sealed opens only under it: move it to a file " +
                    "outside the data directory and name that file with --seal-key-file");
            }
            Files.delete(legacy);
            LOG.info("event=seal-key-removed-from-data-dir file={}", legacy);
        }
        return new KeySeal(key);
    }

    private static byte[] newKey()
    {
        final byte[] key = new byte[KeySeal.KEY_BYTES];
        new SecureRandom().nextBytes(key);
        return key;
    }

    private static byte[] decode(final String base64) throws IOException
    {
        final byte[] key;
        try
        {
            key = Base64.getDecoder().decode(base64.trim());
        }
        catch (final IllegalArgumentException notBase64)
        {
            throw new IOException("WHISK_SEAL_KEY is not base64");
        }
        if (key.length != KeySeal.KEY_BYTES)
        {
            throw new IOException("WHISK_SEAL_KEY holds " + key.length + " bytes, expected " + KeySeal.KEY_BYTES);
        }
        return key;
    }

    private static byte[] readKey(final Path file) throws IOException
    {
        final byte[] key = Files.readAllBytes(file);
        if (key.length != KeySeal.KEY_BYTES)
        {
            throw new IOException(file + " holds " + key.length + " bytes, expected " + KeySeal.KEY_BYTES);
        }
        return key;
    }

    /** Writes {@code key} to {@code target} (0600, its directory 0700 when made here); a racing creator wins. */
    private static void create(final Path target, final byte[] key) throws IOException
    {
        final Path dir = target.getParent();
        if (!Files.isDirectory(dir))
        {
            Files.createDirectories(dir);
            if (isPosix(dir))
            {
                Files.setPosixFilePermissions(dir, OWNER_DIR);
            }
        }
        final Path tmp = dir.resolve(target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(tmp);
        if (isPosix(dir))
        {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_FILE));
        }
        Files.write(tmp, key);
        try
        {
            // A hard link never replaces an existing file: of two platforms starting at once, one key wins.
            Files.createLink(target, tmp);
        }
        catch (final UnsupportedOperationException noLinks)
        {
            moveUnlessExists(tmp, target);
        }
        catch (final FileAlreadyExistsException raced)
        {
            // The other platform's key is the one; ours is dropped below.
        }
        finally
        {
            Files.deleteIfExists(tmp);
        }
    }

    private static void moveUnlessExists(final Path from, final Path to) throws IOException
    {
        try
        {
            Files.move(from, to);
        }
        catch (final FileAlreadyExistsException raced)
        {
            // Another platform made it first: its key is the one.
        }
    }

    private static void requireOwnerOnly(final Path file) throws IOException
    {
        if (!isPosix(file))
        {
            return;
        }
        final Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ))
        {
            throw new IOException("the seal key file " + file + " may be read by others (" +
                PosixFilePermissions.toString(perms) + "); make it owner-only: chmod 600 " + file);
        }
    }

    private static boolean isPosix(final Path p) throws IOException
    {
        return Files.getFileStore(Files.exists(p) ? p : p.getParent()).supportsFileAttributeView("posix");
    }
}
