package dev.whisk.frontdoor;

import dev.whisk.frontdoor.invoke.Refusal;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request the control plane refuses, with the status and the catalogue message the client sees. Thrown only off
 * the hot path (entity validation, parsing); {@link Exchange#run} turns it, and a {@link Refusal} of the services
 * below, into the error body.
 */
public final class ApiError extends RuntimeException
{
    private static final long serialVersionUID = 1L;
    private final transient HttpResponseStatus status;

    public ApiError(final HttpResponseStatus status, final String message)
    {
        super(message, null, false, false);
        this.status = status;
    }

    public HttpResponseStatus status()
    {
        return status;
    }

    public static ApiError badRequest(final String message)
    {
        return new ApiError(HttpResponseStatus.BAD_REQUEST, message);
    }

    /** The status a client hears for a refusal of the services below the REST layer: the one place they map. */
    public static HttpResponseStatus statusOf(final Refusal.Kind kind)
    {
        return switch (kind)
        {
            case BAD_REQUEST -> HttpResponseStatus.BAD_REQUEST;
            case FORBIDDEN -> HttpResponseStatus.FORBIDDEN;
            case NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
            case CONFLICT -> HttpResponseStatus.CONFLICT;
            case TOO_LARGE -> HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
            case THROTTLED -> HttpResponseStatus.TOO_MANY_REQUESTS;
            case UNAVAILABLE -> HttpResponseStatus.SERVICE_UNAVAILABLE;
        };
    }

    public static ApiError notFound()
    {
        return new ApiError(HttpResponseStatus.NOT_FOUND, dev.whisk.core.entity.Messages.RESOURCE_NOT_FOUND);
    }
}
