package dev.whisk.frontdoor.api;

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

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

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
 * Stateless, called on event loops.
 */
public final class WebhooksApi
{
    /** The path under {@code /api/v1} that outside systems post to. */
    public static final String SEGMENT = "webhooks";
    private static final String SIGNATURE_HEADER = "X-Hub-Signature-256";
    private static final String SIGNATURE_PREFIX = "sha256=";
    private static final String TOKEN_HEADER = "X-Webhook-Token";
    private static final String GITLAB_TOKEN_HEADER = "X-Gitlab-Token";
    private static final int SECRET_BYTES = 32;
    private static final String HMAC = "HmacSHA256";

    private final EntityStore store;
    private final SubjectStore subjects;
    private final TriggersApi triggers;
    private final SecureRandom random = new SecureRandom();

    private final dev.whisk.core.entity.KeySeal seal;

    public WebhooksApi(final EntityStore store, final SubjectStore subjects, final TriggersApi triggers)
    {
        this(store, subjects, triggers, dev.whisk.core.entity.KeySeal.ephemeral());
    }

    /** @param seal seals each secret before it is stored: the entity store never holds one in plain text. */
    public WebhooksApi(final EntityStore store, final SubjectStore subjects, final TriggersApi triggers,
        final dev.whisk.core.entity.KeySeal seal)
    {
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
        if (!isAuthentic(ex.requestHeaders(), body, seal.open(t.webhookSecret())))
        {
            throw new ApiError(HttpResponseStatus.UNAUTHORIZED, Messages.AUTH_INVALID);
        }
        final Identity owner = subjects.findByNamespace(t.namespace());
        if (owner == null)
        {
            throw ApiError.notFound();
        }
        triggers.fire(ex, owner, t, body);
    }

    /**
     * Whether the request proves {@code secret} by a signature of {@code body} or by a token, in constant time. A
     * signature, when sent, decides alone: a token beside a wrong signature does not count.
     */
    static boolean isAuthentic(final HttpHeaders headers, final byte[] body, final String secret)
    {
        final byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        final String signature = headers.get(SIGNATURE_HEADER);
        if (signature != null)
        {
            final byte[] expected = (SIGNATURE_PREFIX + HexFormat.of().formatHex(hmac(key, body)))
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
