package dev.whisk.frontdoor;

import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Messages;
import dev.whisk.storage.SubjectStore;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
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
        return identify(ex.requestHeaders().get(HttpHeaderNames.AUTHORIZATION));
    }

    /** The caller's identity, or {@code null} after answering 401. */
    public Identity authenticate(final Exchange ex)
    {
        final String header = ex.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
        final Identity identity = identify(header);
        if (identity == null)
        {
            ex.sendError(HttpResponseStatus.UNAUTHORIZED, refusalOf(header));
        }
        return identity;
    }

    /**
     * What {@link #authenticate} would answer with 401 to a request with these headers, or {@code null} when their
     * credential is good: lets the front door refuse an upload on its headers, before its body is read.
     */
    public String refusal(final HttpHeaders headers)
    {
        final String header = headers.get(HttpHeaderNames.AUTHORIZATION);
        return identify(header) == null ? refusalOf(header) : null;
    }

    private static String refusalOf(final String header)
    {
        return isBasic(header) ? Messages.AUTH_INVALID : Messages.AUTH_REQUIRED;
    }

    private static boolean isBasic(final String header)
    {
        return header != null && header.length() > BASIC.length() &&
            header.regionMatches(true, 0, BASIC, 0, BASIC.length());
    }

    private Identity identify(final String header)
    {
        if (!isBasic(header))
        {
            return null;
        }
        final String decoded;
        try
        {
            decoded = new String(Base64.getDecoder().decode(header.substring(BASIC.length()).trim()),
                StandardCharsets.UTF_8);
        }
        catch (final IllegalArgumentException notBase64)
        {
            return null;
        }
        final int colon = decoded.indexOf(':');
        return colon <= 0 ? null : subjects.authenticate(decoded.substring(0, colon), decoded.substring(colon + 1));
    }
}
