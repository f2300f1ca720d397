package dev.whisk.frontdoor;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request the control plane refuses, with the status and the catalogue message the client sees. Thrown only off
 * the hot path (entity validation, parsing); {@link ApiHandler} turns it into the error body.
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

    public static ApiError notFound()
    {
        return new ApiError(HttpResponseStatus.NOT_FOUND, dev.whisk.core.entity.Messages.RESOURCE_NOT_FOUND);
    }
}
