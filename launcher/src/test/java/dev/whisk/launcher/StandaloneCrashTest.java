package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.core.entity.Messages;
import dev.whisk.testkit.ChildJvm;
import dev.whisk.testkit.Docker;
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
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.whisk.launcher.CrashChecks.isUp;
import static dev.whisk.launcher.CrashChecks.listedIds;
import static dev.whisk.launcher.CrashChecks.missingRecords;
import static dev.whisk.launcher.CrashChecks.occurrences;
import static dev.whisk.launcher.CrashChecks.tail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A standalone platform, a real JVM, killed with SIGKILL under load and started again on the same data directory.
 * A sequence caught mid-run ends in exactly one record and none of its steps runs twice; a run that finished before
 * the kill keeps its real result, not "outcome unknown". What ran is counted from the containers' own output, which
 * the actions write straight to their stdout, past the platform.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
@NeedsDocker
class StandaloneCrashTest
{
    /** A label of its own, so that its containers are no other test's and its restart reaps only its own. */
    private static final String LABEL = "standalone-crash-test";
    private static final Pattern DONE = Pattern.compile("done ([0-9a-f]{32}) (\\d+)");

    @TempDir
    Path dir;
    @RegisterExtension
    final ChildJvm.Processes processes = ChildJvm.processes(() -> TestPlatform.removeContainersOf(LABEL));

    @Test
    void aSequenceKilledMidRunEndsInOneRecordAndNoStepRunsTwice() throws Exception
    {
        TestPlatform.requireDockerAndImage();
        final int port = ChildJvm.freeTcpPort();
        Process platform = start(port, "standalone-1");
        final Api api = api(port);
        // Each step says on the container's stdout that it started, then takes 2.5 s: a run of three takes 7.5 s.
        assertThat(api.putAction("step", "function main(p) { const n = (p.n || 0) + 1;" +
            " require('fs').writeSync(1, 'step k=' + p.k + ' n=' + n + '\\n');" +
            " return new Promise(r => setTimeout(() => r({ k: p.k, n: n }), 2500)); }",
            "\"limits\":{\"timeout\":20000,\"memory\":128}").status()).isEqualTo(200);
        assertThat(api.put("/namespaces/_/actions/seq", "{\"exec\":{\"kind\":\"sequence\"," +
            "\"components\":[\"/_/step\",\"/_/step\",\"/_/step\"]}}").status()).isEqualTo(200);
        final Api.Reply warm = api.post("/namespaces/_/actions/seq?blocking=true&result=true", "{\"k\":-1}");
        assertThat(warm.status()).as(warm.body()).isEqualTo(200);
        assertThat(warm.json().path("n").asInt()).isEqualTo(3);

        final int runs = 6;
        final List<String> acknowledged = new ArrayList<>();
        for (int k = 0; k < runs; k++)
        {
            final Api.Reply r = api.post("/namespaces/_/actions/seq", "{\"k\":" + k + "}");
            assertThat(r.status()).as(r.body()).isEqualTo(202);
            acknowledged.add(r.json().path("activationId").asText());
        }
        // Kill once every run's first step has its record (the warm-up's three steps have theirs): each run is then
        // in its second step or about to start it, mid-sequence.
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() ->
            api.get("/namespaces/_/activations?count=true&name=step").json().path("activations").asInt() >= 3 + runs);
        platform.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        processes.remove(platform);
        final Map<String, String> before = settledLogsById();

        platform = start(port, "standalone-2");
        awaitRecords(api, acknowledged, "standalone-2");
        int stopped = 0;
        final List<String> steps = new ArrayList<>();
        for (final String id : acknowledged)
        {
            final JsonNode rec = api.get("/namespaces/_/activations/" + id).json();
            final String status = rec.path("response").path("status").asText();
            assertThat(status).as("sequence %s", id).isIn("success", "whisk internal error");
            if (status.equals("whisk internal error"))
            {
                stopped++;
                assertThat(rec.path("response").path("result").path("error").asText())
                    .isEqualTo(Messages.COMPOSITION_STOPPED);
                assertThat(rec.path("response").path("statusCode").asInt()).isEqualTo(3);
            }
            for (final JsonNode step : rec.path("logs"))
            {
                steps.add(step.asText());
            }
        }
        System.out.printf("kill -9 mid-sequence: %d of %d sequences stopped, %d steps listed; recovery: %s%n", stopped,
            runs, steps.size(), recoveryLine("standalone-2"));
        assertThat(stopped).as("the kill caught sequences mid-run").isPositive();
        assertThat(steps).as("each stopped sequence lists the steps it started").isNotEmpty();
        assertThat(missingRecords(api, steps)).as("every step it lists has its record").isEmpty();

        final List<String> listed = listedIds(api, "seq");
        for (final String id : acknowledged)
        {
            assertThat(Collections.frequency(listed, id)).as("sequence %s has exactly one record", id).isEqualTo(1);
        }
        assertThat(listed).as("one record per sequence and the warm-up's").hasSize(runs + 1);

