package dev.whisk.launcher;

import dev.whisk.testkit.ChildJvm;
import dev.whisk.testkit.Http;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.whisk.launcher.CrashChecks.contains;
import static dev.whisk.launcher.CrashChecks.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Secrets at rest, on a real standalone process: its sealing key lives outside the data directory (a key an older
 * version left in the data directory is moved out once), and after a webhook, a feed created with
 * {@code feedParameters} that carry an {@code authKey}, a feed lifecycle run wsk's way (the client sends its key as
 * {@code authKey}) and a run handed its key, neither the data directory nor the platform's log output holds the key
 * or the webhook secret. The secret is in the data directory in sealed form: were sealing off, the search would find
 * it. Restarted on the same data and key file, the sealed secret still proves a webhook.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@NeedsDocker
class SecretsAtRestTest
{
    private static final String HASH_OF = "const crypto = require('crypto');" +
        " const hash = (s) => s ? crypto.createHash('sha256').update(s).digest('hex') : 'none';";

    @TempDir
    Path dir;
    private final String label = "secrets-" + ProcessHandle.current().pid();
    @RegisterExtension
    final ChildJvm.Processes processes = ChildJvm.processes(() -> TestPlatform.removeContainersOf(label));

    @Test
    void noKeyOrSecretIsInTheDataDirectoryOrTheLogsAndTheSealKeyLivesOutside() throws Exception
    {
        TestPlatform.requireDockerAndImage();
        final Path data = dir.resolve("data");
        final Path keyFile = dir.resolve("keys").resolve("seal.key");
        Files.createDirectories(data);
        final byte[] legacyKey = new byte[32];
        new SecureRandom().nextBytes(legacyKey);
        Files.write(data.resolve("seal.key"), legacyKey);
        Files.setPosixFilePermissions(data.resolve("seal.key"), PosixFilePermissions.fromString("rw-------"));
        final String bobAuth = ApiEndToEndTest.admin("user", "create", "bob", "--data-dir", data.toString());
        final String key = bobAuth.substring(bobAuth.indexOf(':') + 1);

        final Path log1 = dir.resolve("platform-1.log");
        int port = start(data, keyFile, log1);
        assertThat(Files.exists(data.resolve("seal.key"))).as("the old key left the data directory").isFalse();
        assertThat(Files.readAllBytes(keyFile)).as("moved, not replaced").isEqualTo(legacyKey);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");

        Api bob = new Api("http://127.0.0.1:" + port, bobAuth);
        assertThat(bob.putAction("feed", HASH_OF +
            " function main(p) { return { key: hash(p.authKey), event: p.lifecycleEvent }; }", null).status())
            .isEqualTo(200);
        final Api.Reply created = bob.put("/namespaces/_/triggers/fed",
            "{\"annotations\":[{\"key\":\"feed\",\"value\":\"/bob/feed\"}]," +
                "\"feedParameters\":[{\"key\":\"authKey\",\"value\":\"" + bobAuth + "\"}]}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        final Api.Reply wskStyle = bob.post("/namespaces/_/actions/feed?blocking=true",
            "{\"lifecycleEvent\":\"CREATE\",\"triggerName\":\"/bob/fed\",\"authKey\":\"" + bobAuth + "\"}");
        assertThat(wskStyle.status()).as(wskStyle.body()).isEqualTo(200);
        assertThat(wskStyle.json().path("response").path("result").path("key").asText())
            .as("the feed still gets the key wsk sent").isEqualTo(sha256(bobAuth));
        assertThat(bob.putAction("keyed", HASH_OF +
            " function main() { return { key: hash(process.env.__OW_API_KEY) }; }",
            "\"annotations\":[{\"key\":\"provide-api-key\",\"value\":true}]").status()).isEqualTo(200);
        assertThat(bob.post("/namespaces/_/actions/keyed?blocking=true", "{}").status()).isEqualTo(200);

        assertThat(bob.put("/namespaces/_/triggers/hooked", "{}").status()).isEqualTo(200);
        final Api.Reply hook = bob.put("/namespaces/_/triggers/hooked/webhook", "");
        final String secret = hook.json().path("secret").asText();
        final String hookPath = hook.json().path("path").asText();
        assertThat(fire(port, hookPath, secret)).isIn(202, 204);
        stopAll();

        final Path log2 = dir.resolve("platform-2.log");
        port = start(data, keyFile, log2);
        assertThat(fire(port, hookPath, secret)).as("the sealed secret opens after a restart").isIn(202, 204);
        stopAll();

        final List<Path> holding = new ArrayList<>();
        boolean anySealed = false;
        try (Stream<Path> all = Files.walk(data))
        {
            for (final Path p : (Iterable<Path>)all::iterator)
            {
                if (!Files.isRegularFile(p))
                {
                    continue;
                }
                final byte[] bytes = Files.readAllBytes(p);
                if (contains(bytes, key) || contains(bytes, secret))
                {
                    holding.add(p);
                }
                anySealed |= contains(bytes, "sealed:v1:");
            }
        }
        assertThat(holding).as("files of the data directory holding bob's key or the webhook secret").isEmpty();
        assertThat(anySealed).as("the secret is stored, sealed: with sealing off the search above finds it")
            .isTrue();
        for (final Path log : List.of(log1, log2))
        {
            final byte[] out = Files.readAllBytes(log);
            assertThat(out.length).as("the platform logged").isGreaterThan(0);
            assertThat(contains(out, key)).as("bob's key in " + log).isFalse();
            assertThat(contains(out, secret)).as("the secret in " + log).isFalse();
        }
    }

    private int start(final Path data, final Path keyFile, final Path log) throws Exception
    {
        final int port = ChildJvm.freeTcpPort();
        processes.add(ChildJvm.whisk(List.of("standalone", "--port", Integer.toString(port), "--data-dir",
            data.toString(), "--seal-key-file", keyFile.toString(), "--invoker-label", label, "--no-demo"),
            log.toFile()));
        await().atMost(Duration.ofSeconds(90)).until(() -> CrashChecks.isUp(port) &&
            Files.exists(data.resolve("credentials").resolve("guest")));
        return port;
    }

    private void stopAll() throws InterruptedException
    {
        ChildJvm.stopAll(processes);
        processes.clear();
    }

    private static int fire(final int port, final String path, final String secret) throws Exception
    {
        return Http.client().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").header("X-Webhook-Token", secret)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString())
            .statusCode();
    }
}
