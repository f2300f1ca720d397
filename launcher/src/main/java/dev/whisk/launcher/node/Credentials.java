package dev.whisk.launcher.node;

import dev.whisk.core.entity.NamespaceLimits;
import dev.whisk.storage.SubjectStore;
import dev.whisk.storage.WriteResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * A namespace's {@code uuid:key} credential as the user holds it. The store keeps only a hash of the key; the clear
 * credential lives in {@code <data>/credentials/<namespace>} (mode 600) so that restarts print the same one.
 */
public record Credentials(String namespace, String uuid, String key)
{
    private static final String KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final int KEY_LENGTH = 64;

    String auth()
    {
        return uuid + ":" + key;
    }

    /** Reads the namespace's credential, or creates subject, namespace and credential on first start. */
    static Credentials ensure(final Path dataDir, final SubjectStore subjects, final String namespace,
        final NamespaceLimits limits) throws IOException
    {
        final Path file = dataDir.resolve("credentials").resolve(namespace);
        Credentials c = null;
        if (Files.exists(file))
        {
            final String text = Files.readString(file, StandardCharsets.UTF_8).trim();
            final int colon = text.indexOf(':');
            if (colon > 0)
            {
                c = new Credentials(namespace, text.substring(0, colon), text.substring(colon + 1));
            }
        }
        if (c == null)
        {
            c = new Credentials(namespace, UUID.randomUUID().toString(), randomKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, c.auth() + "\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        if (!subjects.hasNamespace(namespace))
        {
            try
            {
                final WriteResult r = subjects.create(namespace, namespace, c.uuid(), c.key(), limits).get();
                if (r != WriteResult.OK)
                {
                    throw new IllegalStateException("could not create namespace " + namespace + ": " + r);
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating namespace " + namespace, ex);
            }
            catch (final ExecutionException ex)
            {
                throw new IllegalStateException("could not create namespace " + namespace, ex.getCause());
            }
        }
        return c;
    }

    public static String randomKey()
    {
        final SecureRandom random = new SecureRandom();
        final StringBuilder sb = new StringBuilder(KEY_LENGTH);
        for (int i = 0; i < KEY_LENGTH; i++)
        {
            sb.append(KEY_ALPHABET.charAt(random.nextInt(KEY_ALPHABET.length())));
        }
        return sb.toString();
    }

    /** Writes a wsk-style properties file: APIHOST, AUTH and NAMESPACE lines. */
    void writeWskProps(final Path file, final String apiHost) throws IOException
    {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, "APIHOST=" + apiHost + "\nAUTH=" + auth() + "\nNAMESPACE=" + namespace + "\n",
            StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
}
