package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.whisk.core.json.Json;
import dev.whisk.launcher.node.Standalone;
import dev.whisk.pool.ContainerPoolConfig;
import dev.whisk.pool.docker.ContainerSpec;
import dev.whisk.pool.docker.DockerDriver;
import dev.whisk.testkit.Http;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two namespaces on one real platform and real Docker: what one tenant's action can do to the other's containers
 * and to the machine. An action of {@code bob} tries {@code /run} and {@code /init} on a warm container of
 * {@code guest} and on a stem cell; a CPU burner of bob runs beside a CPU-bound action of guest; an action fills its
 * {@code /tmp}; and the limits are read back with {@code docker inspect}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@NeedsDocker
class TenantIsolationTest
{
    /** 2048 MB is the test platform's budget: 512 MB gets 256 shares, 128 MB gets 64 (OpenWhisk's rule). */
    private static final int BUDGET_MB = 2048;

    static String bobAuth;
    @RegisterExtension
    static final TestPlatform platform = TestPlatform.standalone().before(dir -> bobAuth =
        ApiEndToEndTest.admin("user", "create", "bob", "--data-dir", dir.toString()))
        // This checkout's proxy: the shared image tag may hold another checkout's, without the secret check.
        .onImage(TestPlatform::imageOfThisProxy);
    static final Api guest = platform.guest();
    static final Api bob = platform.api(() -> bobAuth);
    static DockerClient docker;

    @BeforeAll
    static void start() throws Exception
    {
        final var cfg = DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost("unix:///var/run/docker.sock").build();
        docker = DockerClientImpl.getInstance(cfg,
            new ZerodepDockerHttpClient.Builder().dockerHost(cfg.getDockerHost()).build());
    }

    @AfterAll
    static void stop() throws Exception
    {
        platform.close();
        if (docker != null)
        {
            docker.close();
        }
        TestPlatform.removeContainersOf(TestPlatform.invokerLabel());
    }

    @Test
    void anActionOfOneNamespaceCannotDriveAnotherNamespacesWarmContainerOrAStemCell() throws Exception
    {
        // Concurrency above 1 and a long run keep the victim busy, never paused, so it would answer if reached; its
        // memory differs from the stem cells' so that it starts a container of its own, labelled with its name.
        assertThat(guest.putAction("victim", """
            async function main(p) {
              if (p.sleepMs) await new Promise((resolve) => setTimeout(resolve, p.sleepMs));
              return { who: 'guest', p: p };
            }""", "\"limits\":{\"concurrency\":5,\"memory\":512}").status()).isEqualTo(200);
        assertThat(guest.post("/namespaces/_/actions/victim?blocking=true&result=true", "{\"n\":1}").json()
            .path("who").asText()).isEqualTo("guest");
        assertThat(guest.post("/namespaces/_/actions/victim", "{\"sleepMs\":15000}").status()).isEqualTo(202);
        final InspectContainerResponse victim = inspect(awaitContainer("guest/victim"));
        final InspectContainerResponse stem = inspect(awaitContainer(DockerDriver.LABEL_STARTED_AS,
            DockerDriver.STARTED_AS_STEM_CELL));
        final List<String> targets = List.of(ipOf(victim), ipOf(stem));

        // From the host, the invoker's side of the network: the address is right and the proxy wants its secret.
        assertThat(postFromHost(ipOf(victim), "/run", "{\"value\":{}}", null)).isEqualTo(403);
        assertThat(postFromHost(ipOf(victim), "/run", "{\"value\":{\"n\":2}}", tokenOf(victim))).isEqualTo(200);
        assertThat(postFromHost(ipOf(stem), "/init", "{\"value\":{}}", null)).isEqualTo(403);

        assertThat(bob.putAction("attacker", """
            const http = require('http');
            function post(host, path, body) {
              return new Promise((resolve) => {
                const req = http.request({ host, port: 8080, path, method: 'POST', timeout: 1500,
                    headers: { 'Content-Type': 'application/json' } }, (res) => {
                  res.resume(); res.on('end', () => resolve('status ' + res.statusCode));
                });
                req.on('timeout', () => { req.destroy(); resolve('timeout'); });
                req.on('error', (e) => resolve('error ' + e.code));
                req.end(JSON.stringify(body));
              });
            }
            async function main(p) {
              const outcomes = [];
              for (const host of p.targets) {
                outcomes.push(await post(host, '/run', { value: { stolen: true } }));
                outcomes.push(await post(host, '/init', { value: { name: 'x', main: 'main', binary: false,
                    code: 'function main() { return { owned: true }; }' } }));
              }
              return { outcomes };
            }""", null).status()).isEqualTo(200);
        final Api.Reply attack = bob.post("/namespaces/_/actions/attacker?blocking=true&result=true",
            "{\"targets\":" + Json.MAPPER.valueToTree(targets) + "}");
        assertThat(attack.status()).as(attack.body()).isEqualTo(200);
        final List<String> outcomes = new ArrayList<>();
        attack.json().path("outcomes").forEach(o -> outcomes.add(o.asText()));
        assertThat(outcomes).hasSize(4).noneMatch(o -> o.startsWith("status"));

        // guest's warm container still runs guest's code, and a cold start of guest on a stem cell still works.
        assertThat(guest.post("/namespaces/_/actions/victim?blocking=true&result=true", "{\"n\":3}").json()
            .path("p").path("n").asInt()).isEqualTo(3);
        assertThat(guest.putAction("second", "function main() { return { fresh: true }; }", null).status())
            .isEqualTo(200);
        final Api.Reply second = guest.post("/namespaces/_/actions/second?blocking=true&result=true", "{}");
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        assertThat(second.json().path("fresh").asBoolean()).isTrue();
    }

