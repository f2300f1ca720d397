package dev.whisk.frontdoor;

import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Messages;
import dev.whisk.storage.SubjectStore;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Basic authentication against the subject store: {@code Authorization: Basic base64(uuid:key)} selects one
 * namespace. Answers 401 itself, with OpenWhisk's texts, when the header is missing or the credential is wrong.
 */
public final class Authenticator
{
    private static final String BASIC = "basic ";
    private final SubjectStore subjects;

    public Authenticator(final SubjectStore subjects)
    {
        this.subjects = subjects;
    }

    /**
     * The identity of the request's Basic credential, or {@code null} when it has none or a wrong one; answers
     * nothing (web actions are tried with auth first, then anonymously).
     */
    public Identity tryAuthenticate(final Exchange ex)
    {
        final String header = ex.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null || header.length() <= BASIC.length() ||
            !header.regionMatches(true, 0, BASIC, 0, BASIC.length()))
        {
            return null;
        }
        try
        {
            final String decoded = new String(Base64.getDecoder().decode(header.substring(BASIC.length()).trim()),
                StandardCharsets.UTF_8);
            final int colon = decoded.indexOf(':');
            return colon <= 0 ? null : subjects.authenticate(decoded.substring(0, colon),
                decoded.substring(colon + 1));
        }
        catch (final IllegalArgumentException ex2)
        {
            return null;
        }
    }

    /** The caller's identity, or {@code null} after answering 401. */
    public Identity authenticate(final Exchange ex)
    {
        final String header = ex.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null || header.length() <= BASIC.length() ||
            !header.regionMatches(true, 0, BASIC, 0, BASIC.length()))
        {
            ex.sendError(HttpResponseStatus.UNAUTHORIZED, Messages.AUTH_REQUIRED);
            return null;
        }
        final String decoded;
        try
        {
            decoded = new String(Base64.getDecoder().decode(header.substring(BASIC.length()).trim()),
                StandardCharsets.UTF_8);
        }
        catch (final IllegalArgumentException ex2)
        {
            ex.sendError(HttpResponseStatus.UNAUTHORIZED, Messages.AUTH_INVALID);
            return null;
        }
        final int colon = decoded.indexOf(':');
        final Identity identity = colon <= 0 ? null :
            subjects.authenticate(decoded.substring(0, colon), decoded.substring(colon + 1));
        if (identity == null)
        {
            ex.sendError(HttpResponseStatus.UNAUTHORIZED, Messages.AUTH_INVALID);
        }
        return identity;
    }
}
