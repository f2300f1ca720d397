package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.launcher.node.Standalone;
import dev.whisk.pool.docker.DockerDriver;
import dev.whisk.testkit.Docker;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On real Docker: a result nested 900 levels deep (legal JSON, and within OpenWhisk's 1000) is a success and is
 * recorded whole, as are arguments that deep; a result deeper than 1000 is a developer error in plain words; and no
 * container carries a {@code (stem)} action label: a stem cell is labelled as started as one, and the action label
 * names only an action a container was created for.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@NeedsDocker
class DeepResultsAndLabelsTest
{
    /** Answers {@code p.depth} objects one inside the other, {@code {"a":{"a":...{}}}}, and the depth it was given. */
    private static final String DEEP = "function main(p) { let r = {};" +
        " for (let i = 1; i < p.depth; i++) { r = { a: r }; }" +
        " return { a: r, got: depthOf(p.arg) }; }" +
        " function depthOf(v) { let d = 0; while (Array.isArray(v)) { d++; v = v[0]; } return d; }";

    @TempDir
    Path dataDir;

    @Test
    void deepResultsAreRecordedAndStemCellsCarryNoMisleadingLabel() throws Exception
    {
        TestPlatform.requireDockerAndImage();
        try (Standalone platform = TestPlatform.start(dataDir))
        {
            final Api api = new Api(platform.apiHost(), platform.guestAuth());
            assertThat(api.putAction("deep", DEEP, null).status()).isEqualTo(200);

            final String arg = "[".repeat(900) + "]".repeat(900);
            final Api.Reply deep = api.post("/namespaces/_/actions/deep?blocking=true",
                "{\"depth\":900,\"arg\":" + arg + "}");
            assertThat(deep.status()).as(deep.body()).isEqualTo(200);
            assertThat(deep.json().path("response").path("status").asText()).isEqualTo("success");
            assertThat(deep.json().path("response").path("result").path("got").asInt())
                .as("the action got its 900-deep argument").isEqualTo(900);
            final String id = deep.json().path("activationId").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/namespaces/_/activations/" + id).status()
                == 200);
            JsonNode result = api.get("/namespaces/_/activations/" + id).json().path("response").path("result");
            int depth = 0;
            while (result.has("a"))
            {
                result = result.get("a");
                depth++;
            }
            assertThat(depth).as("the stored result keeps every level").isEqualTo(900);

            final Api.Reply tooDeep = api.post("/namespaces/_/actions/deep?blocking=true", "{\"depth\":1200}");
            assertThat(tooDeep.status()).isEqualTo(502);
            assertThat(tooDeep.json().path("response").path("status").asText()).isEqualTo("action developer error");
            assertThat(tooDeep.json().path("response").path("result").path("error").asText())
                .startsWith("The action did not produce a valid JSON").doesNotContain("com.fasterxml", "`");

            final List<String> labels = containerLabels(TestPlatform.invokerLabel());
            assertThat(labels).as("the platform's containers").isNotEmpty();
            assertThat(labels).noneMatch(l -> l.contains("(stem)"));
            assertThat(labels).as("stem cells say how they started, and name no action")
                .anyMatch(l -> l.contains(DockerDriver.LABEL_STARTED_AS + "=" + DockerDriver.STARTED_AS_STEM_CELL) &&
                    !l.contains(DockerDriver.LABEL_ACTION + "="));
        }
    }

    /** The labels of each container of invoker {@code label}, as {@code docker ps} prints them. */
    private static List<String> containerLabels(final String label)
    {
        return Docker.labelsOf(java.util.Map.of(DockerDriver.LABEL_INVOKER, label));
    }
}
