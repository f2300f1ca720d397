package dev.whisk.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What the crash, kill and at-rest tests check: records that exist after a process died, runs counted from log
 * lines, secrets searched for in files.
 */
final class CrashChecks
{
    private CrashChecks()
    {
    }

    /** The activation ids of {@code ids} that have no record yet. */
    static List<String> missingRecords(final Api api, final List<String> ids) throws IOException, InterruptedException
    {
        final List<String> missing = new ArrayList<>();
        for (final String id : ids)
        {
            if (api.get("/namespaces/_/activations/" + id).status() != 200)
            {
                missing.add(id);
            }
        }
        return missing;
    }

    /**
     * The activation ids the namespace's list shows for action {@code name}, newest first, page by page: what a
     * user listing the activations sees, found by the store's namespace index rather than by id.
     */
    static List<String> listedIds(final Api api, final String name) throws IOException, InterruptedException
    {
        final List<String> ids = new ArrayList<>();
        for (int skip = 0; ; skip += 200)
        {
            final Api.Reply page = api.get("/namespaces/_/activations?name=" + name + "&limit=200&skip=" + skip);
            if (page.status() != 200)
            {
                throw new IOException("listing activations answered " + page.status() + ": " + page.body());
            }
            for (final com.fasterxml.jackson.databind.JsonNode a : page.json())
            {
                ids.add(a.path("activationId").asText());
            }
            if (page.json().size() < 200)
            {
                return ids;
            }
        }
    }

    /** The last 6,000 characters of a child process's log, for a failure message. */
    static String tail(final Path log) throws IOException
    {
        final String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
        return text.length() > 6000 ? text.substring(text.length() - 6000) : text;
    }

    /** How often {@code needle} occurs in {@code text}: how many times an action logged a given run. */
    static int occurrences(final String text, final String needle)
    {
        int n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1))
        {
            n++;
        }
        return n;
    }

    /** Whether a platform answers its API on 127.0.0.1:{@code port}. */
    static boolean isUp(final int port)
    {
        try
        {
            return new Api("http://127.0.0.1:" + port, null).get("").status() == 200;
        }
        catch (final IOException ex)
        {
            return false;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether {@code haystack} holds the UTF-8 bytes of {@code needle}. */
    static boolean contains(final byte[] haystack, final String needle)
    {
        final byte[] n = needle.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++)
        {
            for (int j = 0; j < n.length; j++)
            {
                if (haystack[i + j] != n[j])
                {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** The SHA-256 of {@code s}'s UTF-8 bytes, in hex. */
    static String sha256(final String s) throws Exception
    {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
            .digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
