package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.launcher.node.Standalone;
import org.junit.jupiter.api.AfterAll;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A trigger PUT with {@code feedParameters} has the platform run the feed's lifecycle (CREATE, UPDATE, DELETE) with
 * the arguments wsk would pass, against a user feed action written the way OpenWhisk's are; a wsk-style PUT (feed
 * annotation, no {@code feedParameters}) leaves the lifecycle to the client, as before.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@NeedsDocker
class FeedLifecycleTest
{
    /** A feed action as OpenWhisk's are written: it switches on lifecycleEvent and rejects what it cannot do. */
    private static final String FEED = String.join("\n",
        "function main(params) {",
        "  const event = params.lifecycleEvent;",
        "  console.log('feed ' + event + ' ' + params.triggerName);",
        "  if (!params.triggerName || !params.authKey) {",
        "    return Promise.reject({ error: 'triggerName and authKey are required' });",
        "  }",
        "  if (event === 'CREATE' && params.calendar === 'none') {",
        "    return Promise.reject({ error: 'no such calendar: ' + params.calendar });",
        "  }",
        "  if (event === 'DELETE' && params.triggerName.endsWith('/stubborn')) {",
        "    return Promise.reject({ error: 'provider unreachable' });",
        "  }",
        "  if (['CREATE', 'READ', 'UPDATE', 'DELETE'].indexOf(event) < 0) {",
        "    return Promise.reject({ error: 'unsupported lifecycleEvent' });",
        "  }",
        "  return { event: event, triggerName: params.triggerName, authKey: params.authKey,",
        "    calendar: params.calendar || null };",
        "}");

    @RegisterExtension
    static final TestPlatform platform = TestPlatform.standalone();
    static final Api api = platform.guest();
    static String namespace;

    @BeforeAll
    static void start() throws Exception
    {
        namespace = api.get("/namespaces").json().get(0).asText();
        assertThat(api.putAction("calendarFeed", FEED, "\"annotations\":[{\"key\":\"feed\",\"value\":true}]")
            .status()).isEqualTo(200);
    }

    @Test
    void thePlatformRunsCreateUpdateAndDeleteWithTheArgumentsWskWouldPass() throws Exception
    {
        final Api.Reply created = api.put("/namespaces/_/triggers/meetings", "{" + feedAnnotation("calendarFeed") +
            ",\"parameters\":[{\"key\":\"room\",\"value\":\"blue\"}]" +
            ",\"feedParameters\":[{\"key\":\"calendar\",\"value\":\"team\"}]}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.json().path("parameters").get(0).path("key").asText())
            .as("the trigger keeps its own parameters, the feed's go to the feed").isEqualTo("room");
        assertFeedSaw(created.json().path("feedActivationId").asText(), "CREATE", "team");
        assertThat(api.get("/namespaces/_/triggers/meetings").status()).isEqualTo(200);

        final Api.Reply updated = api.put("/namespaces/_/triggers/meetings?overwrite=true", "{" +
            feedAnnotation("calendarFeed") + ",\"feedParameters\":[{\"key\":\"calendar\",\"value\":\"company\"}]}");
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertFeedSaw(updated.json().path("feedActivationId").asText(), "UPDATE", "company");

        final Api.Reply deleted = api.delete("/namespaces/_/triggers/meetings");
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(deleted.json().has("feedError")).isFalse();
        assertFeedSaw(deleted.json().path("feedActivationId").asText(), "DELETE", null);
        assertThat(api.get("/namespaces/_/triggers/meetings").status()).isEqualTo(404);
    }

    @Test
    void aFailingCreateLeavesNoTriggerAndAnswersWithTheFeedActivationAndItsError() throws Exception
    {
        final Api.Reply refused = api.put("/namespaces/_/triggers/nowhere", "{" + feedAnnotation("calendarFeed") +
            ",\"feedParameters\":[{\"key\":\"calendar\",\"value\":\"none\"}]}");
        assertThat(refused.status()).as("as a blocking invoke of a failing action answers").isEqualTo(502);
        assertThat(refused.json().path("error").asText()).contains("CREATE").contains("no such calendar: none");
        final String feedId = refused.json().path("activationId").asText();
        assertThat(feedId).hasSize(32);
        assertThat(refused.activationIdHeader()).isEqualTo(feedId);
        assertThat(refused.json().path("code").asText()).isNotEmpty();
        assertThat(api.get("/namespaces/_/triggers/nowhere").status()).as("the trigger is not kept").isEqualTo(404);
        assertThat(record(feedId).path("response").path("success").asBoolean()).isFalse();
    }

    @Test
    void aFailingDeleteIsReportedButDoesNotKeepTheTrigger() throws Exception
    {
        assertThat(api.put("/namespaces/_/triggers/stubborn", "{" + feedAnnotation("calendarFeed") +
            ",\"feedParameters\":[]}").status()).isEqualTo(200);
        final Api.Reply deleted = api.delete("/namespaces/_/triggers/stubborn");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().path("feedError").asText()).isEqualTo("provider unreachable");
        assertThat(api.get("/namespaces/_/triggers/stubborn").status()).isEqualTo(404);
    }

