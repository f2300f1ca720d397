package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.launcher.node.Standalone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import dev.whisk.testkit.Http;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The platform as a user sees it: a real standalone platform (Netty, Disruptor, Chronicle Queue, Aeron, Docker),
 * driven over HTTP.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@NeedsDocker
class PlatformEndToEndTest
{
    @RegisterExtension
    static final TestPlatform platform = TestPlatform.standalone();
    static final Api api = platform.guest();

    @Test
    void blockingInvokeOfANewActionReturnsItsResult() throws Exception
    {
        final Api.Reply put = api.putAction("greet",
            "function main(p) { return { greeting: 'Hello, ' + p.name + '!' }; }", null);
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.json().path("version").asText()).isEqualTo("0.0.1");
        assertThat(put.json().path("exec").path("kind").asText()).isEqualTo("nodejs:20");

        final Api.Reply result = api.post("/namespaces/_/actions/greet?blocking=true&result=true",
            "{\"name\":\"Jane\"}");
        assertThat(result.status()).isEqualTo(200);
        assertThat(result.json().path("greeting").asText()).isEqualTo("Hello, Jane!");
        assertThat(result.activationIdHeader()).hasSize(32);

        final Api.Reply full = api.post("/namespaces/guest/actions/greet?blocking=true", "{\"name\":\"Joe\"}");
        assertThat(full.status()).isEqualTo(200);
        final JsonNode record = full.json();
        assertThat(record.path("response").path("status").asText()).isEqualTo("success");
        assertThat(record.path("response").path("success").asBoolean()).isTrue();
        assertThat(record.path("response").path("result").path("greeting").asText()).isEqualTo("Hello, Joe!");
        assertThat(record.path("namespace").asText()).isEqualTo("guest");
        assertThat(record.path("name").asText()).isEqualTo("greet");
    }

    @Test
    void nonBlockingInvokeAnswers202AndTheActivationCanBeFetchedWithItsLogs() throws Exception
    {
        api.putAction("logger", "function main(p) { console.log('got ' + p.n); console.error('warn ' + p.n);" +
            " return { n: p.n }; }", null);
        final Api.Reply accepted = api.post("/namespaces/_/actions/logger", "{\"n\":7}");
        assertThat(accepted.status()).isEqualTo(202);
        final String id = accepted.json().path("activationId").asText();
        assertThat(id).hasSize(32).isEqualTo(accepted.activationIdHeader());

        final AtomicReference<Api.Reply> fetched = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
        {
            fetched.set(api.get("/namespaces/_/activations/" + id));
            return fetched.get().status() == 200;
        });
        final JsonNode record = fetched.get().json();
        assertThat(record.path("activationId").asText()).isEqualTo(id);
        assertThat(record.path("response").path("result").path("n").asInt()).isEqualTo(7);
        // Lines of one stream keep their order; the engine interleaves stdout and stderr as they arrive.
        final java.util.List<String> lines = new java.util.ArrayList<>();
        record.path("logs").forEach(l -> lines.add(l.asText().substring(l.asText().indexOf(' ') + 1).trim()));
        assertThat(lines).containsExactlyInAnyOrder("stdout: got 7", "stderr: warn 7");

        final Api.Reply logs = api.get("/namespaces/_/activations/" + id + "/logs");
        assertThat(logs.json().path("logs")).hasSize(2);
        final Api.Reply result = api.get("/namespaces/_/activations/" + id + "/result");
        assertThat(result.json().path("result").path("n").asInt()).isEqualTo(7);
        assertThat(result.json().path("success").asBoolean()).isTrue();
        assertThat(result.json().path("status").asText()).isEqualTo("success");

        final Api.Reply list = api.get("/namespaces/_/activations?name=logger");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get(0).path("activationId").asText()).isEqualTo(id);
        assertThat(list.json().get(0).path("statusCode").asInt()).isZero();
    }

    @Test
    void aSecondInvokeReusesTheWarmContainerWithoutAnotherInit() throws Exception
    {
        api.putAction("counter", "let calls = 0; function main() { calls++; return { calls }; }", null);
        final Api.Reply first = api.post("/namespaces/_/actions/counter?blocking=true", "{}");
        final Api.Reply second = api.post("/namespaces/_/actions/counter?blocking=true", "{}");
        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(200);
        assertThat(first.annotation("initTime")).as("a cold start records initTime").isNotNull();
        assertThat(second.annotation("initTime")).as("a warm start has no initTime").isNull();
        assertThat(second.json().path("response").path("result").path("calls").asInt())
            .as("the same process served both").isEqualTo(2);
        assertThat(second.annotation("waitTime")).isNotNull();
    }

    @Test
    void anActionThatReturnsAnErrorGives502AndAnApplicationErrorRecord() throws Exception
    {
        api.putAction("failing", "function main() { return Promise.reject({ reason: 'no luck' }); }", null);
        final Api.Reply r = api.post("/namespaces/_/actions/failing?blocking=true", "{}");
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.json().path("response").path("status").asText()).isEqualTo("application error");
        assertThat(r.json().path("response").path("result").path("error").path("reason").asText())
            .isEqualTo("no luck");
        assertStored(r.activationIdHeader(), "application error");
    }

    @Test
    void anActionThatThrowsGives502AndADeveloperErrorRecord() throws Exception
    {
        api.putAction("throwing", "function main() { throw new Error('boom'); }", null);
        final Api.Reply r = api.post("/namespaces/_/actions/throwing?blocking=true", "{}");
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.json().path("response").path("status").asText()).isEqualTo("action developer error");
        assertThat(r.json().path("response").path("result").path("error").asText()).contains("boom");
        final Api.Reply again = api.post("/namespaces/_/actions/throwing?blocking=true&result=true", "{}");
        assertThat(again.status()).as("a fresh container runs the action again").isEqualTo(502);
        assertThat(again.json().path("error").asText()).contains("boom");
    }

    @Test
    void anActionThatOverrunsItsTimeLimitIsADeveloperErrorMarkedTimeout() throws Exception
    {
        api.putAction("sleepy", "function main() { return new Promise(r => setTimeout(() => r({}), 10000)); }",
            "\"limits\":{\"timeout\":1000}");
        final long start = System.nanoTime();
        final Api.Reply r = api.post("/namespaces/_/actions/sleepy?blocking=true", "{}");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(9_000);
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.json().path("response").path("status").asText()).isEqualTo("action developer error");
        assertThat(r.json().path("response").path("result").path("error").asText())
            .isEqualTo("The action exceeded its time limits of 1000 milliseconds.");
        assertThat(r.annotation("timeout").asBoolean()).isTrue();
        assertStored(r.activationIdHeader(), "action developer error");
    }

    @Test
    void aBlockingCallWhoseWaitRunsOutGets202AndTheRecordStillArrives() throws Exception
    {
        api.putAction("slow", "function main() { return new Promise(r => setTimeout(() => r({ done: true }), 1500)); }",
            null);
        final Api.Reply r = api.post("/namespaces/_/actions/slow?blocking=true&timeout=200", "{}");
        assertThat(r.status()).isEqualTo(202);
        final String id = r.json().path("activationId").asText();
        assertThat(id).hasSize(32);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
            .until(() -> api.get("/namespaces/_/activations/" + id).status() == 200);
        assertThat(api.get("/namespaces/_/activations/" + id + "/result").json().path("result").path("done")
            .asBoolean()).isTrue();
    }

    @Test
    void wrongCredentialsGet401AndAnUnknownActionGets404() throws Exception
    {
        final Api stranger = new Api(platform.apiHost(),
            "23bc46b1-71f6-4ed5-8c54-816aa4f8c502:123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP");
        final Api.Reply denied = stranger.get("/namespaces/_/actions");
        assertThat(denied.status()).isEqualTo(401);
        assertThat(denied.json().path("error").asText()).isEqualTo("The supplied authentication is invalid");
        assertThat(denied.json().path("code").asText()).isNotEmpty();

        final Api.Reply anonymous = new Api(platform.apiHost(), null).get("/namespaces/_/actions");
        assertThat(anonymous.status()).isEqualTo(401);

        final Api.Reply missing = api.post("/namespaces/_/actions/does-not-exist?blocking=true", "{}");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().path("error").asText()).isEqualTo("The requested resource does not exist.");
    }

    @Test
    void badInputGetsAClearErrorAndChangesNothing() throws Exception
    {
        api.putAction("stable", "function main() { return { v: 1 }; }", null);
        final String before = api.get("/namespaces/_/actions/stable").body();

        assertThat(api.put("/namespaces/_/actions/stable?overwrite=true", "{not json").status()).isEqualTo(400);
        assertThat(api.put("/namespaces/_/actions/stable?overwrite=true",
            "{\"limits\":{\"memory\":4096}}").json().path("error").asText())
            .isEqualTo("requirement failed: memory 4096 MB exceeds allowed threshold of 512 MB");
        assertThat(api.put("/namespaces/_/actions/stable?overwrite=true",
            "{\"exec\":{\"kind\":\"cobol:1\",\"code\":\"x\"}}").status()).isEqualTo(400);
        assertThat(api.put("/namespaces/_/actions/stable", "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"x\"}}")
            .status()).as("create over an existing name without overwrite").isEqualTo(409);
        assertThat(api.put("/namespaces/_/actions/bad%21name", "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"x\"}}")
            .status()).isEqualTo(400);
        assertThat(api.post("/namespaces/_/actions/stable?blocking=true", "[1,2]").status()).isEqualTo(400);

        assertThat(api.get("/namespaces/_/actions/stable").body()).isEqualTo(before);
    }

    private static void assertStored(final String id, final String status)
    {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
        {
            final Api.Reply stored = api.get("/namespaces/_/activations/" + id);
            assertThat(stored.status()).isEqualTo(200);
            assertThat(stored.json().path("response").path("status").asText()).isEqualTo(status);
        });
    }

    @Test
    void metricsCountTheInvokeItsContainerStartAndThePlatformsCpuAndAllocation() throws Exception
    {
        api.putAction("metered", "function main() { return {}; }", null);
        final String before = metrics();

        final Api.Reply invoked = api.post("/namespaces/_/actions/metered?blocking=true", "{}");
        assertThat(invoked.status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
        {
            final String after = metrics();
            assertThat(sample(after, "whisk_invocations_completed_total"))
                .isGreaterThanOrEqualTo(sample(before, "whisk_invocations_completed_total") + 1);
            assertThat(sample(after, "whisk_invocations_accepted_total"))
                .isGreaterThanOrEqualTo(sample(before, "whisk_invocations_accepted_total") + 1);
            // A new action's first run needs a container: cold, or a pre-warmed stem cell.
            assertThat(sample(after, "whisk_pool_cold_starts_total") + sample(after, "whisk_pool_prewarm_starts_total"))
                .isGreaterThanOrEqualTo(sample(before, "whisk_pool_cold_starts_total") +
                    sample(before, "whisk_pool_prewarm_starts_total") + 1);
            assertThat(sample(after, "whisk_pool_containers")).isPositive();
            assertThat(sample(after, "whisk_pool_memory_in_use_mb")).isPositive();
            assertThat(sample(after, "process_cpu_seconds_total"))
                .isGreaterThan(sample(before, "process_cpu_seconds_total"));
            assertThat(sample(after, "whisk_jvm_allocated_bytes_total"))
                .isGreaterThan(sample(before, "whisk_jvm_allocated_bytes_total"));
        });
    }

    private static String metrics() throws Exception
    {
        final HttpResponse<String> r = Http.client().send(
            HttpRequest.newBuilder(URI.create(platform.apiHost() + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static double sample(final String exposition, final String name)
    {
        final Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(exposition);
        assertThat(m.find()).as("sample %s in%n%s", name, exposition).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
