package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.whisk.launcher.node.Standalone;
import org.junit.jupiter.api.AfterAll;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Conductor actions (annotation {@code conductor: true}) on the real platform: the conductor picks the next action
 * from its input, the platform runs it and hands its result back, and the composition's records are linked the way
 * OpenWhisk links them. Blocking, non-blocking and web invocation; a failing component; the step limit; nesting in
 * a sequence. Also a sequence of three whose middle component fails.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@NeedsDocker
class ConductorTest
{
    private static final String CONDUCTOR = "\"annotations\":[{\"key\":\"conductor\",\"value\":true}," +
        "{\"key\":\"web-export\",\"value\":true}]";
    /** Even numbers go to {@code half}, odd ones to {@code /_/triple}; the second run ends with the step's result. */
    private static final String BRANCH = "function main(p) {\n" +
        "  if (p.$done) { return { params: { n: p.n, went: p.went } }; }\n" +
        "  if (p.n % 2 === 0) { return { action: 'half', params: { n: p.n }, state: { $done: true } }; }\n" +
        "  return { action: '/_/triple', params: { n: p.n }, state: { $done: true } };\n" +
        "}";

    @RegisterExtension
    static final TestPlatform platform = TestPlatform.standalone();
    static final Api guest = platform.guest();

    @BeforeAll
    static void start() throws Exception
    {
        assertThat(guest.putAction("half", "function main(p) { return { n: p.n / 2, went: 'even' }; }", null)
            .status()).isEqualTo(200);
        assertThat(guest.putAction("triple", "function main(p) { return { n: p.n * 3 + 1, went: 'odd' }; }", null)
            .status()).isEqualTo(200);
        assertThat(guest.putAction("count", "function main(p) { return { n: p.n }; }", null).status())
            .isEqualTo(200);
        assertThat(guest.putAction("boom", "function main(p) { return { error: 'boom at ' + p.n }; }", null)
            .status()).isEqualTo(200);
    }

    @Test
    void aConductorBranchesOnItsInputAndLinksEveryStepToTheComposition() throws Exception
    {
        assertThat(guest.putAction("branch", BRANCH, CONDUCTOR).status()).isEqualTo(200);

        final Api.Reply even = guest.post("/namespaces/_/actions/branch?blocking=true", "{\"n\":10}");
        assertThat(even.status()).as(even.body()).isEqualTo(200);
        final JsonNode composition = even.json();
        assertThat(composition.path("response").path("result").path("n").asInt()).isEqualTo(5);
        assertThat(composition.path("response").path("result").path("went").asText()).isEqualTo("even");
        assertThat(annotation(composition, "conductor").asBoolean()).isTrue();
        assertThat(annotation(composition, "topmost").asBoolean()).isTrue();
        assertThat(annotation(composition, "kind").asText()).isEqualTo("sequence");
        assertThat(composition.has("cause")).isFalse();

        final String id = composition.path("activationId").asText();
        final JsonNode logs = composition.path("logs");
        assertThat(logs.size()).as("conductor, half, conductor").isEqualTo(3);
        final List<String> names = new ArrayList<>();
        for (final JsonNode stepId : logs)
        {
            final JsonNode step = stored(stepId.asText());
            names.add(step.path("name").asText());
            assertThat(step.path("cause").asText()).isEqualTo(id);
            assertThat(annotation(step, "causedBy").asText()).isEqualTo("sequence");
        }
        assertThat(names).containsExactly("branch", "half", "branch");
        assertThat(stored(id).path("logs")).isEqualTo(logs);

        final Api.Reply odd = guest.post("/namespaces/_/actions/branch?blocking=true&result=true", "{\"n\":3}");
        assertThat(odd.status()).isEqualTo(200);
        assertThat(odd.json().path("n").asInt()).isEqualTo(10);
        assertThat(odd.json().path("went").asText()).isEqualTo("odd");

        final Api.Reply accepted = guest.post("/namespaces/_/actions/branch", "{\"n\":7}");
        assertThat(accepted.status()).isEqualTo(202);
        final JsonNode later = stored(accepted.json().path("activationId").asText());
        assertThat(later.path("response").path("result").path("n").asInt()).isEqualTo(22);
        assertThat(later.path("logs").size()).isEqualTo(3);

        final Api.Reply web = new Api(platform.apiHost(), null).post("/web/guest/default/branch.json", "{\"n\":8}");
        assertThat(web.status()).as(web.body()).isEqualTo(200);
        assertThat(web.json().path("n").asInt()).isEqualTo(4);
    }