    @Test
    void containersRunWithCpuSharesByMemoryAReadOnlyRootAndASizedTmpOnANetworkWithoutInterContainerTraffic()
        throws Exception
    {
        assertThat(guest.putAction("limits", "function main() { return {}; }", "\"limits\":{\"memory\":512}")
            .status()).isEqualTo(200);
        assertThat(guest.post("/namespaces/_/actions/limits?blocking=true", "{}").status()).isEqualTo(200);
        final InspectContainerResponse c = inspect(awaitContainer("guest/limits"));
        assertThat(c.getHostConfig().getCpuShares()).isEqualTo(ContainerSpec.cpuSharesFor(512, BUDGET_MB))
            .isEqualTo(256);
        assertThat(c.getHostConfig().getReadonlyRootfs()).isTrue();
        assertThat(c.getHostConfig().getTmpFs()).containsEntry("/tmp", "rw,nosuid,nodev,size=256m");
        assertThat(c.getHostConfig().getMemory()).isEqualTo(512L * 1024 * 1024);
        assertThat(c.getHostConfig().getMemorySwap()).isEqualTo(512L * 1024 * 1024);
        assertThat(c.getConfig().getEnv()).anyMatch(e -> e.startsWith("__OW_PROXY_TOKEN=") && e.length() > 40);
        final var network = docker.inspectNetworkCmd().withNetworkId(ContainerPoolConfig.DEFAULT_NETWORK).exec();
        assertThat(network.getOptions()).containsEntry(DockerDriver.ICC_OPTION, "false");
    }

