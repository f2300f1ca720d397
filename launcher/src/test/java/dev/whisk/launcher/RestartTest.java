package dev.whisk.launcher;

import dev.whisk.launcher.node.Standalone;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What a user stored is still there after the platform stops and starts again on the same data directory. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@NeedsDocker
class RestartTest
{
    @TempDir
    Path dataDir;

    @Test
    void actionsActivationsAndCredentialsSurviveARestart() throws Exception
    {
        final String auth;
        final String id;
        try (Standalone first = TestPlatform.start(dataDir))
        {
            auth = first.guestAuth();
            final Api api = new Api(first.apiHost(), auth);
            assertThat(api.putAction("persistent", "function main(p) { return { echo: p.x }; }", null).status())
                .isEqualTo(200);
            final Api.Reply r = api.post("/namespaces/_/actions/persistent?blocking=true", "{\"x\":42}");
            assertThat(r.status()).isEqualTo(200);
            id = r.activationIdHeader();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                api.get("/namespaces/_/activations/" + id).json().path("logs").isArray());
        }
        assertThat(TestPlatform.containersOf(TestPlatform.invokerLabel()))
            .as("an orderly stop removes the platform's containers").isZero();
        try (Standalone second = TestPlatform.start(dataDir))
        {
            assertThat(second.guestAuth()).as("the credential is kept").isEqualTo(auth);
            final Api api = new Api(second.apiHost(), auth);
            final Api.Reply action = api.get("/namespaces/_/actions/persistent");
            assertThat(action.status()).isEqualTo(200);
            assertThat(action.json().path("exec").path("code").asText()).contains("echo: p.x");
            final Api.Reply record = api.get("/namespaces/_/activations/" + id);
            assertThat(record.status()).isEqualTo(200);
            assertThat(record.json().path("response").path("result").path("echo").asInt()).isEqualTo(42);
            final Api.Reply again = api.post("/namespaces/_/actions/persistent?blocking=true&result=true",
                "{\"x\":43}");
            assertThat(again.json().path("echo").asInt()).isEqualTo(43);
        }
    }
}
