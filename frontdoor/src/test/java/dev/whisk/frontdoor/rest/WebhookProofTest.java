package dev.whisk.frontdoor.rest;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** What proves a webhook's secret: the GitHub-style body signature, else a token header; nothing else. */
class WebhookProofTest
{
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final byte[] BODY = "{\"zen\":\"Keep it logically awesome.\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void acceptsTheHmacSignatureOfTheBodyInEitherHexCase()
    {
        final String hex = HexFormat.of().formatHex(WebhooksApi.hmac(SECRET.getBytes(StandardCharsets.UTF_8), BODY));
        assertThat(WebhooksApi.isAuthentic(headers("X-Hub-Signature-256", "sha256=" + hex), BODY, SECRET)).isTrue();
        assertThat(WebhooksApi.isAuthentic(headers("x-hub-signature-256", "sha256=" + hex.toUpperCase()), BODY,
            SECRET)).isTrue();
    }

    @Test
    void refusesASignatureOfAnotherBodyOrKeyOrWithoutItsPrefix()
    {
        final byte[] key = SECRET.getBytes(StandardCharsets.UTF_8);
        final String other = HexFormat.of().formatHex(WebhooksApi.hmac(key, "{}".getBytes(StandardCharsets.UTF_8)));
        final String wrongKey = HexFormat.of().formatHex(WebhooksApi.hmac("x".getBytes(StandardCharsets.UTF_8),
            BODY));
        final String bare = HexFormat.of().formatHex(WebhooksApi.hmac(key, BODY));
        assertThat(WebhooksApi.isAuthentic(headers("X-Hub-Signature-256", "sha256=" + other), BODY, SECRET)).isFalse();
        assertThat(WebhooksApi.isAuthentic(headers("X-Hub-Signature-256", "sha256=" + wrongKey), BODY, SECRET))
            .isFalse();
        assertThat(WebhooksApi.isAuthentic(headers("X-Hub-Signature-256", bare), BODY, SECRET)).isFalse();
    }

    @Test
    void acceptsTheSecretAsATokenButNotBesideAWrongSignature()
    {
        assertThat(WebhooksApi.isAuthentic(headers("X-Webhook-Token", SECRET), BODY, SECRET)).isTrue();
        assertThat(WebhooksApi.isAuthentic(headers("X-Gitlab-Token", SECRET), BODY, SECRET)).isTrue();
        assertThat(WebhooksApi.isAuthentic(headers("X-Webhook-Token", SECRET + "0"), BODY, SECRET)).isFalse();
        assertThat(WebhooksApi.isAuthentic(headers("X-Webhook-Token", ""), BODY, SECRET)).isFalse();
        final HttpHeaders both = headers("X-Webhook-Token", SECRET).add("X-Hub-Signature-256", "sha256=00");
        assertThat(WebhooksApi.isAuthentic(both, BODY, SECRET)).isFalse();
    }

    @Test
    void refusesARequestWithNoProof()
    {
        assertThat(WebhooksApi.isAuthentic(new DefaultHttpHeaders(), BODY, SECRET)).isFalse();
        assertThat(WebhooksApi.isAuthentic(headers("Authorization", "Basic " + SECRET), BODY, SECRET)).isFalse();
    }

    @Test
    void withATimestampTheSignatureMustCoverIt()
    {
        final byte[] key = SECRET.getBytes(StandardCharsets.UTF_8);
        final String ts = "1700000000";
        final String covering = HexFormat.of().formatHex(WebhooksApi.hmac(key, WebhooksApi.signed(ts, BODY)));
        final String bodyOnly = HexFormat.of().formatHex(WebhooksApi.hmac(key, BODY));
        assertThat(WebhooksApi.isAuthentic(headers("X-Hub-Signature-256", "sha256=" + covering)
            .add(WebhooksApi.TIMESTAMP_HEADER, ts), BODY, SECRET)).isTrue();
        assertThat(WebhooksApi.isAuthentic(headers("X-Hub-Signature-256", "sha256=" + bodyOnly)
            .add(WebhooksApi.TIMESTAMP_HEADER, ts), BODY, SECRET)).as("a body-only signature with a timestamp")
            .isFalse();
        assertThat(WebhooksApi.isAuthentic(headers("X-Hub-Signature-256", "sha256=" + covering)
            .add(WebhooksApi.TIMESTAMP_HEADER, "1700000001"), BODY, SECRET)).as("another timestamp").isFalse();
    }

    private static HttpHeaders headers(final String name, final String value)
    {
        return new DefaultHttpHeaders().add(name, value);
    }
}