    @Test
    void aFailedComponentOrAnUnknownActionGoesBackToTheConductorWhichEndsTheRun() throws Exception
    {
        assertThat(guest.putAction("guarded", "function main(p) {\n" +
            "  if (p.error) { return { error: 'conductor saw: ' + p.error }; }\n" +
            "  return { action: p.next, params: { n: 1 } };\n" +
            "}", CONDUCTOR).status()).isEqualTo(200);

        final Api.Reply failed = guest.post("/namespaces/_/actions/guarded?blocking=true", "{\"next\":\"boom\"}");
        assertThat(failed.status()).isEqualTo(502);
        assertThat(failed.json().path("response").path("status").asText()).isEqualTo("application error");
        assertThat(failed.json().path("response").path("result").path("error").asText())
            .isEqualTo("conductor saw: boom at 1");
        final JsonNode logs = failed.json().path("logs");
        assertThat(logs.size()).isEqualTo(3);
        final JsonNode component = stored(logs.get(1).asText());
        assertThat(component.path("name").asText()).isEqualTo("boom");
        assertThat(component.path("response").path("success").asBoolean()).isFalse();
        assertThat(component.path("cause").asText()).isEqualTo(failed.json().path("activationId").asText());

        final Api.Reply missing = guest.post("/namespaces/_/actions/guarded?blocking=true", "{\"next\":\"nothere\"}");
        assertThat(missing.status()).isEqualTo(502);
        assertThat(missing.json().path("response").path("result").path("error").asText()).isEqualTo(
            "conductor saw: Failed to resolve action with name 'guest/nothere' during composition.");
        assertThat(missing.json().path("logs").size()).as("two conductor runs, no component").isEqualTo(2);

        final Api.Reply invalid = guest.post("/namespaces/_/actions/guarded?blocking=true", "{\"next\":42}");
        assertThat(invalid.json().path("response").path("result").path("error").asText()).isEqualTo(
            "conductor saw: Failed to parse action name from json value 42 during composition.");
    }

    @Test
    void theStepLimitEndsARunawayComposition() throws Exception
    {
        assertThat(guest.putAction("polite", "function main(p) {\n" +
            "  if (p.error) { return { error: p.error }; }\n" +
            "  return { action: 'count', params: { n: (p.n || 0) + 1 } };\n" +
            "}", CONDUCTOR).status()).isEqualTo(200);
        final Api.Reply polite = guest.post("/namespaces/_/actions/polite?blocking=true", "{}");
        assertThat(polite.status()).isEqualTo(502);
        assertThat(polite.json().path("response").path("result").path("error").asText())
            .isEqualTo("Too many actions in the composition.");
        assertThat(polite.json().path("logs").size()).as("50 components, 52 conductor runs").isEqualTo(102);

        assertThat(guest.putAction("runaway", "function main(p) {\n" +
            "  return { action: 'count', params: { n: (p.n || 0) + 1 } };\n" +
            "}", CONDUCTOR).status()).isEqualTo(200);
        final Api.Reply runaway = guest.post("/namespaces/_/actions/runaway?blocking=true", "{}");
        assertThat(runaway.status()).isEqualTo(502);
        assertThat(runaway.json().path("response").path("status").asText()).isEqualTo("application error");
        assertThat(runaway.json().path("response").path("result").path("error").asText())
            .isEqualTo("Too many actions in the composition.");
        assertThat(runaway.json().path("logs").size()).as("50 components, 101 conductor runs").isEqualTo(151);
    }

