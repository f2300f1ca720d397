package dev.whisk.launcher;

import dev.whisk.frontdoor.FrontDoorConfig;
import dev.whisk.launcher.node.Controller;
import dev.whisk.scheduler.SchedulerConfig;
import dev.whisk.testkit.ChildJvm;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.whisk.launcher.CrashChecks.occurrences;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A controller and invokers in separate JVMs over Aeron UDP on 127.0.0.1, with real Docker: work spreads over the
 * invokers, an invoker killed with SIGKILL has its in-flight activation end as a whisk internal error while new work
 * moves to the survivor, and a restarted invoker cleans its old containers and is used again.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@NeedsDocker
class ScaleOutTest
{
    private static final String TOKEN = "scale-out-test-token-0123456789";

    @TempDir
    Path dataDir;
    private Controller controller;
    /** After each test: the invoker JVMs stopped, then the controller closed, then both invokers' containers gone. */
    @RegisterExtension
    final ChildJvm.Processes invokers = ChildJvm.processes(() ->
    {
        if (controller != null)
        {
            controller.close();
        }
        for (int id = 0; id < 2; id++)
        {
            TestPlatform.removeContainersOf(label(id));
        }
    });

    @Test
    void workSpreadsOverInvokersAndMovesOffAKilledOne() throws Exception
    {
        TestPlatform.requireDockerAndImage();
        final String completions = "127.0.0.1:" + ChildJvm.freeUdpPort();
        controller = startController(completions);
        final String codeUrl = "http://127.0.0.1:" + controller.codeAddress().getPort();
        final String[] listen = {"127.0.0.1:" + ChildJvm.freeUdpPort(), "127.0.0.1:" + ChildJvm.freeUdpPort()};
        invokers.add(startInvoker(0, listen[0], completions, codeUrl));
        invokers.add(startInvoker(1, listen[1], completions, codeUrl));
        await().atMost(Duration.ofSeconds(90)).until(() -> controller.healthyInvokers() == 2);

        final Api api = new Api(controller.apiHost(), controller.guestAuth());
        final String onOne = actionHomedOn(1, "slow");
        final String onZero = actionHomedOn(0, "quick");
        // Each invoker gives its containers its own __OW_API_HOST, so an action can tell where it ran.
        assertThat(api.putAction(onZero, "function main(p) { return { where: process.env.__OW_API_HOST }; }",
            null).status()).isEqualTo(200);
        assertThat(api.putAction(onOne, "function main(p) { return new Promise(r => setTimeout(() =>" +
            " r({ slept: p.ms, where: process.env.__OW_API_HOST }), p.ms)); }", null).status()).isEqualTo(200);

        assertThat(where(api.post("/namespaces/_/actions/" + onZero + "?blocking=true", "{}")))
            .isEqualTo(apiHostOf(0));
        assertThat(where(api.post("/namespaces/_/actions/" + onOne + "?blocking=true", "{\"ms\":1}")))
            .isEqualTo(apiHostOf(1));

        final CompletableFuture<Api.Reply> inFlight = CompletableFuture.supplyAsync(() ->
            call(api, "/namespaces/_/actions/" + onOne + "?blocking=true", "{\"ms\":20000}"));
        await().atMost(Duration.ofSeconds(30)).until(() -> controller.inFlightActivations() == 1);
        invokers.get(1).destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        final Api.Reply failed = inFlight.get(60, TimeUnit.SECONDS);
        assertThat(failed.status()).as("the caller hears of the dead invoker, not a hung socket").isEqualTo(500);
        assertThat(failed.json().path("response").path("status").asText()).isEqualTo("whisk internal error");
        assertThat(failed.json().path("response").path("result").path("error").asText())
            .contains("stopped responding");
        await().atMost(Duration.ofSeconds(10)).until(() -> controller.healthyInvokers() == 1);

        final Api.Reply moved = api.post("/namespaces/_/actions/" + onOne + "?blocking=true", "{\"ms\":1}");
        assertThat(moved.status()).as("new work goes to the survivor").isEqualTo(200);
        assertThat(where(moved)).isEqualTo(apiHostOf(0));

        invokers.set(1, startInvoker(1, listen[1], completions, codeUrl));
        await().atMost(Duration.ofSeconds(90)).until(() -> controller.healthyInvokers() == 2);
        final Api.Reply back = api.post("/namespaces/_/actions/" + onOne + "?blocking=true", "{\"ms\":1}");
        assertThat(where(back)).isEqualTo(apiHostOf(1));
        assertThat(back.annotation("initTime")).as("home again: a fresh container on the restarted invoker")
            .isNotNull();
    }

