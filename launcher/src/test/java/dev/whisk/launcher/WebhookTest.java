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

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An outside system fires a trigger through its webhook with a per-trigger secret and no namespace key: a signed or
 * token-carrying POST reaches the rule's action with its JSON payload; wrong or missing proof, unknown triggers and
 * removed webhooks are refused without telling more.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@NeedsDocker
class WebhookTest
{
    private static final String PUSH = "{\"ref\":\"refs/heads/main\",\"pusher\":{\"name\":\"ada\"}}";

    @RegisterExtension
    static final TestPlatform platform = TestPlatform.standalone();
    static final Api api = platform.guest();
    static final HttpClient HTTP = Http.client();

    @Test
    void aSignedPostFromOutsideRunsTheRulesActionWithThePayload() throws Exception
    {
        assertThat(api.putAction("onPush", "function main(p) { return { ref: p.ref, by: p.pusher.name, " +
            "team: p.team }; }", null).status()).isEqualTo(200);
        assertThat(api.put("/namespaces/_/triggers/pushed",
            "{\"parameters\":[{\"key\":\"team\",\"value\":\"core\"}]}").status()).isEqualTo(200);
        assertThat(api.put("/namespaces/_/rules/deploy", "{\"trigger\":\"/_/pushed\",\"action\":\"/_/onPush\"}")
            .status()).isEqualTo(200);
        final Api.Reply hook = api.put("/namespaces/_/triggers/pushed/webhook", "");
        assertThat(hook.status()).as(hook.body()).isEqualTo(200);
        final String secret = hook.json().path("secret").asText();
        final String path = hook.json().path("path").asText();
        assertThat(secret).hasSize(64);
        assertThat(hook.json().path("url").asText()).isEqualTo(platform.apiHost() + path);
        assertThat(api.get("/namespaces/_/triggers/pushed/webhook").body()).as("the secret is shown once")
            .doesNotContain(secret);
        assertThat(api.get("/namespaces/_/triggers/pushed").body()).doesNotContain(secret);

        final HttpResponse<String> fired = post(path, PUSH, "X-Hub-Signature-256", signature(secret, PUSH));
        assertThat(fired.statusCode()).as(fired.body()).isEqualTo(202);
        final String triggerId = json(fired.body()).path("activationId").asText();
        final JsonNode triggerRecord = record(triggerId);
        final JsonNode line = json(triggerRecord.path("logs").get(0).asText());
        final JsonNode result = record(line.path("activationId").asText()).path("response").path("result");
        assertThat(result.path("ref").asText()).isEqualTo("refs/heads/main");
        assertThat(result.path("by").asText()).isEqualTo("ada");
        assertThat(result.path("team").asText()).as("the trigger's parameters under the payload").isEqualTo("core");

        final HttpResponse<String> byToken = post(path, "{\"ref\":\"refs/tags/v1\",\"pusher\":{\"name\":\"bo\"}}",
            "X-Webhook-Token", secret);
        assertThat(byToken.statusCode()).as("a plain token header, for tools that send one").isEqualTo(202);
    }

    @Test
    void wrongOrMissingProofIsRefusedWithoutDetailAndFiresNothing() throws Exception
    {
        assertThat(api.putAction("never", "function main(p) { return {}; }", null).status()).isEqualTo(200);
        assertThat(api.put("/namespaces/_/triggers/guarded", "{}").status()).isEqualTo(200);
        assertThat(api.put("/namespaces/_/rules/guard", "{\"trigger\":\"/_/guarded\",\"action\":\"/_/never\"}")
            .status()).isEqualTo(200);
        final JsonNode hook = api.put("/namespaces/_/triggers/guarded/webhook", "").json();
        final String secret = hook.path("secret").asText();
        final String path = hook.path("path").asText();

        final HttpResponse<String> unsigned = post(path, PUSH, null, null);
        final HttpResponse<String> forged = post(path, PUSH, "X-Hub-Signature-256", signature("not-the-secret", PUSH));
        final HttpResponse<String> tampered = post(path, PUSH.replace("ada", "eve"), "X-Hub-Signature-256",
            signature(secret, PUSH));
        final HttpResponse<String> badToken = post(path, PUSH, "X-Webhook-Token", secret + "x");
        for (final HttpResponse<String> r : java.util.List.of(unsigned, forged, tampered, badToken))
        {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(json(r.body()).path("error").asText()).isEqualTo("The supplied authentication is invalid");
        }

        assertThat(post(path.replace("guarded", "noSuchTrigger"), PUSH, "X-Webhook-Token", secret).statusCode())
            .isEqualTo(404);
        assertThat(api.put("/namespaces/_/triggers/pushless", "{}").status()).isEqualTo(200);
        assertThat(post(path.replace("guarded", "pushless"), PUSH, "X-Webhook-Token", secret).statusCode())
            .as("a trigger without a webhook is not reachable from outside").isEqualTo(404);

        final String rotated = api.put("/namespaces/_/triggers/guarded/webhook", "").json().path("secret").asText();
        assertThat(post(path, PUSH, "X-Webhook-Token", secret).statusCode()).as("the old secret is dead")
            .isEqualTo(401);
        assertThat(api.delete("/namespaces/_/triggers/guarded/webhook").status()).isEqualTo(200);
        assertThat(post(path, PUSH, "X-Webhook-Token", rotated).statusCode()).isEqualTo(404);

        final Api.Reply count = api.get("/namespaces/_/activations?count=true&name=guarded");
        assertThat(count.json().path("activations").asInt()).as("no refused post fired the trigger").isZero();
    }

