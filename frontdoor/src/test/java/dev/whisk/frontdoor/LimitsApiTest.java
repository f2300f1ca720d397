package dev.whisk.frontdoor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.core.entity.NamespaceLimits;
import dev.whisk.testkit.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /namespaces/{ns}/limits} and the action limit checks with the spec's texts. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LimitsApiTest
{
    @RegisterExtension
    static final TestServer server = new TestServer();
    static final Http alice = server.alice();

    @Test
    void aBodyDeclaredAsAnotherTypeIsRefusedWith415AndNothingIsStored() throws Exception
    {
        final String action = "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"function main() { return {}; }\"}}";
        final Http.Reply refused = alice.send("PUT", "/namespaces/_/actions/typed", action, "text/plain");
        assertThat(refused.status()).isEqualTo(415);
        assertThat(refused.json().path("error").asText())
            .isEqualTo("The request's Content-Type [text/plain] is not supported. Expected:\napplication/json");
        assertThat(alice.get("/namespaces/_/actions/typed").status()).isEqualTo(404);
        assertThat(alice.send("PUT", "/namespaces/_/actions/typed", action, "application/json; charset=utf-8")
            .status()).as("JSON with a charset is JSON").isEqualTo(200);
    }

    @Test
    void limitsRouteShowsTheNamespaceThrottlesAndTheActionRanges() throws Exception
    {
        final Http.Reply reply = alice.get("/namespaces/_/limits");
        assertThat(reply.status()).isEqualTo(200);
        final JsonNode l = reply.json();
        assertThat(l.path("invocationsPerMinute").asInt()).isEqualTo(60);
        assertThat(l.path("concurrentInvocations").asInt()).isEqualTo(30);
        assertThat(l.path("firesPerMinute").asInt()).isEqualTo(60);
        assertThat(l.path("minActionMemory").asInt()).isEqualTo(128);
        assertThat(l.path("maxActionMemory").asInt()).isEqualTo(512);
        assertThat(l.path("minActionTimeout").asInt()).isEqualTo(100);
        assertThat(l.path("maxActionTimeout").asInt()).isEqualTo(300_000);
        assertThat(l.path("minActionLogs").asInt()).isEqualTo(0);
        assertThat(l.path("maxActionLogs").asInt()).isEqualTo(10);
        assertThat(l.path("minActionConcurrency").asInt()).isEqualTo(1);
        assertThat(l.path("maxActionConcurrency").asInt()).isEqualTo(500);
        assertThat(l.path("maxParameterSize").asText()).isEqualTo("1 MB");
        assertThat(alice.get("/namespaces/alice/limits").status()).isEqualTo(200);
    }

    @Test
    void actionLimitsOutsideTheirRangesAreRefusedWithTheSpecsTexts() throws Exception
    {
        assertRefused("{\"timeout\":400000}",
            "requirement failed: timeout 400000 milliseconds exceeds allowed threshold of 300000 milliseconds");
        assertRefused("{\"timeout\":50}",
            "requirement failed: timeout 50 milliseconds below allowed threshold of 100 milliseconds");
        assertRefused("{\"memory\":1024}",
            "requirement failed: memory 1024 MB exceeds allowed threshold of 512 MB");
        assertRefused("{\"memory\":64}", "requirement failed: memory 64 MB below allowed threshold of 128 MB");
        assertRefused("{\"logs\":11}", "requirement failed: logs 11 MB exceeds allowed threshold of 10 MB");
        assertRefused("{\"concurrency\":501}", "requirement failed: concurrency 501 exceeds allowed threshold of 500");
        assertRefused("{\"concurrency\":0}", "requirement failed: concurrency 0 below allowed threshold of 1");
        assertThat(alice.get("/namespaces/_/actions/limited").status()).isEqualTo(404);

        final Http.Reply ok = alice.put("/namespaces/_/actions/limited", body("{\"concurrency\":500,\"memory\":128}"));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().path("limits").path("concurrency").asInt()).isEqualTo(500);
    }

    @Test
    void aNamespacesOwnActionMaximaReplaceTheSystemOnes() throws Exception
    {
        final Http big = server.newNamespace("big",
            NamespaceLimits.DEFAULT.withActionMaxima(1024, null, null, 10));
        final JsonNode l = big.get("/namespaces/_/limits").json();
        assertThat(l.path("maxActionMemory").asInt()).isEqualTo(1024);
        assertThat(l.path("maxActionConcurrency").asInt()).isEqualTo(10);
        assertThat(l.path("maxActionTimeout").asInt()).isEqualTo(300_000);

        assertThat(big.put("/namespaces/_/actions/large", body("{\"memory\":1024}")).status()).isEqualTo(200);
        final Http.Reply tooConcurrent = big.put("/namespaces/_/actions/busy", body("{\"concurrency\":11}"));
        assertThat(tooConcurrent.status()).isEqualTo(400);
        assertThat(tooConcurrent.error())
            .isEqualTo("requirement failed: concurrency 11 exceeds allowed threshold of 10");
        assertThat(alice.put("/namespaces/_/actions/large", body("{\"memory\":1024}")).status()).isEqualTo(400);
    }

    @Test
    void parametersOverOneMegabyteAre413() throws Exception
    {
        final String big = "x".repeat(1024 * 1024);
        final Http.Reply reply = alice.put("/namespaces/_/packages/big",
            "{\"parameters\":[{\"key\":\"k\",\"value\":\"" + big + "\"}]}");
        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.error()).startsWith("parameters larger than allowed: ").endsWith(" > 1048576 bytes.");
        assertThat(alice.get("/namespaces/_/packages/big").status()).isEqualTo(404);
    }

    private static void assertRefused(final String limits, final String message) throws Exception
    {
        final Http.Reply reply = alice.put("/namespaces/_/actions/limited", body(limits));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error()).isEqualTo(message);
    }

    private static String body(final String limits)
    {
        return "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"function main(p){return p}\"},\"limits\":" + limits + "}";
    }
}
