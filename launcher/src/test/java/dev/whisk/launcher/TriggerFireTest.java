package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.launcher.node.Standalone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Firing a trigger runs the actions of its active rules, with the trigger's parameters under the event's. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@NeedsDocker
class TriggerFireTest
{
    @RegisterExtension
    static final TestPlatform platform = TestPlatform.standalone();
    static final Api api = platform.guest();

    @Test
    void aFireRunsTheActiveRulesActionAndRecordsEachRulesOutcome() throws Exception
    {
        assertThat(api.putAction("greeter", "function main(p) { return { said: p.greeting + ', ' + p.name }; }",
            null).status()).isEqualTo(200);
        assertThat(api.putAction("unused", "function main(p) { return {}; }", null).status()).isEqualTo(200);
        assertThat(api.put("/namespaces/_/triggers/doorbell",
            "{\"parameters\":[{\"key\":\"greeting\",\"value\":\"Hello\"},{\"key\":\"name\",\"value\":\"nobody\"}]}")
            .status()).isEqualTo(200);
        assertThat(api.put("/namespaces/_/rules/ring",
            "{\"trigger\":\"/_/doorbell\",\"action\":\"/_/greeter\"}").status()).isEqualTo(200);
        assertThat(api.put("/namespaces/_/rules/off",
            "{\"trigger\":\"/_/doorbell\",\"action\":\"/_/unused\"}").status()).isEqualTo(200);
        assertThat(api.post("/namespaces/_/rules/off", "{\"status\":\"inactive\"}").status()).isEqualTo(200);

        final Api.Reply fired = api.post("/namespaces/_/triggers/doorbell", "{\"name\":\"Ada\"}");
        assertThat(fired.status()).isEqualTo(202);
        final String triggerId = fired.json().path("activationId").asText();
        assertThat(triggerId).hasSize(32);

        final AtomicReference<Api.Reply> stored = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
        {
            stored.set(api.get("/namespaces/_/activations/" + triggerId));
            return stored.get().status() == 200;
        });
        final JsonNode record = stored.get().json();
        assertThat(record.path("name").asText()).isEqualTo("doorbell");
        assertThat(record.has("end")).as("a trigger activation has no end").isFalse();
        assertThat(record.path("response").path("result").path("name").asText()).isEqualTo("Ada");
        final List<JsonNode> lines = new ArrayList<>();
        for (final JsonNode line : record.path("logs"))
        {
            lines.add(dev.whisk.core.json.Json.MAPPER.readTree(line.asText()));
        }
        assertThat(lines).hasSize(2);
        final JsonNode ran = lines.stream().filter(l -> l.path("rule").asText().endsWith("ring")).findFirst()
            .orElseThrow();
        final JsonNode skipped = lines.stream().filter(l -> l.path("rule").asText().endsWith("off")).findFirst()
            .orElseThrow();
        assertThat(ran.path("statusCode").asInt()).isZero();
        assertThat(skipped.path("statusCode").asInt()).isEqualTo(1);
        assertThat(skipped.path("error").asText()).contains("is inactive");

        final String actionId = ran.path("activationId").asText();
        final AtomicReference<Api.Reply> result = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
        {
            result.set(api.get("/namespaces/_/activations/" + actionId));
            return result.get().status() == 200;
        });
        assertThat(result.get().json().path("response").path("result").path("said").asText())
            .as("the event's name over the trigger's, the trigger's greeting kept").isEqualTo("Hello, Ada");
        assertThat(result.get().json().has("cause")).as("rule-fired activations have no cause").isFalse();
    }
}
