package dev.whisk.frontdoor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.core.entity.NamespaceLimits;
import dev.whisk.testkit.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Triggers and rules as entities through HTTP: CRUD, rule status kept in the trigger, validation. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TriggersAndRulesApiTest
{
    private static final String CODE = "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"function main(p){return p}\"}}";

    @RegisterExtension
    static final TestServer server = new TestServer();
    static final Http alice = server.alice();

    @Test
    void triggerIsCreatedUpdatedListedAndDeleted() throws Exception
    {
        final Http.Reply created = alice.put("/namespaces/_/triggers/t1",
            "{\"parameters\":[{\"key\":\"x\",\"value\":1}],\"annotations\":[{\"key\":\"feed\",\"value\":\"/f\"}]}");
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.json().path("limits").isObject()).isTrue();
        assertThat(created.json().has("rules")).isFalse();
        assertThat(alice.put("/namespaces/_/triggers/t1", "{}").status()).isEqualTo(409);

        final Http.Reply updated = alice.put("/namespaces/_/triggers/t1?overwrite=true", "{\"publish\":true}");
        assertThat(updated.json().path("version").asText()).isEqualTo("0.0.2");
        assertThat(updated.json().path("parameters").get(0).path("value").asInt()).isEqualTo(1);

        final JsonNode list = alice.get("/namespaces/_/triggers?limit=0").json();
        assertThat(list.get(0).path("name").asText()).isEqualTo("t1");
        assertThat(list.get(0).has("parameters")).isFalse();
        assertThat(alice.get("/namespaces/_/triggers?count=true").json().path("triggers").asInt())
            .isEqualTo(list.size());

        assertThat(alice.delete("/namespaces/_/triggers/t1").json().path("name").asText()).isEqualTo("t1");
        assertThat(alice.get("/namespaces/_/triggers/t1").status()).isEqualTo(404);
    }

    @Test
    void newRuleIsActiveItsStatusLivesInTheTriggerAndCanBeToggled() throws Exception
    {
        alice.put("/namespaces/_/triggers/t2", "{}");
        alice.put("/namespaces/_/actions/a2", CODE);

        final Http.Reply rule = alice.put("/namespaces/_/rules/r2", "{\"trigger\":\"/_/t2\",\"action\":\"/_/a2\"}");
        assertThat(rule.status()).isEqualTo(200);
        assertThat(rule.json().path("status").asText()).isEqualTo("active");
        assertThat(rule.json().path("trigger").path("path").asText()).isEqualTo("alice");
        assertThat(rule.json().path("trigger").path("name").asText()).isEqualTo("t2");
        assertThat(rule.json().path("action").path("name").asText()).isEqualTo("a2");

        final JsonNode trigger = alice.get("/namespaces/_/triggers/t2").json();
        assertThat(trigger.path("rules").path("alice/r2").path("status").asText()).isEqualTo("active");
        assertThat(trigger.path("rules").path("alice/r2").path("action").path("name").asText()).isEqualTo("a2");

        assertThat(alice.post("/namespaces/_/rules/r2", "{\"status\":\"inactive\"}").status()).isEqualTo(200);
        assertThat(alice.get("/namespaces/_/rules/r2").json().path("status").asText()).isEqualTo("inactive");
        assertThat(alice.post("/namespaces/_/rules/r2", "{\"status\":\"inactive\"}").status()).isEqualTo(200);
        assertThat(alice.post("/namespaces/_/rules/r2", "{\"status\":\"active\"}").status()).isEqualTo(200);
        assertThat(alice.get("/namespaces/_/rules/r2").json().path("status").asText()).isEqualTo("active");

        final JsonNode list = alice.get("/namespaces/_/rules").json();
        assertThat(list.get(0).path("name").asText()).isEqualTo("r2");
        assertThat(list.get(0).has("status")).isFalse();

        final Http.Reply trigUpdate = alice.put("/namespaces/_/triggers/t2?overwrite=true", "{\"publish\":false}");
        assertThat(trigUpdate.json().path("rules").has("alice/r2")).isTrue();

        assertThat(alice.delete("/namespaces/_/rules/r2").status()).isEqualTo(200);
        assertThat(alice.get("/namespaces/_/rules/r2").status()).isEqualTo(404);
        assertThat(alice.get("/namespaces/_/triggers/t2").json().has("rules")).isFalse();
    }

    @Test
    void fireWithoutAnActiveRuleAnswers204WithNoBody() throws Exception
    {
        alice.put("/namespaces/_/triggers/quiet", "{}");
        final Http.Reply fired = alice.post("/namespaces/_/triggers/quiet", "{\"a\":1}");
        assertThat(fired.status()).isEqualTo(204);
        assertThat(fired.body()).isEmpty();
        assertThat(alice.post("/namespaces/_/triggers/absent", "{}").status()).isEqualTo(404);
    }

    @Test
    void firesOverTheNamespaceFiresPerMinuteAre429() throws Exception
    {
        final Http few = server.newNamespace("fewfires", new NamespaceLimits(60, 30, 2));
        few.put("/namespaces/_/triggers/t", "{}");
        Http.Reply refused = null;
        int accepted = 0;
        for (int i = 0; i < 6 && refused == null; i++)
        {
            final Http.Reply r = few.post("/namespaces/_/triggers/t", "{}");
            if (r.status() == 429)
            {
                refused = r;
            }
            else
            {
                assertThat(r.status()).isEqualTo(204);
                accepted++;
            }
        }
        assertThat(refused).as("a 429 within 6 fires at 2 per minute").isNotNull();
        assertThat(accepted).isGreaterThanOrEqualTo(2);
        assertThat(refused.error()).isEqualTo("Too many requests in the last minute (count: 2, allowed: 2).");
    }

    @Test
    void rulesNeedAnExistingTriggerAndActionAndAValidStatus() throws Exception
    {
        alice.put("/namespaces/_/triggers/t3", "{}");
        alice.put("/namespaces/_/actions/a3", CODE);

        final Http.Reply noTrigger = alice.put("/namespaces/_/rules/bad1", "{\"trigger\":\"/_/nothere\"," +
            "\"action\":\"/_/a3\"}");
        assertThat(noTrigger.status()).isEqualTo(400);
        assertThat(noTrigger.error()).isEqualTo("rule requires a valid trigger and a valid action");
        assertThat(alice.put("/namespaces/_/rules/bad2", "{\"trigger\":\"/_/t3\",\"action\":\"/_/nothere\"}")
            .status()).isEqualTo(400);
        assertThat(alice.put("/namespaces/_/rules/bad3", "{\"trigger\":\"/_/t3\"}").status()).isEqualTo(400);
        assertThat(alice.put("/namespaces/_/rules/bad4", "{\"trigger\":7,\"action\":\"/_/a3\"}").status())
            .isEqualTo(400);
        for (final String name : new String[]{"bad1", "bad2", "bad3", "bad4"})
        {
            assertThat(alice.get("/namespaces/_/rules/" + name).status()).isEqualTo(404);
        }
        assertThat(alice.get("/namespaces/_/triggers/t3").json().has("rules")).isFalse();

        final Http.Reply objectForm = alice.put("/namespaces/_/rules/r3",
            "{\"trigger\":{\"path\":\"alice\",\"name\":\"t3\"},\"action\":{\"path\":\"_\",\"name\":\"a3\"}}");
        assertThat(objectForm.status()).isEqualTo(200);
        final Http.Reply badStatus = alice.post("/namespaces/_/rules/r3", "{\"status\":\"sleeping\"}");
        assertThat(badStatus.status()).isEqualTo(400);
        assertThat(alice.get("/namespaces/_/rules/r3").json().path("status").asText()).isEqualTo("active");

        alice.delete("/namespaces/_/triggers/t3");
        final Http.Reply orphan = alice.post("/namespaces/_/rules/r3", "{\"status\":\"active\"}");
        assertThat(orphan.status()).isEqualTo(404);
        assertThat(orphan.error()).isEqualTo("Only rules with existing triggers can be activated");
    }

    @Test
    void everyEntityKindSharesOneIdSpacePerNamespace() throws Exception
    {
        alice.put("/namespaces/_/actions/same", CODE);
        final Http.Reply trigger = alice.put("/namespaces/_/triggers/same", "{}");
        assertThat(trigger.status()).isEqualTo(409);
        assertThat(trigger.error()).isEqualTo("Resource by this name exists but is not in this collection.");
        assertThat(alice.put("/namespaces/_/packages/same", "{}").status()).isEqualTo(409);
        assertThat(alice.get("/namespaces/_/rules/same").status()).isEqualTo(409);
        assertThat(alice.get("/namespaces/_/triggers/same").status()).isEqualTo(409);
        assertThat(alice.get("/namespaces/_/actions/same").status()).isEqualTo(200);
    }
}