        // By container: one still listed after the restart (not removed as a leftover) is counted once.
        final Map<String, String> byContainer = new HashMap<>(before);
        final StringBuilder afterLogs = new StringBuilder();
        for (final Map.Entry<String, String> c : logsById().entrySet())
        {
            if (byContainer.put(c.getKey(), c.getValue()) == null)
            {
                afterLogs.append(c.getValue());
            }
        }
        final String all = String.join("", byContainer.values());
        final String after = afterLogs.toString();
        final String evidence = "\n--- every container:\n" + stepLines(all) + "--- started after the restart:\n" +
            stepLines(after) + "--- standalone-2:\n" + tail(dir.resolve("standalone-2.log"));
        for (int k = 0; k < runs; k++)
        {
            for (int n = 1; n <= 3; n++)
            {
                assertThat(occurrences(all, "step k=" + k + " n=" + n + "\n"))
                    .as("step %d of run %d ran at most once%s", n, k, evidence).isLessThanOrEqualTo(1);
            }
            assertThat(occurrences(after, "step k=" + k + " ")).as("no step of run %d ran after the restart%s", k,
                evidence).isZero();
        }
    }

    @Test
    void runsThatFinishedBeforeAKillKeepTheirRealResults() throws Exception
    {
        TestPlatform.requireDockerAndImage();
        final int port = ChildJvm.freeTcpPort();
        Process platform = start(port, "standalone-1");
        final Api api = api(port);
        assertThat(api.putAction("quick", "function main(p) {" +
            " require('fs').writeSync(1, 'done ' + process.env.__OW_ACTIVATION_ID + ' ' + Date.now() + '\\n');" +
            " return { i: p.i }; }", "\"limits\":{\"memory\":128}").status()).isEqualTo(200);
        assertThat(api.post("/namespaces/_/actions/quick?blocking=true", "{\"i\":-1}").status()).isEqualTo(200);

        // Blocking callers note what they were told; non-blocking ones what was acknowledged.
        final Map<String, Integer> toldResult = new ConcurrentHashMap<>();
        final Map<String, Integer> acknowledged = new ConcurrentHashMap<>();
        final AtomicBoolean killed = new AtomicBoolean();
        final AtomicLong firstToldMs = new AtomicLong();
        final List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < 4; t++)
        {
            final boolean blocking = t < 2;
            final int base = t * 1_000_000;
            final Thread caller = new Thread(() -> callUntilKilled(api, blocking, base, toldResult, acknowledged,
                firstToldMs, killed), "caller-" + t);
            caller.setDaemon(true);
            caller.start();
            callers.add(caller);
        }
        // Killed once a caller was told a result two seconds ago, so that runs finished well before the kill exist
        // (a fast platform answers the first hundred of each within a second).
        await().atMost(Duration.ofSeconds(120)).until(() -> toldResult.size() >= 100 && acknowledged.size() >= 100 &&
            firstToldMs.get() > 0 && System.currentTimeMillis() - firstToldMs.get() >= 2_000);
        final long killMs = System.currentTimeMillis();
        platform.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        killed.set(true);
        processes.remove(platform);
        for (final Thread caller : callers)
        {
            caller.join(TimeUnit.SECONDS.toMillis(100));
        }
        final String containers = settledLogs();

        platform = start(port, "standalone-2");
        final List<String> all = new ArrayList<>(toldResult.keySet());
        all.addAll(acknowledged.keySet());
        awaitRecords(api, all, "standalone-2");

        final Map<String, Long> finishedAtMs = new HashMap<>();
        final Matcher m = DONE.matcher(containers);
        while (m.find())
        {
            finishedAtMs.merge(m.group(1), Long.parseLong(m.group(2)), Math::min);
        }
        int real = 0;
        int unknown = 0;
        int finishedWellBefore = 0;
        for (final String id : all)
        {
            final JsonNode rec = api.get("/namespaces/_/activations/" + id).json();
            final String status = rec.path("response").path("status").asText();
            final Integer i = toldResult.containsKey(id) ? toldResult.get(id) : acknowledged.get(id);
            if (status.equals("success"))
            {
                real++;
                assertThat(rec.path("response").path("result").path("i").asInt()).as("result of %s", id)
                    .isEqualTo(i);
            }
            else
            {
                unknown++;
                final Long at = finishedAtMs.get(id);
                System.out.printf("outcome unknown: %s %s%n", id, at == null ? "no run seen in its container" :
                    "finished in its container " + (killMs - at) + " ms before the kill");
                assertThat(rec.path("response").path("result").path("error").asText())
                    .isEqualTo(Messages.PLATFORM_RESTARTED);
            }
            if (toldResult.containsKey(id))
            {
                assertThat(status).as("%s: its caller was told its result, so it is recorded", id)
                    .isEqualTo("success");
            }
            // A second is ample for the platform to read the container's answer on a loaded 2-core machine.
            final Long finished = finishedAtMs.get(id);
            if (finished != null && finished < killMs - 1_000)
            {
                finishedWellBefore++;
                assertThat(status).as("%s finished in its container %d ms before the kill", id, killMs - finished)
                    .isEqualTo("success");
            }
        }
        assertThat(finishedWellBefore).as("runs that finished before the kill were checked").isPositive();
        for (final String id : all)
        {
            assertThat(occurrences(containers, "done " + id + " ")).as("%s ran at most once", id)
                .isLessThanOrEqualTo(1);
        }
        final List<String> listed = listedIds(api, "quick");
        // Calls cut off by the kill were never answered; their runs may have records too, but nothing twice.
        assertThat(listed).as("one record per acknowledged run, no duplicates").containsAll(all)
            .doesNotHaveDuplicates();
        System.out.printf("kill -9 under load: %d acknowledged (%d told their result), %d real results, %d outcome " +
            "unknown, %d finished in their containers over 1 s before the kill; recovery: %s%n", all.size(),
            toldResult.size(), real, unknown, finishedWellBefore, recoveryLine("standalone-2"));
    }

    /** The steps' own lines in the containers' output. */
    private static String stepLines(final String logs)
    {
        final StringBuilder lines = new StringBuilder();
        for (final String line : logs.split("\n"))
        {
            if (line.contains("step k="))
            {
                lines.append(line).append('\n');
            }
        }
        return lines.toString();
    }

    /** The restarted platform's account of what it recovered from the journal, if it had anything to recover. */
    private String recoveryLine(final String log) throws IOException
    {
        return Files.readAllLines(dir.resolve(log + ".log")).stream().filter(l -> l.contains("journal-recovered"))
            .findFirst().map(l -> l.substring(l.indexOf("event="))).orElse("(nothing)");
    }

    private static void callUntilKilled(final Api api, final boolean blocking, final int base,
        final Map<String, Integer> toldResult, final Map<String, Integer> acknowledged, final AtomicLong firstToldMs,
        final AtomicBoolean killed)
    {
        for (int i = base; !killed.get(); i++)
        {
            try
            {
                final Api.Reply r = api.post("/namespaces/_/actions/quick" + (blocking ? "?blocking=true" : ""),
                    "{\"i\":" + i + "}");
                if (r.status() == 200 && blocking)
                {
                    final JsonNode body = r.json();
                    toldResult.put(body.path("activationId").asText(), body.path("response").path("result")
                        .path("i").asInt());
                    firstToldMs.compareAndSet(0, System.currentTimeMillis());
                }
                else if (r.status() == 202)
                {
                    acknowledged.put(r.json().path("activationId").asText(), i);
                }
                if (!blocking)
                {
                    Thread.sleep(10);
                }
            }
            catch (final IOException ex)
            {
                // the platform was killed: no answer, so nothing was promised
                return;
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private Api api(final int port) throws IOException
    {
        final Path credential = dir.resolve("data").resolve("credentials").resolve("guest");
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(credential) && isUp(port));
        return new Api("http://127.0.0.1:" + port, Files.readString(credential, StandardCharsets.UTF_8).trim());
    }

    private void awaitRecords(final Api api, final List<String> ids, final String log)
    {
        try
        {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> missingRecords(api, ids).isEmpty());
        }
        catch (final org.awaitility.core.ConditionTimeoutException ex)
        {
            try
            {
                throw new AssertionError("no record for " + missingRecords(api, ids) + "\n--- " + log + ":\n" +
                    tail(dir.resolve(log + ".log")), ex);
            }
            catch (final IOException | InterruptedException e)
            {
                throw new AssertionError("records missing; the platform does not answer", ex);
            }
        }
    }

    /**
     * The containers' output once the runs they still had when the platform died have ended: it stops changing.
     * The restart removes these containers, so this is read before it.
     */
    private static String settledLogs() throws Exception
    {
        return String.join("", settledLogsById().values());
    }

    /** As {@link #settledLogs()}, by container id. */
    private static Map<String, String> settledLogsById() throws Exception
    {
        final List<Map<String, String>> last = new ArrayList<>(List.of(logsById()));
        await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ofSeconds(2)).pollInterval(Duration.ofSeconds(2))
            .until(() ->
            {
                final Map<String, String> now = logsById();
                final boolean same = now.equals(last.get(0));
                last.set(0, now);
                return same;
            });
        return last.get(0);
    }

    /** The engine's output (stdout and stderr) of each container of this test's platforms, by container id. */
    private static Map<String, String> logsById()
    {
        return Docker.logsById(Map.of(dev.whisk.pool.docker.DockerDriver.LABEL_INVOKER, LABEL));
    }

    private Process start(final int port, final String name) throws IOException
    {
        final Process p = ChildJvm.whisk(List.of("-Duser.home=" + dir), List.of("standalone", "--port",
            Integer.toString(port), "--data-dir", dir.resolve("data").toString(), "--invoker-label", LABEL,
            "--memory-mb", "2048", "--no-demo"), dir.resolve(name + ".log").toFile());
        processes.add(p);
        return p;
    }
}
