package dev.whisk.launcher;

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
import static dev.whisk.launcher.CrashChecks.listedIds;
import static dev.whisk.launcher.CrashChecks.missingRecords;
import static dev.whisk.launcher.CrashChecks.occurrences;
import static dev.whisk.launcher.CrashChecks.tail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The controller killed with SIGKILL under load and started again on the same journal: every request it had
 * acknowledged (202) ends in exactly one record, and no activation runs twice (counted from the action's own log
 * lines in the containers' logs).
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@NeedsDocker
class ControllerCrashTest
{
    private static final String TOKEN = "controller-crash-test-token-0123";

    @TempDir
    Path dir;
    @RegisterExtension
    final ChildJvm.Processes processes = ChildJvm.processes(() ->
    {
        for (int id = 0; id < 2; id++)
        {
            TestPlatform.removeContainersOf("invoker-" + id);
        }
    });

    @Test
    void everyAcknowledgedRequestEndsInExactlyOneRecordAfterAControllerCrash() throws Exception
    {
        TestPlatform.requireDockerAndImage();
        final int apiPort = ChildJvm.freeTcpPort();
        final String completions = "127.0.0.1:" + ChildJvm.freeUdpPort();
        final String code = "127.0.0.1:" + ChildJvm.freeTcpPort();
        final Path data = dir.resolve("controller");
        final List<String> controllerArgs = List.of("controller", "--port", Integer.toString(apiPort),
            "--data-dir", data.toString(), "--completions", completions, "--code-endpoint", code,
            "--invoker-token", TOKEN, "--invokers", "2");
        Process controller = start(controllerArgs, "controller-1");
        for (int id = 0; id < 2; id++)
        {
            start(List.of("invoker", "--id", Integer.toString(id), "--listen", "127.0.0.1:" + ChildJvm.freeUdpPort(),
                "--controller", completions, "--code-url", "http://" + code, "--invoker-token", TOKEN,
                "--memory-mb", "1024"), "invoker-" + id);
        }
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

        final List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < 30; i++)
        {
            final Api.Reply r = api.post("/namespaces/_/actions/work", "{\"i\":" + i + "}");
            assertThat(r.status()).isEqualTo(202);
            acknowledged.add(r.json().path("activationId").asText());
        }
        controller.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        processes.remove(controller);

        controller = start(controllerArgs, "controller-2");
        await().atMost(Duration.ofSeconds(90)).until(() -> isUp(apiPort));
        try
        {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                missingRecords(api, acknowledged).isEmpty());
        }
        catch (final org.awaitility.core.ConditionTimeoutException ex)
        {
            throw new AssertionError("no record for " + missingRecords(api, acknowledged) + "\n--- controller-2:\n" +
                tail(dir.resolve("controller-2.log")) + "\n--- controller-1:\n" +
                tail(dir.resolve("controller-1.log")) + "\n--- invoker-0:\n" + tail(dir.resolve("invoker-0.log")), ex);
        }
        for (final String id : acknowledged)
        {
            final Api.Reply rec = api.get("/namespaces/_/activations/" + id);
            assertThat(rec.json().path("response").path("status").asText())
                .isIn("success", "whisk internal error");
        }
        // Counted from what the namespace's list shows, not from the ids we asked for: a record missing from the
        // list, or listed twice, makes this fail.
        final List<String> listed = listedIds(api, "work");
        int recordsTotal = 0;
        for (final String id : acknowledged)
        {
            final int times = java.util.Collections.frequency(listed, id);
            assertThat(times).as("activation %s is listed exactly once", id).isEqualTo(1);
            recordsTotal += times;
        }
        assertThat(recordsTotal).as("acknowledged activations found in the list").isEqualTo(acknowledged.size());
        assertThat(listed).as("one record each and the warm-up's, no duplicates").hasSize(acknowledged.size() + 1);
        final Api.Reply count = api.get("/namespaces/_/activations?count=true&name=work");
        assertThat(count.json().path("activations").asInt()).as("the count agrees with the list")
            .isEqualTo(listed.size());

        final String logs = TestPlatform.logsOfContainers("invoker-0") + TestPlatform.logsOfContainers("invoker-1");
        for (final String id : acknowledged)
        {
            assertThat(occurrences(logs, "ran " + id)).as("activation %s ran at most once", id).isLessThanOrEqualTo(1);
        }
    }

    private Process start(final List<String> args, final String name) throws IOException
    {
        final Process p = ChildJvm.whisk(args, dir.resolve(name + ".log").toFile());
        processes.add(p);
        return p;
    }
}
