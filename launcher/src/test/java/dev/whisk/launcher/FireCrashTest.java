package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.core.json.Json;
import dev.whisk.testkit.ChildJvm;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.whisk.launcher.CrashChecks.isUp;
import static dev.whisk.launcher.CrashChecks.missingRecords;
import static dev.whisk.launcher.CrashChecks.occurrences;
import static dev.whisk.launcher.CrashChecks.tail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fires are journaled: the controller is killed with SIGKILL right after the last of a burst of fires was answered
 * 202, and started again on the same data. Every acknowledged fire still has its trigger record, every rule run it
 * lists ends in exactly one record, and none ran twice (counted from the action's own log lines in the containers).
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@NeedsDocker
class FireCrashTest
{
    private static final String TOKEN = "fire-crash-test-token-0123456789";
    /** An invoker id of its own, so its containers' label is no other test's. */
    private static final int INVOKER_ID = 7;
    private static final int FIRES = 20;

    @TempDir
    Path dir;
    @RegisterExtension
    final ChildJvm.Processes processes = ChildJvm.processes(() ->
        TestPlatform.removeContainersOf("invoker-" + INVOKER_ID));

    @Test
    void everyAcknowledgedFireRunsItsRuleExactlyOnceAcrossAControllerCrash() throws Exception
    {
        TestPlatform.requireDockerAndImage();
        final int apiPort = ChildJvm.freeTcpPort();
        final String completions = "127.0.0.1:" + ChildJvm.freeUdpPort();
        final String code = "127.0.0.1:" + ChildJvm.freeTcpPort();
        final Path data = dir.resolve("controller");
        final List<String> controllerArgs = List.of("controller", "--port", Integer.toString(apiPort),
            "--data-dir", data.toString(), "--completions", completions, "--code-endpoint", code,
            "--invoker-token", TOKEN, "--invokers", Integer.toString(INVOKER_ID + 1));
        Process controller = start(controllerArgs, "controller-1");
        start(List.of("invoker", "--id", Integer.toString(INVOKER_ID), "--listen",
            "127.0.0.1:" + ChildJvm.freeUdpPort(), "--controller", completions, "--code-url", "http://" + code,
            "--invoker-token", TOKEN, "--memory-mb", "1024"), "invoker");
        final Path credential = data.resolve("credentials").resolve("guest");
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(credential) && isUp(apiPort));
        final Api api = new Api("http://127.0.0.1:" + apiPort, Files.readString(credential,
            StandardCharsets.UTF_8).trim());
        assertThat(api.putAction("work", "function main(p) { console.log('ran ' + process.env.__OW_ACTIVATION_ID);" +
            // Straight to the container's stdout, past the in-band log capture: the container's own evidence.
            " require('fs').writeSync(1, 'ran ' + process.env.__OW_ACTIVATION_ID + '\\n');" +
            " return new Promise(r => setTimeout(() => r({ i: p.i }), 100)); }", "\"limits\":{\"timeout\":5000}")
            .status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() ->
            api.post("/namespaces/_/actions/work?blocking=true", "{\"i\":-1}").status() == 200);
        assertThat(api.put("/namespaces/_/triggers/job", "{}").status()).isEqualTo(200);
        assertThat(api.put("/namespaces/_/rules/runJob", "{\"trigger\":\"/_/job\",\"action\":\"/_/work\"}")
            .status()).isEqualTo(200);

        final List<String> fires = new ArrayList<>();
        for (int i = 0; i < FIRES; i++)
        {
            final Api.Reply r = api.post("/namespaces/_/triggers/job", "{\"i\":" + i + "}");
            assertThat(r.status()).isEqualTo(202);
            fires.add(r.json().path("activationId").asText());
        }
        controller.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        processes.remove(controller);

        controller = start(controllerArgs, "controller-2");
        await().atMost(Duration.ofSeconds(90)).until(() -> isUp(apiPort));
        final List<String> runs = new ArrayList<>();
        for (final String fire : fires)
        {
            final Api.Reply record = api.get("/namespaces/_/activations/" + fire);
            assertThat(record.status()).as("the record of acknowledged fire %s survived the crash", fire)
                .isEqualTo(200);
            final JsonNode line = Json.MAPPER.readTree(record.json().path("logs").get(0).asText());
            assertThat(line.path("statusCode").asInt()).isZero();
            runs.add(line.path("activationId").asText());
        }
        try
        {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                missingRecords(api, runs).isEmpty());
        }
        catch (final org.awaitility.core.ConditionTimeoutException ex)
        {
            throw new AssertionError("no record for " + missingRecords(api, runs) + "\n--- controller-2:\n" +
                tail(dir.resolve("controller-2.log")) + "\n--- invoker:\n" + tail(dir.resolve("invoker.log")), ex);
        }
        final String logs = TestPlatform.logsOfContainers("invoker-" + INVOKER_ID);
        int succeeded = 0;
        for (final String run : runs)
        {
            final JsonNode rec = api.get("/namespaces/_/activations/" + run).json();
            final String status = rec.path("response").path("status").asText();
            assertThat(status).isIn("success", "whisk internal error");
            assertThat(occurrences(logs, "ran " + run)).as("rule run %s ran at most once", run)
                .isLessThanOrEqualTo(1);
            if (status.equals("success"))
            {
                succeeded++;
                assertThat(rec.path("logs").toString()).as("a successful run's record has its one log line")
                    .contains("ran " + run);
            }
        }
        final Api.Reply count = api.get("/namespaces/_/activations?count=true&name=work");
        assertThat(count.json().path("activations").asInt()).as("one record per rule run, and the warm-up's")
            .isEqualTo(FIRES + 1);
        assertThat(succeeded).as("the rule's action did run")
            .isPositive();
    }

    private Process start(final List<String> args, final String name) throws IOException
    {
        final Process p = ChildJvm.whisk(args, dir.resolve(name + ".log").toFile());
        processes.add(p);
        return p;
    }
}
