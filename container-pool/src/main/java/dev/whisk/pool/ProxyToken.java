package dev.whisk.pool;

import io.netty.util.AsciiString;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Per-container secrets. Each container gets a fresh random token in {@value #ENV} at creation; our proxy then
 * answers {@code /init} and {@code /run} only to requests that carry it, so nothing but the invoker that created
 * the container can drive it, even from the same network. Images that do not know the variable ignore it and
 * the header, and keep the plain protocol, protected by the network alone. Thread-safe.
 */
final class ProxyToken
{
    static final String ENV = "__OW_PROXY_TOKEN";
    private static final int TOKEN_BYTES = 24;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ProxyToken()
    {
    }

    /** A new token of 192 random bits, as 32 URL-safe base64 characters ready to go into a header. */
    static AsciiString next()
    {
        final byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        return new AsciiString(Base64.getUrlEncoder().withoutPadding().encode(bytes), false);
    }
}
