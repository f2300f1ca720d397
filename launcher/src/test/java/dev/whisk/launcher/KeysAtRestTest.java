package dev.whisk.launcher;

import dev.whisk.launcher.node.Standalone;
import dev.whisk.testkit.Http;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.whisk.launcher.CrashChecks.contains;
import static dev.whisk.launcher.CrashChecks.sha256;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * No key reaches a plain file: a run handed its key ({@code provide-api-key}), a feed run handed {@code authKey}
 * and a webhook secret all work, and afterwards no file under the data directory (journal, stores, activation
 * segments) holds the key or the secret; the directory and everything in it is the platform user's alone. The
 * actions report a SHA-256 of what they were handed, so the records themselves hold no key either.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@NeedsDocker
class KeysAtRestTest
{
    private static final String HASH_OF = """
        const crypto = require('crypto');
        const hash = (s) => s ? crypto.createHash('sha256').update(s).digest('hex') : 'none';
        """;

    @TempDir
    Path dataDir;

    @Test
    void keysHandedToRunsAndWebhookSecretsAreInNoFileOfTheDataDirectory() throws Exception
    {
        TestPlatform.requireDockerAndImage();
        final String bobAuth = ApiEndToEndTest.admin("user", "create", "bob", "--data-dir", dataDir.toString());
        final String secret;
        try (Standalone platform = TestPlatform.start(dataDir))
        {
            final Api bob = new Api(platform.apiHost(), bobAuth);
            assertThat(bob.putAction("keyed",
                HASH_OF + "function main() { return { key: hash(process.env.__OW_API_KEY) }; }",
                "\"annotations\":[{\"key\":\"provide-api-key\",\"value\":true}]").status()).isEqualTo(200);
            final Api.Reply keyed = bob.post("/namespaces/_/actions/keyed?blocking=true&result=true", "{}");
            assertThat(keyed.status()).as(keyed.body()).isEqualTo(200);
            assertThat(keyed.json().path("key").asText()).isEqualTo(sha256(bobAuth));

            assertThat(bob.putAction("feed", HASH_OF +
                "function main(p) { return { key: hash(p.authKey), event: p.lifecycleEvent, c: p.c }; }", null)
                .status()).isEqualTo(200);
            final Api.Reply created = bob.put("/namespaces/_/triggers/fed",
                "{\"annotations\":[{\"key\":\"feed\",\"value\":\"/bob/feed\"}]," +
                    "\"feedParameters\":[{\"key\":\"c\",\"value\":\"x\"},{\"key\":\"authKey\",\"value\":\"forged\"}]}");
            assertThat(created.status()).as(created.body()).isEqualTo(200);
            final Api.Reply feedRun = bob.get("/namespaces/_/activations/" +
                created.json().path("feedActivationId").asText());
            assertThat(feedRun.status()).isEqualTo(200);
            assertThat(feedRun.json().path("response").path("result").path("key").asText())
                .as("the feed gets the owner's key, over any authKey among its parameters").isEqualTo(sha256(bobAuth));
            assertThat(feedRun.json().path("response").path("result").path("event").asText()).isEqualTo("CREATE");
            assertThat(feedRun.json().path("response").path("result").path("c").asText()).isEqualTo("x");

            assertThat(bob.put("/namespaces/_/triggers/hooked", "{}").status()).isEqualTo(200);
            final Api.Reply hook = bob.put("/namespaces/_/triggers/hooked/webhook", "");
            assertThat(hook.status()).isEqualTo(200);
            secret = hook.json().path("secret").asText();
            final HttpResponse<String> fired = Http.client().send(HttpRequest.newBuilder(
                    URI.create(platform.apiHost() + hook.json().path("path").asText()))
                .header("Content-Type", "application/json").header("X-Webhook-Token", secret)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(fired.statusCode()).as("the stored secret still proves: " + fired.body()).isIn(202, 204);
        }

        final String key = bobAuth.substring(bobAuth.indexOf(':') + 1);
        final List<Path> holding = new ArrayList<>();
        final List<Path> open = new ArrayList<>();
        try (Stream<Path> all = Files.walk(dataDir))
        {
            for (final Path p : (Iterable<Path>)all::iterator)
            {
                final String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                if (!perms.equals(Files.isDirectory(p) ? "rwx------" : "rw-------"))
                {
                    open.add(p);
                }
                if (Files.isRegularFile(p) && (contains(Files.readAllBytes(p), key) ||
                    contains(Files.readAllBytes(p), secret)))
                {
                    holding.add(p);
                }
            }
        }
        assertThat(holding).as("files holding bob's key or the webhook secret").isEmpty();
        assertThat(open).as("paths others could read").isEmpty();
    }
}