    @Test
    void anInvokerKilledUnderLoadLosesNothingAndRunsNothingTwice() throws Exception
    {
        TestPlatform.requireDockerAndImage();
        final String completions = "127.0.0.1:" + ChildJvm.freeUdpPort();
        controller = startController(completions);
        final String codeUrl = "http://127.0.0.1:" + controller.codeAddress().getPort();
        for (int id = 0; id < 2; id++)
        {
            invokers.add(startInvoker(id, "127.0.0.1:" + ChildJvm.freeUdpPort(), completions, codeUrl));
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> controller.healthyInvokers() == 2);
        final Api api = new Api(controller.apiHost(), controller.guestAuth());
        final String[] actions = {actionHomedOn(0, "load"), actionHomedOn(1, "load")};
        for (final String action : actions)
        {
            // Straight to the container's stdout, past the in-band log capture: the container's own evidence.
            assertThat(api.putAction(action, "function main(p) { " +
                "require('fs').writeSync(1, 'ran ' + process.env.__OW_ACTIVATION_ID + '\\n');" +
                " return new Promise(r => setTimeout(() => " +
                "r({ where: process.env.__OW_API_HOST }), 150)); }", "\"limits\":{\"concurrency\":40}")
                .status()).isEqualTo(200);
            assertThat(api.post("/namespaces/_/actions/" + action + "?blocking=true", "{}").status()).isEqualTo(200);
        }

        // 40 accepted requests, half homed on each invoker; invoker 1 dies while its share is running. One container
        // per action and invoker takes them all (concurrency 40), so no container, and none of the logs that count
        // the runs, is evicted.
        final List<String> accepted = new ArrayList<>();
        for (int i = 0; i < 40; i++)
        {
            final Api.Reply r = api.post("/namespaces/_/actions/" + actions[i % 2], "{}");
            assertThat(r.status()).isEqualTo(202);
            accepted.add(r.json().path("activationId").asText());
        }
        invokers.get(1).destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> controller.healthyInvokers() == 1);
        for (int i = 0; i < 10; i++)
        {
            final Api.Reply moved = api.post("/namespaces/_/actions/" + actions[1] + "?blocking=true", "{}");
            assertThat(where(moved)).as("new work of the dead invoker's actions goes to the survivor")
                .isEqualTo(apiHostOf(0));
            accepted.add(moved.json().path("activationId").asText());
        }

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
            accepted.stream().allMatch(id -> record(api, id).status() == 200));
        final String logs = TestPlatform.logsOfContainers(label(0)) + TestPlatform.logsOfContainers(label(1));
        int failed = 0;
        for (final String id : accepted)
        {
            final Api.Reply rec = record(api, id);
            final String status = rec.json().path("response").path("status").asText();
            final int runs = occurrences(logs, "ran " + id);
            assertThat(runs).as("activation %s ran at most once", id).isLessThanOrEqualTo(1);
            if ("success".equals(status))
            {
                assertThat(runs).as("a successful activation %s ran exactly once", id).isEqualTo(1);
            }
            else
            {
                assertThat(status).isEqualTo("whisk internal error");
                assertThat(rec.json().path("response").path("result").path("error").asText())
                    .contains("(invoker 1) stopped responding");
                failed++;
            }
        }
        assertThat(failed).as("only work in flight on the killed invoker failed").isBetween(1, 20);
        final Api.Reply count = api.get("/namespaces/_/activations?count=true");
        assertThat(count.json().path("activations").asInt()).as("one record per activation, none twice")
            .isEqualTo(accepted.size() + actions.length);
    }

    private static Api.Reply record(final Api api, final String id)
    {
        try
        {
            return api.get("/namespaces/_/activations/" + id);
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** A controller in this JVM for invokers 0 and 1, taking their messages on {@code completions}. */
    private Controller startController(final String completions) throws IOException, InterruptedException
    {
        final FrontDoorConfig d = FrontDoorConfig.defaults();
        return new Controller(new Controller.Config(dataDir,
            new FrontDoorConfig("127.0.0.1", 0, 1, d.maxBodyBytes(), d.maxInvokeBodyBytes(), 60_000),
            SchedulerConfig.defaults(dataDir.resolve("journal")), completions,
            new InetSocketAddress("127.0.0.1", 0), TOKEN, 2, 2_000));
    }

    private static String apiHostOf(final int id)
    {
        return "http://invoker-" + id + ".test.invalid";
    }

    private static String where(final Api.Reply reply)
    {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json().path("response").path("result").path("where").asText();
    }

    private static String label(final int id)
    {
        return "invoker-" + id;
    }

    /** A name whose action path hashes to {@code invoker} of two, as the controller routes it. */
    private static String actionHomedOn(final int invoker, final String prefix)
    {
        for (int i = 0; ; i++)
        {
            final String name = prefix + i;
            if (Math.floorMod(("guest/" + name).hashCode(), 2) == invoker)
            {
                return name;
            }
        }
    }

    private static Api.Reply call(final Api api, final String path, final String body)
    {
        try
        {
            return api.post(path, body);
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private Process startInvoker(final int id, final String listen, final String completions, final String codeUrl)
        throws IOException
    {
        return ChildJvm.whisk(List.of("invoker", "--id", Integer.toString(id), "--listen", listen, "--controller",
            completions, "--code-url", codeUrl, "--invoker-token", TOKEN, "--memory-mb", "1024", "--api-host",
            apiHostOf(id)), dataDir.resolve("invoker-" + id + "-" + System.nanoTime() + ".log").toFile());
    }
}