    @Test
    void anActionThatFillsItsDiskIsStoppedByItsQuotaAndCannotWriteItsRoot() throws Exception
    {
        assertThat(guest.putAction("filler", """
            const fs = require('fs');
            function main() {
              let root;
              try { fs.writeFileSync('/app/planted.js', 'x'); root = 'written'; } catch (e) { root = e.code; }
              const chunk = Buffer.alloc(1024 * 1024, 7);
              let written = 0, code = 'none';
              const fd = fs.openSync('/tmp/fill', 'w');
              try { for (;;) { fs.writeSync(fd, chunk); written++; if (written > 4096) break; } }
              catch (e) { code = e.code; }
              fs.closeSync(fd);
              fs.unlinkSync('/tmp/fill');
              return { root, code, writtenMb: written };
            }""", null).status()).isEqualTo(200);
        final Api.Reply r = guest.post("/namespaces/_/actions/filler?blocking=true&result=true", "{}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("root").asText()).isEqualTo("EROFS");
        assertThat(r.json().path("code").asText()).isEqualTo("ENOSPC");
        assertThat(r.json().path("writtenMb").asInt()).isLessThanOrEqualTo(ContainerSpec.tmpMbFor(256));
    }

    /**
     * bob's burner (128 MB, 64 shares) spins eight threads while guest's action (512 MB, 256 shares) spins one, on a
     * machine of two cores. Were threads scheduled alike whatever their container, guest would get one ninth of
     * what the two use together; each container's CPU weight caps the burner at its own share, so guest keeps its
     * core (about half of the pair's use, more by its shares). Both report their CPU time, sampled every 100 ms, so
     * each one's use within the window where both ran is known. The machine is shared with other work, so only the
     * ratio between the two is asserted, with a wide margin.
     */
    @Test
    void aCpuBurnerOfOneNamespaceDoesNotStarveAnotherNamespacesActionOfItsShare() throws Exception
    {
        final String spinner = """
            const { Worker } = require('worker_threads');
            const spin = (ms) => 'const end = Date.now() + ' + ms + '; while (Date.now() < end) {}';
            async function main(p) {
              const start = Date.now(), cpu0 = process.cpuUsage();
              const samples = [[start, 0]];
              const workers = [];
              for (let i = 0; i < p.threads; i++) {
                workers.push(new Promise((resolve) => {
                  new Worker(spin(p.ms), { eval: true }).on('exit', resolve);
                }));
              }
              const timer = setInterval(() => {
                const c = process.cpuUsage(cpu0);
                samples.push([Date.now(), (c.user + c.system) / 1000]);
              }, 100);
              await Promise.all(workers);
              clearInterval(timer);
              const c = process.cpuUsage(cpu0);
              return { start, end: Date.now(), cpuMs: (c.user + c.system) / 1000, samples };
            }""";
        assertThat(bob.putAction("burner", spinner, "\"limits\":{\"memory\":128}").status()).isEqualTo(200);
        assertThat(guest.putAction("worker", spinner, "\"limits\":{\"memory\":512}").status()).isEqualTo(200);
        // Warm both first, so that the measured runs overlap fully rather than around a cold start.
        assertThat(bob.post("/namespaces/_/actions/burner?blocking=true&result=true", "{\"threads\":1,\"ms\":10}")
            .status()).isEqualTo(200);
        assertThat(guest.post("/namespaces/_/actions/worker?blocking=true&result=true",
            "{\"threads\":1,\"ms\":10}").status()).isEqualTo(200);

        final Api.Reply burning = bob.post("/namespaces/_/actions/burner",
            "{\"threads\":8,\"ms\":9000}");
        assertThat(burning.status()).isEqualTo(202);
        final String burnId = burning.json().path("activationId").asText();
        final Api.Reply work = guest.post("/namespaces/_/actions/worker?blocking=true&result=true",
            "{\"threads\":1,\"ms\":4000}");
        assertThat(work.status()).as(work.body()).isEqualTo(200);
        final JsonNode burn = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .until(() -> bob.get("/namespaces/_/activations/" + burnId), r -> r.status() == 200).json()
            .path("response").path("result");

        final JsonNode mine = work.json();
        final long from = Math.max(mine.path("start").asLong(), burn.path("start").asLong());
        final long to = Math.min(mine.path("end").asLong(), burn.path("end").asLong());
        assertThat(to - from).as("the two runs overlapped by at least 2 s").isGreaterThan(2_000);
        final double guestCpuMs = cpuWithin(mine.path("samples"), from, to);
        final double bobCpuMs = cpuWithin(burn.path("samples"), from, to);
        final double guestShare = guestCpuMs / (guestCpuMs + bobCpuMs);
        assertThat(guestShare).as("guest %.0f ms CPU, bob %.0f ms, in %d ms", guestCpuMs, bobCpuMs, to - from)
            .isGreaterThan(0.3);
    }

    /** The CPU ms the sampled process used between {@code from} and {@code to}, from its cumulative samples. */
    private static double cpuWithin(final JsonNode samples, final long from, final long to)
    {
        return cumulativeAt(samples, to) - cumulativeAt(samples, from);
    }

    private static double cumulativeAt(final JsonNode samples, final long t)
    {
        double before = 0;
        long beforeT = Long.MIN_VALUE;
        for (final JsonNode s : samples)
        {
            final long at = s.get(0).asLong();
            final double cpu = s.get(1).asDouble();
            if (at >= t)
            {
                if (beforeT == Long.MIN_VALUE)
                {
                    return cpu;
                }
                return before + (cpu - before) * (t - beforeT) / Math.max(1, at - beforeT);
            }
            before = cpu;
            beforeT = at;
        }
        return before;
    }

    private static String awaitContainer(final String actionLabel)
    {
        return awaitContainer(DockerDriver.LABEL_ACTION, actionLabel);
    }

    private static String awaitContainer(final String label, final String value)
    {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
        {
            final List<Container> found = docker.listContainersCmd().withLabelFilter(Map.of(
                DockerDriver.LABEL_INVOKER, TestPlatform.invokerLabel(), label, value)).exec();
            return found.isEmpty() ? null : found.get(0).getId();
        }, id -> id != null);
    }

    private static InspectContainerResponse inspect(final String id)
    {
        return docker.inspectContainerCmd(id).exec();
    }

    private static String ipOf(final InspectContainerResponse c)
    {
        return c.getNetworkSettings().getNetworks().get(ContainerPoolConfig.DEFAULT_NETWORK).getIpAddress();
    }

    private static String tokenOf(final InspectContainerResponse c)
    {
        for (final String e : c.getConfig().getEnv())
        {
            if (e.startsWith("__OW_PROXY_TOKEN="))
            {
                return e.substring("__OW_PROXY_TOKEN=".length());
            }
        }
        throw new AssertionError("no token in the container's environment");
    }

    private static int postFromHost(final String ip, final String path, final String body, final String token)
        throws Exception
    {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + ip + ":8080" + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null)
        {
            b.header("X-Whisk-Proxy-Token", token);
        }
        return Http.client().send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
