package dev.whisk.frontdoor;

import dev.whisk.core.entity.NamespaceLimits;
import dev.whisk.testkit.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook's limits and its management: a post counts against the owner's fires per minute (429), a body over
 * the invoke limit is 413 as for a fire, and only the owner manages the secret, which no read shows again.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebhooksApiTest
{
    private static final HttpClient CLIENT = Http.client();

    @RegisterExtension
    static final TestServer server = new TestServer();

    @Test
    void postsCountAgainstTheOwnersFiresPerMinute() throws Exception
    {
        final Http owner = server.newNamespace("hooked", new NamespaceLimits(60, 30, 2));
        assertThat(owner.put("/namespaces/_/triggers/t", "{}").status()).isEqualTo(200);
        final String secret = owner.put("/namespaces/_/triggers/t/webhook", "").json().path("secret").asText();
        HttpResponse<String> refused = null;
        int accepted = 0;
        for (int i = 0; i < 6 && refused == null; i++)
        {
            final HttpResponse<String> r = post("/webhooks/hooked/t", "{}", secret);
            if (r.statusCode() == 429)
            {
                refused = r;
            }
            else
            {
                assertThat(r.statusCode()).as("no active rule").isEqualTo(204);
                accepted++;
            }
        }
        assertThat(refused).as("a 429 within 6 posts at 2 fires per minute").isNotNull();
        assertThat(accepted).isGreaterThanOrEqualTo(2);
        assertThat(refused.body()).contains("Too many requests in the last minute");
    }

    @Test
    void aBodyOverTheInvokeLimitIs413ForAWebhookAsForAFire() throws Exception
    {
        final Http alice = server.alice();
        assertThat(alice.put("/namespaces/_/triggers/big", "{}").status()).isEqualTo(200);
        final String secret = alice.put("/namespaces/_/triggers/big/webhook", "").json().path("secret").asText();
        final String huge = "{\"x\":\"" + "a".repeat(1024 * 1024 + 1) + "\"}";
        assertThat(post("/webhooks/alice/big", huge, secret).statusCode()).isEqualTo(413);
        assertThat(alice.post("/namespaces/_/triggers/big", huge).status()).isEqualTo(413);
    }

    @Test
    void onlyTheOwnerManagesTheWebhookAndNoReadShowsTheSecret() throws Exception
    {
        final Http alice = server.alice();
        assertThat(alice.put("/namespaces/_/triggers/mine", "{}").status()).isEqualTo(200);
        assertThat(alice.get("/namespaces/_/triggers/mine/webhook").status()).as("none yet").isEqualTo(404);
        final Http.Reply made = alice.put("/namespaces/_/triggers/mine/webhook", "");
        assertThat(made.status()).isEqualTo(200);
        final String secret = made.json().path("secret").asText();
        assertThat(made.json().path("path").asText()).isEqualTo("/api/v1/webhooks/alice/mine");
        assertThat(alice.get("/namespaces/_/triggers/mine/webhook").body()).doesNotContain(secret)
            .contains("/api/v1/webhooks/alice/mine");
        assertThat(alice.get("/namespaces/_/triggers/mine").body()).doesNotContain(secret);
        assertThat(alice.get("/namespaces/_/triggers").body()).doesNotContain(secret);

        assertThat(server.bob().put("/namespaces/alice/triggers/mine/webhook", "").status()).isEqualTo(403);
        assertThat(new Http(server.baseUrl(), null).put("/namespaces/alice/triggers/mine/webhook", "").status())
            .isEqualTo(401);
        assertThat(post("/webhooks/alice/mine", "{}", secret).statusCode()).isEqualTo(204);
        assertThat(alice.send("PATCH", "/namespaces/_/triggers/mine/webhook", "{}").status()).isEqualTo(405);

        assertThat(alice.delete("/namespaces/_/triggers/mine/webhook").status()).isEqualTo(200);
        assertThat(post("/webhooks/alice/mine", "{}", secret).statusCode()).isEqualTo(404);
        assertThat(alice.delete("/namespaces/_/triggers/mine/webhook").status()).isEqualTo(404);
    }

    private static HttpResponse<String> post(final String path, final String body, final String token)
        throws Exception
    {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .header("X-Webhook-Token", token)
            .build(), HttpResponse.BodyHandlers.ofString());
    }
}
