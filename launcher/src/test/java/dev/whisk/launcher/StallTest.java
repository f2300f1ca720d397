package dev.whisk.launcher;

import dev.whisk.testkit.ChildJvm;
import dev.whisk.testkit.Http;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.whisk.launcher.CrashChecks.isUp;
import static dev.whisk.launcher.CrashChecks.missingRecords;
import static dev.whisk.launcher.CrashChecks.tail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A controller and an invoker, real processes, each stopped with SIGSTOP for longer than Aeron's default timeouts
 * (a long GC pause, a stalled VM, a debugger) and continued, under light load: invokes recover by themselves, and
 * every invoke acknowledged before, during or after the stall ends in a record.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@NeedsDocker
class StallTest
{
    private static final String TOKEN = "stall-test-token-0123456789abcdef";
    /** An invoker id of its own, so its containers' label is no other test's. */
    private static final int INVOKER_ID = 5;
    /** Longer than Aeron's default client and driver timeouts (10 s). */
    private static final long STALL_MS = Long.parseLong(System.getenv().getOrDefault("WHISK_TEST_STALL_MS", "15000"));

    @TempDir
    Path dir;
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() throws Exception
    {
        for (final Process p : processes)
        {
            signal(p, "CONT");
        }
        ChildJvm.stopAll(processes);
        TestPlatform.removeContainersOf("invoker-" + INVOKER_ID);
    }

    @Test
    void invokesRecoverByThemselvesAfterTheControllerOrTheInvokerStalls() throws Exception
    {
        stallEachAndRecover(List.of(), STALL_MS);
        assertThat(Files.readString(dir.resolve("controller.log"))).doesNotContain("aeron-client-closed");
        assertThat(Files.readString(dir.resolve("invoker.log"))).doesNotContain("aeron-client-closed");
    }

    /** A stall longer than the Aeron client is set to survive: it dies, and the node makes it again. */
    @Test
    void aNodeRebuildsItsAeronClientAfterAStallItDidNotSurvive() throws Exception
    {
        stallEachAndRecover(List.of("-Dwhisk.aeron.pauseToleranceMs=3000"), 8_000);
        assertThat(Files.readString(dir.resolve("controller.log"))).contains("event=aeron-client-rebuilt");
        assertThat(Files.readString(dir.resolve("invoker.log"))).contains("event=aeron-client-rebuilt");
    }

    private void stallEachAndRecover(final List<String> jvmArgs, final long stallMs) throws Exception
    {
        TestPlatform.requireDockerAndImage();
        final int apiPort = ChildJvm.freeTcpPort();
        final String completions = "127.0.0.1:" + ChildJvm.freeUdpPort();
        final String code = "127.0.0.1:" + ChildJvm.freeTcpPort();
        final Path data = dir.resolve("controller");
        final Process controller = start(List.of("controller", "--port", Integer.toString(apiPort),
            "--data-dir", data.toString(), "--completions", completions, "--code-endpoint", code,
            "--invoker-token", TOKEN, "--invokers", Integer.toString(INVOKER_ID + 1)), "controller", jvmArgs);
        final Process invoker = start(List.of("invoker", "--id", Integer.toString(INVOKER_ID), "--listen",
            "127.0.0.1:" + ChildJvm.freeUdpPort(), "--controller", completions, "--code-url", "http://" + code,
            "--invoker-token", TOKEN, "--memory-mb", "1024"), "invoker", jvmArgs);
        final Path credential = data.resolve("credentials").resolve("guest");
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(credential) && isUp(apiPort));
        final Api api = new Api("http://127.0.0.1:" + apiPort, Files.readString(credential,
            StandardCharsets.UTF_8).trim());
        assertThat(api.putAction("echo", "function main(p) { return { i: p.i }; }", null).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() ->
            api.post("/namespaces/_/actions/echo?blocking=true", "{\"i\":-1}").status() == 200);

        final Map<String, Integer> acknowledged = new ConcurrentHashMap<>();
        final AtomicBoolean done = new AtomicBoolean();
        final Thread load = new Thread(() -> lightLoad(api, acknowledged, done), "light-load");
        load.setDaemon(true);
        load.start();
        try
        {
            for (final Process stalled : List.of(controller, invoker))
            {
                final String who = stalled == controller ? "controller" : "invoker";
                signal(stalled, "STOP");
                final long stoppedNs = System.nanoTime();
                if (stalled == invoker)
                {
                    // Health tells the truth meanwhile: a stopped invoker is not shown up.
                    await().atMost(Duration.ofMillis(stallMs - 1_000)).pollInterval(Duration.ofMillis(200)).until(() ->
                        invokerState(apiPort).equals("unresponsive"));
                }
                Thread.sleep(Math.max(0, stallMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedNs)));
                signal(stalled, "CONT");
                final long continuedNs = System.nanoTime();
                try
                {
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                        api.post("/namespaces/_/actions/echo?blocking=true", "{\"i\":-2}").status() == 200);
                }
                catch (final org.awaitility.core.ConditionTimeoutException ex)
                {
                    throw new AssertionError("no invoke succeeded after the " + who + " continued\n--- controller:\n" +
                        tail(dir.resolve("controller.log")) + "\n--- invoker:\n" + tail(dir.resolve("invoker.log")),
                        ex);
                }
                System.out.printf("after a %d ms stall of the %s, invokes succeeded again %d ms after SIGCONT%n",
                    stallMs, who, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - continuedNs));
                await().atMost(Duration.ofSeconds(30)).until(() -> invokerState(apiPort).equals("up"));
            }
        }
        finally
        {
            done.set(true);
            load.join(TimeUnit.SECONDS.toMillis(100));
        }
        final List<String> ids = new ArrayList<>(acknowledged.keySet());
        assertThat(ids).as("the light load was acknowledged").isNotEmpty();
        try
        {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                missingRecords(api, ids).isEmpty());
        }
        catch (final org.awaitility.core.ConditionTimeoutException ex)
        {
            throw new AssertionError("no record for " + missingRecords(api, ids) + "\n--- controller:\n" +
                tail(dir.resolve("controller.log")), ex);
        }
    }

    /** A non-blocking invoke every 200 ms; notes what was acknowledged. */
    private static void lightLoad(final Api api, final Map<String, Integer> acknowledged, final AtomicBoolean done)
    {
        for (int i = 0; !done.get(); i++)
        {
            try
            {
                final Api.Reply r = api.post("/namespaces/_/actions/echo", "{\"i\":" + i + "}");
                if (r.status() == 202)
                {
                    acknowledged.put(r.json().path("activationId").asText(), i);
                }
                Thread.sleep(200);
            }
            catch (final IOException ex)
            {
                // no answer (the controller stalled past the client's timeout): nothing was promised
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** What {@code GET /invokers} shows for the invoker. */
    private static String invokerState(final int port) throws IOException, InterruptedException
    {
        final java.net.http.HttpResponse<String> r = Http.client().send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/invokers"))
                .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return dev.whisk.core.json.Json.MAPPER.readTree(r.body()).path("invoker" + INVOKER_ID).asText();
    }

    private static void signal(final Process p, final String signal) throws IOException, InterruptedException
    {
        if (p.isAlive())
        {
            new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor();
        }
    }

    private Process start(final List<String> args, final String name, final List<String> jvmArgs)
        throws IOException
    {
        final Process p = ChildJvm.whisk(jvmArgs, args, dir.resolve(name + ".log").toFile());
        processes.add(p);
        return p;
    }
}
