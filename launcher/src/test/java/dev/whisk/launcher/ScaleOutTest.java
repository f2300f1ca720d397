package dev.whisk.launcher;

import dev.whisk.frontdoor.FrontDoorConfig;
import dev.whisk.scheduler.SchedulerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A controller and invokers in separate JVMs over Aeron UDP on 127.0.0.1, with real Docker: work spreads over the
 * invokers, an invoker killed with SIGKILL has its in-flight activation end as a whisk internal error while new work
 * moves to the survivor, and a restarted invoker cleans its old containers and is used again.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ScaleOutTest
{
    private static final String TOKEN = "scale-out-test-token-0123456789";

    @TempDir
    Path dataDir;
    private Controller controller;
    private final List<Process> invokers = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException
    {
        for (final Process p : invokers)
        {
            p.destroy();
        }
        for (final Process p : invokers)
        {
            if (!p.waitFor(30, TimeUnit.SECONDS))
            {
                p.destroyForcibly();
            }
        }
        if (controller != null)
        {
            controller.close();
        }
        for (int id = 0; id < 2; id++)
        {
            TestPlatform.removeContainersOf(label(id));
        }
    }

    @Test
    void workSpreadsOverInvokersAndMovesOffAKilledOne() throws Exception
    {
        TestPlatform.requireDockerAndImage();
        final String completions = "127.0.0.1:" + ChildJvm.freeUdpPort();
        final FrontDoorConfig d = FrontDoorConfig.defaults();
        controller = new Controller(new Controller.Config(dataDir,
            new FrontDoorConfig("127.0.0.1", 0, 1, d.maxBodyBytes(), d.maxInvokeBodyBytes(), 60_000),
            SchedulerConfig.defaults(dataDir.resolve("journal")), completions,
            new InetSocketAddress("127.0.0.1", 0), TOKEN, 2, 2_000));
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