    @Test
    void aWskStyleTriggerLeavesTheFeedLifecycleToTheClient() throws Exception
    {
        assertThat(api.putAction("quietFeed", FEED, "\"annotations\":[{\"key\":\"feed\",\"value\":true}]")
            .status()).isEqualTo(200);
        // what wsk PUTs for `trigger create T --feed F --trigger-param k v`: the feed annotation and the trigger's
        // own parameters; the client then invokes the feed itself
        final Api.Reply created = api.put("/namespaces/_/triggers/manual", "{" + feedAnnotation("quietFeed") +
            ",\"parameters\":[{\"key\":\"room\",\"value\":\"red\"}]}");
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.json().has("feedActivationId")).isFalse();
        final Api.Reply deleted = api.delete("/namespaces/_/triggers/manual");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().has("feedActivationId")).isFalse();

        // one run of our own, recorded after any the server might have started, closes the window
        final Api.Reply marker = api.post("/namespaces/_/actions/quietFeed?blocking=true",
            "{\"lifecycleEvent\":\"READ\",\"triggerName\":\"/" + namespace + "/manual\",\"authKey\":\"k\"}");
        assertThat(marker.status()).isEqualTo(200);
        record(marker.json().path("activationId").asText());
        final Api.Reply count = api.get("/namespaces/_/activations?count=true&name=quietFeed");
        assertThat(count.json().path("activations").asInt()).as("only our own run of the feed").isEqualTo(1);
    }

    @Test
    void thePlatformsOwnAlarmsFeedIsDrivenTheSameWay() throws Exception
    {
        final String alarm = "\"annotations\":[{\"key\":\"feed\",\"value\":\"/whisk.system/alarms/alarm\"}]";
        final Api.Reply bad = api.put("/namespaces/_/triggers/badCron", "{" + alarm +
            ",\"feedParameters\":[{\"key\":\"cron\",\"value\":\"not a cron\"}]}");
        assertThat(bad.status()).isEqualTo(502);
        assertThat(bad.json().path("error").asText()).contains("cron");
        assertThat(api.get("/namespaces/_/triggers/badCron").status()).isEqualTo(404);

        final Api.Reply created = api.put("/namespaces/_/triggers/hourly", "{" + alarm +
            ",\"feedParameters\":[{\"key\":\"cron\",\"value\":\"0 * * * *\"}]}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        final String readCall = "/namespaces/whisk.system/actions/alarms/alarm?blocking=true";
        final String read = "{\"lifecycleEvent\":\"READ\",\"triggerName\":\"/" + namespace + "/hourly\"," +
            "\"authKey\":\"" + platform.guestAuth() + "\"}";
        assertThat(api.post(readCall, read).json().path("response").path("result").path("config").path("cron")
            .asText()).isEqualTo("0 * * * *");
        assertThat(api.delete("/namespaces/_/triggers/hourly").status()).isEqualTo(200);
        assertThat(api.post(readCall, read).status()).as("DELETE removed the alarm").isEqualTo(502);
    }

    @Test
    void feedParametersWithoutAFeedAnnotationAreRefusedAndStoreNothing() throws Exception
    {
        final Api.Reply refused = api.put("/namespaces/_/triggers/orphan", "{\"feedParameters\":[]}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("error").asText()).contains("'feed' annotation");
        assertThat(api.get("/namespaces/_/triggers/orphan").status()).isEqualTo(404);
    }

    private static String feedAnnotation(final String action)
    {
        return "\"annotations\":[{\"key\":\"feed\",\"value\":\"/" + namespace + "/" + action + "\"}]";
    }

    private static void assertFeedSaw(final String feedActivationId, final String event, final String calendar)
        throws Exception
    {
        assertThat(feedActivationId).hasSize(32);
        final JsonNode result = record(feedActivationId).path("response").path("result");
        assertThat(result.path("event").asText()).isEqualTo(event);
        assertThat(result.path("triggerName").asText()).isEqualTo("/" + namespace + "/meetings");
        assertThat(result.path("authKey").asText()).isEqualTo(platform.guestAuth());
        if (calendar != null)
        {
            assertThat(result.path("calendar").asText()).isEqualTo(calendar);
        }
    }

    private static JsonNode record(final String activationId) throws Exception
    {
        final AtomicReference<Api.Reply> stored = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
        {
            stored.set(api.get("/namespaces/_/activations/" + activationId));
            return stored.get().status() == 200;
        });
        return stored.get().json();
    }
}