    @Test
    void aSequenceOfThreeStopsAtItsFailingMiddleComponent() throws Exception
    {
        assertThat(guest.putAction("last", "function main(p) { return { n: p.n, last: true }; }", null).status())
            .isEqualTo(200);
        assertThat(guest.put("/namespaces/_/actions/three?overwrite=true", "{\"exec\":{\"kind\":\"sequence\"," +
            "\"components\":[\"/_/count\",\"/_/boom\",\"/_/last\"]}}").status()).isEqualTo(200);

        final Api.Reply reply = guest.post("/namespaces/_/actions/three?blocking=true", "{\"n\":4}");
        assertThat(reply.status()).isEqualTo(502);
        final JsonNode sequence = reply.json();
        assertThat(sequence.path("response").path("status").asText()).isEqualTo("application error");
        assertThat(sequence.path("response").path("result").path("error").asText()).isEqualTo("boom at 4");
        assertThat(annotation(sequence, "topmost").asBoolean()).isTrue();
        assertThat(annotation(sequence, "kind").asText()).isEqualTo("sequence");
        assertThat(annotation(sequence, "conductor").isMissingNode()).isTrue();
        final JsonNode logs = sequence.path("logs");
        assertThat(logs.size()).as("the third component never ran").isEqualTo(2);
        final List<String> names = new ArrayList<>();
        for (final JsonNode componentId : logs)
        {
            final JsonNode component = stored(componentId.asText());
            names.add(component.path("name").asText());
            assertThat(component.path("cause").asText()).isEqualTo(sequence.path("activationId").asText());
            assertThat(annotation(component, "causedBy").asText()).isEqualTo("sequence");
        }
        assertThat(names).containsExactly("count", "boom");
        assertThat(guest.get("/namespaces/_/activations?count=true&name=last").json().path("activations").asInt())
            .isZero();
    }

    @Test
    void aCompositionInsideASequenceIsOneComponentCausedByTheSequence() throws Exception
    {
        assertThat(guest.putAction("branch", BRANCH, CONDUCTOR).status()).isEqualTo(200);
        assertThat(guest.put("/namespaces/_/actions/branchthenhalf?overwrite=true", "{\"exec\":{\"kind\":" +
            "\"sequence\",\"components\":[\"/_/branch\",\"/_/half\"]}}").status()).isEqualTo(200);

        final Api.Reply reply = guest.post("/namespaces/_/actions/branchthenhalf?blocking=true", "{\"n\":12}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().path("response").path("result").path("n").asInt()).isEqualTo(3);
        final JsonNode logs = reply.json().path("logs");
        assertThat(logs.size()).isEqualTo(2);
        final JsonNode composition = stored(logs.get(0).asText());
        assertThat(composition.path("cause").asText()).isEqualTo(reply.json().path("activationId").asText());
        assertThat(annotation(composition, "conductor").asBoolean()).isTrue();
        assertThat(annotation(composition, "topmost").asBoolean()).isFalse();
        assertThat(composition.path("logs").size()).isEqualTo(3);
        assertThat(stored(composition.path("logs").get(1).asText()).path("cause").asText())
            .isEqualTo(composition.path("activationId").asText());
    }

    /** The stored record of {@code activationId}, once it is there. */
    private static JsonNode stored(final String activationId)
    {
        final JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
        {
            final Api.Reply r = guest.get("/namespaces/_/activations/" + activationId);
            found[0] = r.status() == 200 ? r.json() : null;
            return found[0] != null;
        });
        return found[0];
    }

    private static JsonNode annotation(final JsonNode record, final String key)
    {
        for (final JsonNode a : record.path("annotations"))
        {
            if (key.equals(a.path("key").asText()))
            {
                return a.path("value");
            }
        }
        return MissingNode.getInstance();
    }
}
