package dev.whisk.frontdoor.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.entity.EntityName;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.entity.WhiskTrigger;
import dev.whisk.core.json.Json;
import dev.whisk.frontdoor.ApiError;
import dev.whisk.frontdoor.Exchange;
import dev.whisk.storage.EntityStore;
import dev.whisk.storage.SubjectStore;
import dev.whisk.storage.WriteResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhooks: lets an outside system (a git host, a chat tool) fire a trigger with its JSON payload by proving a
 * per-trigger secret instead of holding the namespace's key.
 *
 * <ul>
 * <li>{@code PUT /namespaces/{ns}/triggers/{t}/webhook} (authenticated) creates or rotates the secret and answers
 *     {@code {url, path, secret}}; the secret is shown only here. {@code GET} answers {@code {url, path}} (404 when
 *     there is none), {@code DELETE} removes it.</li>
 * <li>{@code POST /api/v1/webhooks/{ns}/{t}} (no key) fires the trigger as its namespace's owner with the body as
 *     the event, when the request carries either {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body
 *     keyed by the secret>} (GitHub, Gitea, and others that sign) or the secret itself in {@code X-Webhook-Token}
 *     (or GitLab's {@code X-Gitlab-Token}, for tools that send a token). Both are compared in constant time. A
 *     missing or wrong proof is 401 with the same text as a bad key; a trigger that does not exist or has no webhook
 *     is 404; the body is limited as an invoke's; the fire counts against the owner's fires per minute (429) and
 *     answers as a fire does (202 once durable, 204 with no active rule).</li>
 * </ul>
 *
 * <p>Replays are refused. A sender may send {@code X-Webhook-Timestamp: <seconds since the epoch>}; the signature
 * then covers {@code <timestamp>.<body>}, and a request whose timestamp is more than {@value #REPLAY_WINDOW_S} s
 * from the platform's clock is 401. Every signed delivery is remembered by its signature for the window, and a token
 * delivery by its delivery id ({@code X-Webhook-Delivery}, or GitHub's {@code X-GitHub-Delivery}, GitLab's
 * {@code X-Gitlab-Event-UUID}) when it sends one: the same delivery again within the window is 409. With a
 * timestamp a signed request cannot be replayed at all: within the window it is known, after it it is too old.
 * Without one, a copy is refused within the window only. Memory is bounded ({@link WebhookDeliveries}).
 * Called on event loops.
 */
public final class WebhooksApi
{
    /** The path under {@code /api/v1} that outside systems post to. */
    public static final String SEGMENT = "webhooks";
    private static final String SIGNATURE_HEADER = "X-Hub-Signature-256";
    private static final String SIGNATURE_PREFIX = "sha256=";
    private static final String TOKEN_HEADER = "X-Webhook-Token";
    private static final String GITLAB_TOKEN_HEADER = "X-Gitlab-Token";
    static final String TIMESTAMP_HEADER = "X-Webhook-Timestamp";
    private static final String[] DELIVERY_HEADERS =
        {"X-Webhook-Delivery", "X-GitHub-Delivery", "X-Gitlab-Event-UUID"};
    static final long REPLAY_WINDOW_S = 300;
    /** Deliveries remembered at most at once: about 100 bytes each. */
    private static final int MAX_REMEMBERED_DELIVERIES = 100_000;
    private static final int SECRET_BYTES = 32;
    private static final String HMAC = "HmacSHA256";

    private final EntityStore store;
    private final SubjectStore subjects;
    private final TriggersApi triggers;
    private final SecureRandom random = new SecureRandom();

    private final dev.whisk.core.entity.KeySeal seal;
    private final WebhookDeliveries deliveries;

    public WebhooksApi(final EntityStore store, final SubjectStore subjects, final TriggersApi triggers)
    {
        this(store, subjects, triggers, dev.whisk.core.entity.KeySeal.ephemeral());
    }

    /** @param seal seals each secret before it is stored: the entity store never holds one in plain text. */
    public WebhooksApi(final EntityStore store, final SubjectStore subjects, final TriggersApi triggers,
        final dev.whisk.core.entity.KeySeal seal)
    {
        this(store, subjects, triggers, seal, System::currentTimeMillis);
    }

    /** As above, reading the time (ms since the epoch) from {@code clockMs}: timestamps are checked against it. */
    WebhooksApi(final EntityStore store, final SubjectStore subjects, final TriggersApi triggers,
        final dev.whisk.core.entity.KeySeal seal, final java.util.function.LongSupplier clockMs)
    {
        this.deliveries = new WebhookDeliveries(REPLAY_WINDOW_S * 1000, MAX_REMEMBERED_DELIVERIES, clockMs);
        this.seal = seal;
        this.store = store;
        this.subjects = subjects;
        this.triggers = triggers;
    }

    /** {@code PUT .../triggers/{t}/webhook}: a new secret replaces any old one at once. */
    public void rotate(final Exchange ex, final String namespace, final String name)
    {
        final WhiskTrigger t = TriggersApi.find(store, namespace, name);
        final byte[] secretBytes = new byte[SECRET_BYTES];
        random.nextBytes(secretBytes);
        final String secret = HexFormat.of().formatHex(secretBytes);
        final ObjectNode body = where(ex, namespace, name).put("secret", secret);
        answer(ex, t, t.withWebhookSecret(seal.seal(secret), Writes.stamp(t.updated())), body);
    }

    /** {@code GET .../triggers/{t}/webhook}: where to post, never the secret. */
    public void get(final Exchange ex, final String namespace, final String name)
    {
        if (TriggersApi.find(store, namespace, name).webhookSecret() == null)
        {
            throw ApiError.notFound();
        }
        ex.sendJson(HttpResponseStatus.OK, TriggersApi.bytes(where(ex, namespace, name)));
    }

    /** {@code DELETE .../triggers/{t}/webhook}: posts to the webhook are refused (404) from now on. */
    public void remove(final Exchange ex, final String namespace, final String name)
    {
        final WhiskTrigger t = TriggersApi.find(store, namespace, name);
        if (t.webhookSecret() == null)
        {
            throw ApiError.notFound();
        }
        answer(ex, t, t.withWebhookSecret(null, Writes.stamp(t.updated())), where(ex, namespace, name));
    }

    /** {@code POST /api/v1/webhooks/{ns}/{t}}, unauthenticated; {@code seg}: the path segments after the prefix. */
    public void receive(final Exchange ex, final String[] seg)
    {
        if (seg.length != 3)
        {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, Messages.ROUTE_NOT_FOUND);
        }
        if (ex.method() != HttpMethod.POST)
        {
            throw new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED,
                "HTTP method not allowed, supported methods: POST");
        }
        final byte[] body = ex.body();
        if (!EntityName.isValid(seg[1]) || !EntityName.isValid(seg[2]) ||
            !(store.get(seg[1] + "/" + seg[2]) instanceof WhiskTrigger t) || t.webhookSecret() == null)
        {
            throw ApiError.notFound();
        }
        final HttpHeaders headers = ex.requestHeaders();
        if (!isAuthentic(headers, body, seal.open(t.webhookSecret())))
        {
            throw new ApiError(HttpResponseStatus.UNAUTHORIZED, Messages.AUTH_INVALID);
        }
        final String timestamp = headers.get(TIMESTAMP_HEADER);
        if (timestamp != null && !isFresh(timestamp, deliveries.nowMs()))
        {
            throw new ApiError(HttpResponseStatus.UNAUTHORIZED, Messages.webhookStale(REPLAY_WINDOW_S));
        }
        final Identity owner = subjects.findByNamespace(t.namespace());
        if (owner == null)
        {
            throw ApiError.notFound();
        }
        final String delivery = deliveryKey(t, headers);
        if (delivery != null)
        {
            final WebhookDeliveries.Outcome seen = deliveries.tryRecord(delivery);
            if (seen == WebhookDeliveries.Outcome.REPLAYED)
            {
                throw new ApiError(HttpResponseStatus.CONFLICT, Messages.webhookReplayed(REPLAY_WINDOW_S));
            }
            if (seen == WebhookDeliveries.Outcome.FULL)
            {
                throw new ApiError(HttpResponseStatus.TOO_MANY_REQUESTS, Messages.WEBHOOK_DELIVERIES_FULL);
            }
        }
        try
        {
            triggers.fire(ex, owner, t, body);
        }
        catch (final ApiError | dev.whisk.frontdoor.invoke.Refusal refused)
        {
            // Not fired (over the fire rate, a body that is not an object): the sender's retry is not a replay.
            if (delivery != null)
            {
                deliveries.forget(delivery);
            }
            throw refused;
        }
    }

    /** Whether {@code timestamp} (seconds since the epoch) is within the replay window of {@code nowMs}. */
    static boolean isFresh(final String timestamp, final long nowMs)
    {
        final long seconds;
        try
        {
            seconds = Long.parseLong(timestamp.trim());
        }
        catch (final NumberFormatException notSeconds)
        {
            return false;
        }
        return Math.abs(nowMs / 1000 - seconds) <= REPLAY_WINDOW_S;
    }

    /**
     * What names one delivery of {@code t}: its signature, else a delivery id a token sender gave; {@code null} when
     * nothing does (a token without a delivery id, which proves only that the sender holds the secret).
     */
    private static String deliveryKey(final WhiskTrigger t, final HttpHeaders headers)
    {
        final String signature = headers.get(SIGNATURE_HEADER);
        if (signature != null)
        {
            return t.docId() + "\0s\0" + signature.trim().toLowerCase(java.util.Locale.ROOT);
        }
        for (final String name : DELIVERY_HEADERS)
        {
            final String id = headers.get(name);
            if (id != null && !id.isBlank())
            {
                return t.docId() + "\0d\0" + id.trim();
            }
        }
        return null;
    }

    /**
     * Whether the request proves {@code secret} by a signature of {@code body} (of {@code <timestamp>.<body>} when it
     * carries {@value #TIMESTAMP_HEADER}) or by a token, in constant time. A signature, when sent, decides alone: a
     * token beside a wrong signature does not count.
     */
    static boolean isAuthentic(final HttpHeaders headers, final byte[] body, final String secret)
    {
        final byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        final String signature = headers.get(SIGNATURE_HEADER);
        if (signature != null)
        {
            final String timestamp = headers.get(TIMESTAMP_HEADER);
            final byte[] expected = (SIGNATURE_PREFIX + HexFormat.of().formatHex(hmac(key,
                timestamp == null ? body : signed(timestamp, body))))
                .getBytes(StandardCharsets.US_ASCII);
            return MessageDigest.isEqual(expected, signature.trim().toLowerCase(java.util.Locale.ROOT)
                .getBytes(StandardCharsets.US_ASCII));
        }
        String token = headers.get(TOKEN_HEADER);
        if (token == null)
        {
            token = headers.get(GITLAB_TOKEN_HEADER);
        }
        return token != null && MessageDigest.isEqual(key, token.trim().getBytes(StandardCharsets.UTF_8));
    }

    /** {@code <timestamp>.<body>}: what a sender that sends a timestamp signs. */
    static byte[] signed(final String timestamp, final byte[] body)
    {
        final byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.UTF_8);
        final byte[] all = java.util.Arrays.copyOf(prefix, prefix.length + body.length);
        System.arraycopy(body, 0, all, prefix.length, body.length);
        return all;
    }

    /** HMAC-SHA256 of {@code body} keyed by {@code key}: what a signing sender puts in the signature header. */
    static byte[] hmac(final byte[] key, final byte[] body)
    {
        try
        {
            final Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac.doFinal(body);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", ex);
        }
    }

    private void answer(final Exchange ex, final WhiskTrigger current, final WhiskTrigger next, final ObjectNode body)
    {
        store.put(next, current).whenComplete((result, failure) ->
        {
            if (failure != null)
            {
                ex.sendError(HttpResponseStatus.INTERNAL_SERVER_ERROR, Messages.INTERNAL_ERROR);
            }
            else if (result == WriteResult.OK)
            {
                ex.sendJson(HttpResponseStatus.OK, TriggersApi.bytes(body));
            }
            else
            {
                ex.sendError(HttpResponseStatus.CONFLICT, Messages.CONCURRENT_MODIFICATION);
            }
        });
    }

    /** {@code {path, url}}; the url from the request's Host (and X-Forwarded-Proto, when a proxy sets it). */
    private static ObjectNode where(final Exchange ex, final String namespace, final String name)
    {
        final String path = "/api/v1/" + SEGMENT + "/" + namespace + "/" + name;
        final ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("path", path);
        final String host = ex.requestHeaders().get(HttpHeaderNames.HOST);
        if (host != null)
        {
            final String proto = ex.requestHeaders().get("X-Forwarded-Proto");
            out.put("url", ("https".equalsIgnoreCase(proto) ? "https" : "http") + "://" + host + path);
        }
        return out;
    }
}
