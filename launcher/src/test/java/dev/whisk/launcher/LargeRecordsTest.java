package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.core.entity.Messages;
import dev.whisk.frontdoor.FrontDoorConfig;
import dev.whisk.launcher.node.Controller;
import dev.whisk.launcher.node.Standalone;
import dev.whisk.scheduler.SchedulerConfig;
import dev.whisk.testkit.ChildJvm;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

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
 * Records of any allowed size reach the store with all their logs, in one process and across processes (where a
 * record longer than one Aeron message travels in parts): 1, 5 and 10 MB of logs, more than the 10 MB limit (cut,
 * with OpenWhisk's truncation line) and a result at its 1 MB limit. Afterwards the namespace, allowed 3 concurrent
 * invocations, still runs 3 at once: no run kept a slot.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
@NeedsDocker
class LargeRecordsTest
{
    private static final String TOKEN = "large-records-test-token-0123456789";
    /** Not 0 or 1, the ids other tests' invokers use: its containers carry the label {@code invoker-7}. */
    private static final int INVOKER_ID = 7;
    private static final int LINE_CHARS = 1023;
    /** Logs {@code p.kb} lines of 1023 characters (1 KB with its newline) and answers {@code p.result} chars. */
    private static final String LOGGER = "function main(p) { const line = 'x'.repeat(" + LINE_CHARS + ");" +
        " for (let i = 0; i < (p.kb || 0); i++) { console.log(line); }" +
        " return p.result ? { s: 'r'.repeat(p.result) } : { kb: p.kb }; }";
    private static final String SLEEPER =
        "function main(p) { return new Promise(r => setTimeout(() => r({ slept: true }), 300)); }";

    @TempDir
    Path dataDir;
    private Controller controller;
    /** After each test: the invoker JVMs stopped, then the controller closed, then the invoker's containers gone. */
    @RegisterExtension
    final ChildJvm.Processes invokers = ChildJvm.processes(() ->
    {
        if (controller != null)
        {
            controller.close();
        }
        TestPlatform.removeContainersOf("invoker-" + INVOKER_ID);
    });

    @Test
    void standaloneRecordsEveryAllowedSizeAndKeepsNoSlot() throws Exception
    {
        TestPlatform.requireDockerAndImage();
        final String auth = createBob();
        try (Standalone platform = TestPlatform.start(dataDir))
        {
            checkRecordsAndSlots(new Api(platform.apiHost(), auth));
        }
    }

    @Test
    void controllerAndInvokerRecordEveryAllowedSizeAndKeepNoSlot() throws Exception
    {
        TestPlatform.requireDockerAndImage();
        final String auth = createBob();
        final String completions = "127.0.0.1:" + ChildJvm.freeUdpPort();
        final FrontDoorConfig d = FrontDoorConfig.defaults();
        controller = new Controller(new Controller.Config(dataDir,
            new FrontDoorConfig("127.0.0.1", 0, 1, d.maxBodyBytes(), d.maxInvokeBodyBytes(), 60_000),
            SchedulerConfig.defaults(dataDir.resolve("journal")), completions,
            new InetSocketAddress("127.0.0.1", 0), TOKEN, INVOKER_ID + 1, 2_000));
        final String codeUrl = "http://127.0.0.1:" + controller.codeAddress().getPort();
        invokers.add(ChildJvm.whisk(List.of("invoker", "--id", Integer.toString(INVOKER_ID), "--listen",
            "127.0.0.1:" + ChildJvm.freeUdpPort(), "--controller", completions, "--code-url", codeUrl,
            "--invoker-token", TOKEN, "--memory-mb", "1024"),
            dataDir.resolve("invoker-0.log").toFile()));
        await().atMost(Duration.ofSeconds(90)).until(() -> controller.healthyInvokers() == 1);
        final Api bob = new Api(controller.apiHost(), auth);
        checkRecordsAndSlots(bob);

        // A request longer than one Aeron message: package, action and body parameters each near their 1 MB limit.
        final int n = 1000 * 1000;
        assertThat(bob.put("/namespaces/_/packages/big", "{\"parameters\":[{\"key\":\"p\",\"value\":\"" +
            "p".repeat(n) + "\"}]}").status()).isEqualTo(200);
        assertThat(bob.put("/namespaces/_/actions/big/sizes?overwrite=true", "{\"exec\":{\"kind\":\"nodejs:20\"," +
            "\"code\":\"function main(x) { return { p: x.p.length, a: x.a.length, b: x.b.length }; }\"}," +
            "\"parameters\":[{\"key\":\"a\",\"value\":\"" + "a".repeat(n) + "\"}]}").status()).isEqualTo(200);
        final Api.Reply sizes = bob.post("/namespaces/_/actions/big/sizes?blocking=true&result=true",
            "{\"b\":\"" + "b".repeat(n) + "\"}");
        assertThat(sizes.status()).as(sizes.body().length() > 300 ? sizes.body().substring(0, 300) : sizes.body())
            .isEqualTo(200);
        assertThat(sizes.json().path("p").asInt()).isEqualTo(n);
        assertThat(sizes.json().path("a").asInt()).isEqualTo(n);
        assertThat(sizes.json().path("b").asInt()).isEqualTo(n);
    }

    private String createBob()
    {
        return ApiEndToEndTest.admin("user", "create", "bob", "--concurrent-invocations", "3", "--data-dir",
            dataDir.toString());
    }

    private static void checkRecordsAndSlots(final Api bob) throws Exception
    {
        assertThat(bob.putAction("logger", LOGGER, null).status()).isEqualTo(200);
        assertThat(bob.putAction("sleeper", SLEEPER, null).status()).isEqualTo(200);

        for (final int kb : new int[] {1024, 5 * 1024, 10 * 1024})
        {
            final JsonNode record = run(bob, "{\"kb\":" + kb + "}");
            assertThat(record.path("response").path("status").asText()).isEqualTo("success");
            final JsonNode logs = record.path("logs");
            assertThat(logs.size()).as("every line of %d KB of logs is in the record", kb).isEqualTo(kb);
            assertThat(logs.get(kb - 1).asText()).endsWith("stdout: " + "x".repeat(LINE_CHARS));
        }

        final JsonNode over = run(bob, "{\"kb\":" + 12 * 1024 + "}");
        final JsonNode cut = over.path("logs");
        assertThat(cut.size()).as("lines up to the 10 MB limit, then the truncation line")
            .isEqualTo(10 * 1024 * 1024 / LINE_CHARS + 1);
        assertThat(cut.get(cut.size() - 1).asText())
            .endsWith(String.format(Messages.LOGS_TRUNCATED, 10L * 1024 * 1024));

        // {"s":"rrr...r"} is 8 bytes plus the r's: exactly the 1 MB limit.
        final int atLimit = 1024 * 1024 - 8;
        final JsonNode big = run(bob, "{\"result\":" + atLimit + "}");
        assertThat(big.path("response").path("status").asText()).isEqualTo("success");
        assertThat(big.path("response").path("result").path("s").asText()).hasSize(atLimit);

        // 3 concurrent invocations allowed: all 3 slots are free again.
        final List<CompletableFuture<Api.Reply>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            calls.add(CompletableFuture.supplyAsync(() -> call(bob, "/namespaces/_/actions/sleeper?blocking=true")));
        }
        for (final CompletableFuture<Api.Reply> c : calls)
        {
            final Api.Reply r = c.get(90, TimeUnit.SECONDS);
            assertThat(r.status()).as("no slot was kept by a large record: " + r.body()).isEqualTo(200);
        }
    }

    /** Runs the logger blocking with {@code args} and answers its stored record, once it is stored. */
    private static JsonNode run(final Api bob, final String args) throws Exception
    {
        final Api.Reply r = bob.post("/namespaces/_/actions/logger?blocking=true", args);
        assertThat(r.status()).as(r.body()).isIn(200, 502);
        final String id = r.json().path("activationId").asText();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .until(() -> bob.get("/namespaces/_/activations/" + id).status() == 200);
        return bob.get("/namespaces/_/activations/" + id).json();
    }

    private static Api.Reply call(final Api api, final String path)
    {
        try
        {
            return api.post(path, "{}");
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
