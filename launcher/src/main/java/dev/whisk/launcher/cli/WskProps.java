package dev.whisk.launcher.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The {@code APIHOST} and {@code AUTH} a client command talks with, read from a wsk properties file: the
 * {@code --props} file, else {@code WSK_CONFIG_FILE}, else {@code ~/.wskprops}; {@code --apihost} and {@code --auth}
 * override the file.
 */
record WskProps(String apiHost, String auth, Path source)
{
    static WskProps load(final Path explicit, final String apiHostOverride, final String authOverride)
        throws IOException
    {
        final String env = System.getenv("WSK_CONFIG_FILE");
        final Path file = explicit != null ? explicit :
            env != null && !env.isEmpty() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".wskprops");
        final Properties p = new Properties();
        if (Files.exists(file))
        {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8))
            {
                p.load(r);
            }
        }
        else if (explicit != null)
        {
            throw new IOException("properties file " + file + " does not exist");
        }
        String apiHost = apiHostOverride != null ? apiHostOverride : p.getProperty("APIHOST");
        final String auth = authOverride != null ? authOverride : p.getProperty("AUTH");
        if (apiHost == null || apiHost.isBlank())
        {
            throw new IOException("no APIHOST: set it in " + file + " or pass --apihost");
        }
        if (auth == null || auth.isBlank())
        {
            throw new IOException("no AUTH: set it in " + file + " or pass --auth");
        }
        apiHost = apiHost.trim();
        if (!apiHost.startsWith("http://") && !apiHost.startsWith("https://"))
        {
            apiHost = "https://" + apiHost;
        }
        return new WskProps(apiHost.endsWith("/") ? apiHost.substring(0, apiHost.length() - 1) : apiHost,
            auth.trim(), file);
    }
}
