package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.core.json.Json;
import dev.whisk.frontdoor.FrontDoorConfig;
import dev.whisk.launcher.node.Controller;
import dev.whisk.launcher.node.InvokerNode;
import dev.whisk.pool.ContainerPoolConfig;
import dev.whisk.scheduler.SchedulerConfig;
import dev.whisk.testkit.ChildJvm;
import dev.whisk.testkit.DockerSocketProxy;
import dev.whisk.testkit.Http;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A controller and two invokers over Aeron UDP with real Docker, where invoker 0 reaches its engine through a socket
 * the test can cut: an invoker that heartbeats but cannot run containers is told apart by its health pings and gets
 * no user work; when its engine answers again a ping brings it back; an invoker whose activations start failing
 * with whisk errors is taken out; and with no invoker able to run anything, callers get 503 and nothing is accepted.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@NeedsDocker
class InvokerHealthPingTest
{
    private static final String TOKEN = "health-ping-test-token-0123456789";
    private static final String WHERE = "function main(p) { return { where: process.env.__OW_API_HOST }; }";

    @TempDir
    Path dataDir;
    private DockerSocketProxy proxy;
    private Controller controller;
    private final List<InvokerNode> invokers = new ArrayList<>();
    private final HttpClient http = Http.client();

    @AfterEach
    void stop() throws IOException
    {
        invokers.forEach(InvokerNode::close);
        if (controller != null)
        {
            controller.close();
        }
        if (proxy != null)
        {
            proxy.close();
        }
        for (int id = 0; id < 2; id++)
        {
            TestPlatform.removeContainersOf(label(id));
        }
    }

    @Test
    void anInvokerThatCannotRunContainersGetsNoWorkUntilAHealthPingPasses() throws Exception
    {
        TestPlatform.requireDockerAndImage();
        proxy = DockerSocketProxy.start(dataDir.resolve("docker.sock"));
        final String completions = "127.0.0.1:" + ChildJvm.freeUdpPort();
        final InetSocketAddress code = new InetSocketAddress("127.0.0.1", ChildJvm.freeTcpPort());
        final String codeUrl = "http://127.0.0.1:" + code.getPort();

        // Invoker 0 starts while its engine answers (it cleans up and checks its images), then loses it before the
        // controller exists, so its very first health ping meets the broken engine.
        invokers.add(startInvoker(0, completions, codeUrl, proxy.dockerHost()));
        proxy.breakEngine();
        final FrontDoorConfig d = FrontDoorConfig.defaults();
        controller = new Controller(new Controller.Config(dataDir.resolve("controller"),
            new FrontDoorConfig("127.0.0.1", 0, 1, d.maxBodyBytes(), d.maxInvokeBodyBytes(), 60_000),
            SchedulerConfig.defaults(dataDir.resolve("journal")), completions, code, TOKEN, 2, 2_000));
        invokers.add(startInvoker(1, completions, codeUrl, "unix:///var/run/docker.sock"));

        await().atMost(Duration.ofSeconds(60)).until(() -> "up".equals(state(1)));
        assertThat(state(0)).as("heartbeating, but its ping cannot start a container").isEqualTo("unhealthy");
        final Api api = new Api(controller.apiHost(), controller.guestAuth());
        final String homedOnZero = actionHomedOn(0, "home");
        assertThat(api.putAction(homedOnZero, WHERE, null).status()).isEqualTo(200);
        assertThat(where(api.post("/namespaces/_/actions/" + homedOnZero + "?blocking=true", "{}")))
            .as("its home cannot run containers: invoker 1 runs it").isEqualTo(apiHostOf(1));

        proxy.heal();
        await().atMost(Duration.ofSeconds(60)).until(() -> "up".equals(state(0)));
        final String homedOnZeroToo = actionHomedOn(0, "back");
        assertThat(api.putAction(homedOnZeroToo, WHERE, null).status()).isEqualTo(200);
        assertThat(where(api.post("/namespaces/_/actions/" + homedOnZeroToo + "?blocking=true", "{}")))
            .as("a passing ping gave it its actions back").isEqualTo(apiHostOf(0));

        // Invoker 1 goes away and invoker 0's engine breaks under it: its activations fail with whisk errors until
        // it is taken out, then nothing can be placed.
        invokers.remove(1).close();
        await().atMost(Duration.ofSeconds(10)).until(() -> "unresponsive".equals(state(1)));
        proxy.breakEngine();
        final List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 8 && !statuses.contains(503); i++)
        {
            final String fresh = "fresh" + i;
            assertThat(api.putAction(fresh, WHERE, null).status()).isEqualTo(200);
            final Api.Reply r = api.post("/namespaces/_/actions/" + fresh + "?blocking=true", "{}");
            statuses.add(r.status());
            if (r.status() == 500)
            {
                assertThat(r.json().path("response").path("status").asText()).isEqualTo("whisk internal error");
            }
        }
        // Three whisk errors make it unhealthy; a fourth call may have been placed before the third one's record
        // reached the controller.
        assertThat(statuses).as("whisk errors until the invoker is judged unhealthy, then 503").last().isEqualTo(503);
        assertThat(statuses.subList(0, statuses.size() - 1)).hasSizeBetween(3, 4).containsOnly(500);
        assertThat(state(0)).isEqualTo("unhealthy");
        final Api.Reply refused = api.post("/namespaces/_/actions/" + homedOnZero, "{}");
        assertThat(refused.status()).as("non-blocking too: nothing is accepted").isEqualTo(503);
        assertThat(refused.json().path("error").asText()).isEqualTo("No invoker is available to run the action.");
        assertThat(refused.activationIdHeader()).isNull();
        assertThat(http.send(HttpRequest.newBuilder(URI.create(controller.apiHost() + "/invokers/healthy/count"))
            .build(), HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("0");

        proxy.heal();
        await().atMost(Duration.ofSeconds(60)).until(() -> "up".equals(state(0)));
        assertThat(api.post("/namespaces/_/actions/" + homedOnZero + "?blocking=true", "{}").status())
            .as("serving again once a ping passes").isEqualTo(200);
    }

    private String state(final int invoker) throws IOException, InterruptedException
    {
        final HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(controller.apiHost() +
            "/invokers")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        final JsonNode states = Json.MAPPER.readTree(r.body());
        return states.path("invoker" + invoker).asText("offline");
    }

    private InvokerNode startInvoker(final int id, final String completions, final String codeUrl,
        final String dockerHost) throws IOException
    {
        final ContainerPoolConfig pool = ContainerPoolConfig.defaults(label(id), apiHostOf(id))
            .withDockerHost(dockerHost).withMemoryBudgetMb(1024).withStemCells(List.of());
        return new InvokerNode(new InvokerNode.Config(id, "127.0.0.1:" + ChildJvm.freeUdpPort(), completions,
            codeUrl, TOKEN, pool, 200, 100_000));
    }

    private static String apiHostOf(final int id)
    {
        return "http://invoker-" + id + ".test.invalid";
    }

    private static String label(final int id)
    {
        return "health-ping-" + id;
    }

    private static String where(final Api.Reply reply)
    {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json().path("response").path("result").path("where").asText();
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
}
