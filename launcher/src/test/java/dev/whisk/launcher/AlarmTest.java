package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * A trigger with the {@code /whisk.system/alarms/alarm} feed, created the way {@code wsk trigger create --feed} does
 * (the trigger, then the feed action with {@code lifecycleEvent: CREATE}), fires its rule's action on schedule,
 * keeps firing after a restart, and stops once the feed is told {@code DELETE}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@NeedsDocker
class AlarmTest
{
    @TempDir
    Path dataDir;

    private static int runsOf(final Api api, final String action) throws Exception
    {
        return api.get("/namespaces/_/activations?count=true&name=" + action).json().path("activations").asInt();
    }

    @Test
    void anAlarmFiresItsTriggersRuleOnScheduleAcrossARestartUntilDeleted() throws Exception
    {
        final String feedCall = "/namespaces/whisk.system/actions/alarms/alarm?blocking=true";
        try (Standalone platform = TestPlatform.start(dataDir))
        {
            final Api api = new Api(platform.apiHost(), platform.guestAuth());
            assertThat(api.putAction("tick", "function main(p) { return { got: p.payload }; }", null).status())
                .isEqualTo(200);
            assertThat(api.put("/namespaces/_/triggers/every2s",
                "{\"annotations\":[{\"key\":\"feed\",\"value\":\"/whisk.system/alarms/alarm\"}]}").status())
                .isEqualTo(200);
            assertThat(api.put("/namespaces/_/rules/ticking", "{\"trigger\":\"/_/every2s\",\"action\":\"/_/tick\"}")
                .status()).isEqualTo(200);
            final Api.Reply created = api.post(feedCall, "{\"lifecycleEvent\":\"CREATE\"," +
                "\"triggerName\":\"/guest/every2s\",\"cron\":\"*/2 * * * * *\",\"trigger_payload\":\"beat\"}");
            assertThat(created.status()).as(created.body()).isEqualTo(200);

            final Api.Reply bad = api.post(feedCall, "{\"lifecycleEvent\":\"CREATE\"," +
                "\"triggerName\":\"/guest/every2s\",\"cron\":\"not a cron\"}");
            assertThat(bad.status()).isEqualTo(502);
            assertThat(bad.json().path("response").path("result").path("error").asText()).contains("cron");

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> runsOf(api, "tick") >= 2);
            final JsonNode last = api.get("/namespaces/_/activations?name=tick&limit=1&docs=true").json().get(0);
            assertThat(last.path("response").path("result").path("got").asText()).isEqualTo("beat");

            final Api.Reply read = api.post(feedCall, "{\"lifecycleEvent\":\"READ\",\"triggerName\":\"/guest/every2s\"}");
            assertThat(read.json().path("response").path("result").path("config").path("cron").asText())
                .isEqualTo("*/2 * * * * *");
        }
        try (Standalone again = TestPlatform.start(dataDir))
        {
            final Api api = new Api(again.apiHost(), again.guestAuth());
            final int before = runsOf(api, "tick");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> runsOf(api, "tick") >= before + 2);

            assertThat(api.post(feedCall, "{\"lifecycleEvent\":\"DELETE\",\"triggerName\":\"/guest/every2s\"}")
                .status()).isEqualTo(200);
            final Api.Reply gone = api.post(feedCall, "{\"lifecycleEvent\":\"READ\",\"triggerName\":\"/guest/every2s\"}");
            assertThat(gone.status()).as("no alarm after DELETE").isEqualTo(502);
        }
    }
}