    @Test
    void aReplayedDeliveryIsRefusedAndAnOldTimestampToo() throws Exception
    {
        assertThat(api.putAction("counted", "function main(p) { return { n: p.n }; }", null).status())
            .isEqualTo(200);
        assertThat(api.put("/namespaces/_/triggers/replayed", "{}").status()).isEqualTo(200);
        assertThat(api.put("/namespaces/_/rules/count", "{\"trigger\":\"/_/replayed\",\"action\":\"/_/counted\"}")
            .status()).isEqualTo(200);
        final JsonNode hook = api.put("/namespaces/_/triggers/replayed/webhook", "").json();
        final String secret = hook.path("secret").asText();
        final String path = hook.path("path").asText();

        // Timestamped and signed over "<timestamp>.<body>": the first delivery fires, the same request again is 409.
        final String now = Long.toString(System.currentTimeMillis() / 1000);
        final String body = "{\"n\":1}";
        final String[] fresh = {"X-Webhook-Timestamp", now, "X-Hub-Signature-256", signature(secret, now + "." + body)};
        final HttpResponse<String> first = post(path, body, fresh);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        final HttpResponse<String> replay = post(path, body, fresh);
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(409);
        assertThat(json(replay.body()).path("error").asText()).contains("already received")
            .contains("replayed delivery is refused");

        // The body's signature alone does not cover a timestamp: refused as a forgery.
        assertThat(post(path, body, "X-Webhook-Timestamp", now, "X-Hub-Signature-256", signature(secret, body))
            .statusCode()).isEqualTo(401);
        // A correctly signed request from 10 minutes ago is too old, whatever else is right.
        final String old = Long.toString(System.currentTimeMillis() / 1000 - 600);
        final HttpResponse<String> stale = post(path, "{\"n\":2}", "X-Webhook-Timestamp", old,
            "X-Hub-Signature-256", signature(secret, old + ".{\"n\":2}"));
        assertThat(stale.statusCode()).isEqualTo(401);
        assertThat(json(stale.body()).path("error").asText()).contains("X-Webhook-Timestamp").contains("300 seconds");

        // GitHub style, no timestamp: a copy of the same signed delivery within the window is refused.
        final String push = "{\"n\":3}";
        assertThat(post(path, push, "X-Hub-Signature-256", signature(secret, push)).statusCode()).isEqualTo(202);
        assertThat(post(path, push, "X-Hub-Signature-256", signature(secret, push)).statusCode()).isEqualTo(409);
        // A token with a delivery id: the id is the delivery; a new id is a new delivery.
        assertThat(post(path, "{\"n\":4}", "X-Webhook-Token", secret, "X-Webhook-Delivery", "d-1").statusCode())
            .isEqualTo(202);
        assertThat(post(path, "{\"n\":4}", "X-Webhook-Token", secret, "X-Webhook-Delivery", "d-1").statusCode())
            .isEqualTo(409);
        assertThat(post(path, "{\"n\":4}", "X-Webhook-Token", secret, "X-Webhook-Delivery", "d-2").statusCode())
            .isEqualTo(202);

        // Each 202 came once its fire was durable; the refused deliveries fired nothing.
        assertThat(api.get("/namespaces/_/activations?count=true&name=replayed").json().path("activations").asInt())
            .as("only the 4 accepted deliveries fired").isEqualTo(4);
    }

    private static HttpResponse<String> post(final String path, final String body, final String... headers)
        throws Exception
    {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(platform.apiHost() + path))
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2)
        {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(final String path, final String body, final String header,
        final String value) throws Exception
    {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(platform.apiHost() + path))
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
        if (header != null)
        {
            b.header(header, value);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What GitHub sends: {@code sha256=} and the hex HMAC-SHA256 of the body keyed by the secret. */
    private static String signature(final String secret, final String body) throws Exception
    {
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static JsonNode json(final String text) throws Exception
    {
        return dev.whisk.core.json.Json.MAPPER.readTree(text);
    }

    private static JsonNode record(final String activationId) throws Exception
    {
        final AtomicReference<Api.Reply> stored = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
        {
            stored.set(api.get("/namespaces/_/activations/" + activationId));
            return stored.get().status() == 200;
        });
        return stored.get().json();
    }
}
