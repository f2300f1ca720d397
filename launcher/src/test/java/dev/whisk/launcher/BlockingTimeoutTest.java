package dev.whisk.launcher;

import dev.whisk.frontdoor.rest.BlockingTimeout;
import dev.whisk.launcher.node.Standalone;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The platform set to answer a blocking call that outlives its wait as Adobe I/O Runtime does, 504 with the
 * activation id, instead of OpenWhisk's 202 (the default, covered by {@code PlatformEndToEndTest}); the record still
 * arrives. A value other than 202 or 504 fails the start.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@NeedsDocker
class BlockingTimeoutTest
{
    @Test
    void set504ABlockingCallWhoseWaitRunsOutGets504AndTheRecordStillArrives(@TempDir final Path dataDir)
        throws Exception
    {
        final Standalone platform;
        System.setProperty(BlockingTimeout.PROPERTY, "504");
        try
        {
            platform = TestPlatform.start(dataDir);
        }
        finally
        {
            System.clearProperty(BlockingTimeout.PROPERTY);
        }
        try
        {
            final Api api = new Api(platform.apiHost(), platform.guestAuth());
            api.putAction("slow", "function main() { return new Promise(r => setTimeout(() => r({ done: true })," +
                " 1500)); }", null);
            final Api.Reply r = api.post("/namespaces/_/actions/slow?blocking=true&timeout=200", "{}");
            assertThat(r.status()).as(r.body()).isEqualTo(504);
            final String id = r.json().path("activationId").asText();
            assertThat(id).hasSize(32);
            assertThat(r.json().path("error").asText()).contains(id);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> api.get("/namespaces/_/activations/" + id).status() == 200);
            final Api.Reply inTime = api.post("/namespaces/_/actions/slow?blocking=true&timeout=30000", "{}");
            assertThat(inTime.status()).as(inTime.body()).isEqualTo(200);
        }
        finally
        {
            platform.close();
        }
    }

    @Test
    void anotherValueFailsTheStart()
    {
        System.setProperty(BlockingTimeout.PROPERTY, "500");
        try
        {
            assertThatThrownBy(BlockingTimeout::platformStatus).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("202 or 504");
        }
        finally
        {
            System.clearProperty(BlockingTimeout.PROPERTY);
        }
    }
}
