package dev.whisk.frontdoor.invoke;

/**
 * Why the platform will not take a request: a kind a client can act on and the catalogue message it sees. Thrown by
 * the invocation, composition and event services, which know no HTTP; the REST layer maps the kind to a status (see
 * {@link dev.whisk.frontdoor.ApiError#statusOf}). Thrown only off the hot path, without a stack trace.
 */
public final class Refusal extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** What kind of refusal: each maps to one HTTP status in the REST layer. */
    public enum Kind
    {
        /** The request is malformed or asks for something not allowed (400). */
        BAD_REQUEST,
        /** The caller may not see or run the entity (403). */
        FORBIDDEN,
        /** The entity does not exist (404). */
        NOT_FOUND,
        /** The name belongs to an entity of another kind, or a write raced another (409). */
        CONFLICT,
        /** The body is larger than the limit (413). */
        TOO_LARGE,
        /** The namespace is over a rate or concurrency limit (429). */
        THROTTLED,
        /** The platform cannot take work now: no invoker, a full ring, no disk space, payloads over budget (503). */
        UNAVAILABLE
    }

    private final Kind kind;

    public Refusal(final Kind kind, final String message)
    {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind()
    {
        return kind;
    }

    public static Refusal badRequest(final String message)
    {
        return new Refusal(Kind.BAD_REQUEST, message);
    }

    public static Refusal notFound()
    {
        return new Refusal(Kind.NOT_FOUND, dev.whisk.core.entity.Messages.RESOURCE_NOT_FOUND);
    }
}
