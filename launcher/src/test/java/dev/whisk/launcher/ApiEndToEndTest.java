package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.launcher.node.Standalone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The REST API beyond single actions, on the real platform: invokes through packages and bindings, the
 * {@code whisk.system} catalog, cross-namespace refusals, and per-namespace throttles set with {@code whisk admin}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@NeedsDocker
class ApiEndToEndTest
{
    private static final String SHOW_PARAMS = "function main(p) { return p; }";

    static String perMinuteAuth;
    static String narrowAuth;

    @RegisterExtension
    static final TestPlatform platform = TestPlatform.standalone().before(dir ->
    {
        perMinuteAuth = admin("user", "create", "perminute", "--invocations-per-minute", "2",
            "--data-dir", dir.toString());
        narrowAuth = admin("user", "create", "narrow", "--concurrent-invocations", "1",
            "--invocations-per-minute", "1000", "--data-dir", dir.toString());
    });
    static final Api guest = platform.guest();
    static final Api perMinute = platform.api(() -> perMinuteAuth);
    static final Api narrow = platform.api(() -> narrowAuth);

    @Test
    void invokeThroughABindingMergesPackageThenBindingThenActionThenBody() throws Exception
    {
        assertThat(guest.put("/namespaces/_/packages/lib", "{\"parameters\":[{\"key\":\"a\",\"value\":\"package\"}," +
            "{\"key\":\"b\",\"value\":\"package\"},{\"key\":\"c\",\"value\":\"package\"}," +
            "{\"key\":\"d\",\"value\":\"package\"}]}").status()).isEqualTo(200);
        assertThat(guest.putAction("lib/show", SHOW_PARAMS, "\"parameters\":[{\"key\":\"c\",\"value\":\"action\"}," +
            "{\"key\":\"d\",\"value\":\"action\"}]").status()).isEqualTo(200);
        assertThat(guest.put("/namespaces/_/packages/mine", "{\"binding\":{\"namespace\":\"_\",\"name\":\"lib\"}," +
            "\"parameters\":[{\"key\":\"b\",\"value\":\"binding\"},{\"key\":\"c\",\"value\":\"binding\"}]}")
            .status()).isEqualTo(200);

        final Api.Reply reply = guest.post("/namespaces/_/actions/mine/show?blocking=true&result=true",
            "{\"d\":\"body\"}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        final JsonNode r = reply.json();
        assertThat(r.path("a").asText()).isEqualTo("package");
        assertThat(r.path("b").asText()).isEqualTo("binding");
        assertThat(r.path("c").asText()).isEqualTo("action");
        assertThat(r.path("d").asText()).isEqualTo("body");

        final JsonNode direct = guest.post("/namespaces/_/actions/lib/show?blocking=true&result=true", "{}").json();
        assertThat(direct.path("b").asText()).isEqualTo("package");
        assertThat(direct.path("c").asText()).isEqualTo("action");
    }

    @Test
    void aSequencePassesEachResultOnAndRecordsItsComponents() throws Exception
    {
        guest.putAction("inc", "function main(p) { return { n: p.n + 1, by: p.by }; }",
            "\"parameters\":[{\"key\":\"by\",\"value\":\"inc\"}]");
        guest.putAction("dbl", "function main(p) { return { n: p.n * 2 }; }", null);
        guest.putAction("fail", "function main(p) { return { error: 'stop at ' + p.n }; }", null);
        assertThat(guest.put("/namespaces/_/actions/incdbl", "{\"exec\":{\"kind\":\"sequence\"," +
            "\"components\":[\"inc\",\"/_/dbl\"]}}").status()).isEqualTo(200);
        assertThat(guest.put("/namespaces/_/actions/nested", "{\"exec\":{\"kind\":\"sequence\"," +
            "\"components\":[\"incdbl\",\"inc\"]}}").status()).isEqualTo(200);
        assertThat(guest.put("/namespaces/_/actions/broken", "{\"exec\":{\"kind\":\"sequence\"," +
            "\"components\":[\"inc\",\"fail\",\"dbl\"]}}").status()).isEqualTo(200);

        final Api.Reply result = guest.post("/namespaces/_/actions/incdbl?blocking=true&result=true", "{\"n\":3}");
        assertThat(result.status()).as(result.body()).isEqualTo(200);
        assertThat(result.json().path("n").asInt()).isEqualTo(8);

        final Api.Reply full = guest.post("/namespaces/_/actions/incdbl?blocking=true", "{\"n\":1}");
        assertThat(full.json().path("response").path("result").path("n").asInt()).isEqualTo(4);
        final JsonNode componentIds = full.json().path("logs");
        assertThat(componentIds.size()).isEqualTo(2);
        final String seqId = full.json().path("activationId").asText();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
            guest.get("/namespaces/_/activations/" + componentIds.get(0).asText()).status() == 200 &&
            guest.get("/namespaces/_/activations/" + seqId).status() == 200);
        final JsonNode first = guest.get("/namespaces/_/activations/" + componentIds.get(0).asText()).json();
        assertThat(first.path("cause").asText()).isEqualTo(seqId);
        assertThat(first.path("name").asText()).isEqualTo("inc");
        assertThat(guest.get("/namespaces/_/activations/" + seqId).json().path("logs").size()).isEqualTo(2);

        assertThat(guest.post("/namespaces/_/actions/nested?blocking=true&result=true", "{\"n\":1}").json()
            .path("n").asInt()).isEqualTo(5);

        final Api.Reply broken = guest.post("/namespaces/_/actions/broken?blocking=true", "{\"n\":1}");
        assertThat(broken.status()).isEqualTo(502);
        assertThat(broken.json().path("response").path("result").path("error").asText()).isEqualTo("stop at 2");
        assertThat(broken.json().path("logs").size()).isEqualTo(2);

        final Api.Reply nonBlocking = guest.post("/namespaces/_/actions/incdbl", "{\"n\":0}");
        assertThat(nonBlocking.status()).isEqualTo(202);
        final String id = nonBlocking.json().path("activationId").asText();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
            .until(() -> guest.get("/namespaces/_/activations/" + id).status() == 200);
        assertThat(guest.get("/namespaces/_/activations/" + id + "/result").json().path("result").path("n").asInt())
            .isEqualTo(2);
    }

    @Test
    void everySubjectCanReadAndInvokeTheSystemUtilsPackage() throws Exception
    {
        final Api.Reply packages = perMinute.get("/namespaces/whisk.system/packages");
        assertThat(packages.status()).isEqualTo(200);
        assertThat(packages.body()).contains("\"utils\"");
        final JsonNode utils = guest.get("/namespaces/whisk.system/packages/utils").json();
        final List<String> names = new ArrayList<>();
        utils.path("actions").forEach(a -> names.add(a.path("name").asText()));
        assertThat(names).contains("echo", "cat", "head", "sort");

        final Api.Reply echo = guest.post("/namespaces/whisk.system/actions/utils/echo?blocking=true&result=true",
            "{\"hello\":\"world\"}");
        assertThat(echo.status()).as(echo.body()).isEqualTo(200);
        assertThat(echo.json().path("hello").asText()).isEqualTo("world");

        final String id = echo.activationIdHeader();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
            .until(() -> guest.get("/namespaces/_/activations/" + id).status() == 200);
        final JsonNode record = guest.get("/namespaces/_/activations/" + id).json();
        assertThat(record.path("namespace").asText()).isEqualTo("guest");
        assertThat(record.path("name").asText()).isEqualTo("echo");

        final Api.Reply write = guest.put("/namespaces/whisk.system/actions/utils/echo?overwrite=true",
            "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"function main(){return {hacked:true}}\"}}");
        assertThat(write.status()).isEqualTo(403);
        assertThat(guest.get("/namespaces/whisk.system/activations").status()).isEqualTo(403);
    }

    @Test
    void anotherNamespacesPrivateActionCannotBeInvoked() throws Exception
    {
        guest.putAction("secret", SHOW_PARAMS, null);
        final Api.Reply reply = perMinute.post("/namespaces/guest/actions/secret?blocking=true", "{}");
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.json().path("error").asText())
            .isEqualTo("The supplied authentication is not authorized to access 'guest/secret'.");
        assertThat(perMinute.post("/namespaces/guest/actions/absent?blocking=true", "{}").json().path("error")
            .asText()).isEqualTo("The supplied authentication is not authorized to access 'guest/absent'.");
    }

    @Test
    void invokesOverTheNamespacePerMinuteLimitAre429() throws Exception
    {
        assertThat(perMinute.get("/namespaces/_/limits").json().path("invocationsPerMinute").asInt()).isEqualTo(2);
        perMinute.putAction("tick", SHOW_PARAMS, null);
        Api.Reply refused = null;
        int admitted = 0;
        for (int i = 0; i < 6 && refused == null; i++)
        {
            final Api.Reply reply = perMinute.post("/namespaces/_/actions/tick?blocking=true", "{}");
            if (reply.status() == 429)
            {
                refused = reply;
            }
            else
            {
                assertThat(reply.status()).as(reply.body()).isEqualTo(200);
                admitted++;
            }
        }
        assertThat(refused).as("a 429 within 6 invokes at 2 per minute").isNotNull();
        assertThat(admitted).isGreaterThanOrEqualTo(2);
        assertThat(refused.json().path("error").asText())
            .isEqualTo("Too many requests in the last minute (count: 2, allowed: 2).");
        assertThat(refused.activationIdHeader()).isNull();
    }

    @Test
    void concurrentInvokesOverTheLimitAre429UntilTheRunningOneCompletes() throws Exception
    {
        narrow.putAction("slow", "function main(p) { return new Promise(r => setTimeout(() => r({done: true})," +
            " 1500)); }", null);
        final Api.Reply first = narrow.post("/namespaces/_/actions/slow", "{}");
        assertThat(first.status()).isEqualTo(202);
        final Api.Reply second = narrow.post("/namespaces/_/actions/slow", "{}");
        assertThat(second.status()).isEqualTo(429);
        assertThat(second.json().path("error").asText())
            .isEqualTo("Too many concurrent requests in flight (count: 1, allowed: 1).");

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .until(() -> narrow.get("/namespaces/_/activations/" + first.json().path("activationId").asText())
                .status() == 200);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
            .until(() -> narrow.post("/namespaces/_/actions/slow", "{}").status() == 202);
    }

    /** Runs {@code whisk admin ARGS} in-process and returns the last line it printed (log lines may precede it). */
    static String admin(final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final PrintStream saved = System.out;
        final int code;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try
        {
            final String[] all = new String[args.length + 1];
            all[0] = "admin";
            System.arraycopy(args, 0, all, 1, args.length);
            code = new CommandLine(new Whisk()).execute(all);
        }
        finally
        {
            System.setOut(saved);
        }
        assertThat(code).as("whisk admin exit code").isZero();
        final String[] lines = out.toString(StandardCharsets.UTF_8).trim().split("\n");
        return lines[lines.length - 1].trim();
    }
}
