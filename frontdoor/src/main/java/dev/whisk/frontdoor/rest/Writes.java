package dev.whisk.frontdoor.rest;

import dev.whisk.core.entity.Messages;
import dev.whisk.frontdoor.Exchange;
import dev.whisk.storage.WriteResult;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.concurrent.CompletableFuture;

/** Answers a request once its store write is durable (or refused), with the entity on success. */
final class Writes
{
    private Writes()
    {
    }

    /**
     * @param conflictMessage what a {@link WriteResult#CONFLICT} means for this write: the entity already exists, or
     *                        it changed since it was read.
     */
    static void answer(final Exchange ex, final CompletableFuture<WriteResult> write, final byte[] okBody,
        final String conflictMessage)
    {
        write.whenComplete((result, failure) -> answer(ex, result, failure, conflictMessage, okBody));
    }

    /** Answers a finished write: 200 with {@code okBody}, 404, 409 with {@code conflictMessage}, or 500. */
    static void answer(final Exchange ex, final WriteResult result, final Throwable failure,
        final String conflictMessage, final byte[] okBody)
    {
        if (failure != null)
        {
            ex.sendError(HttpResponseStatus.INTERNAL_SERVER_ERROR, Messages.INTERNAL_ERROR);
        }
        else if (result == WriteResult.OK)
        {
            ex.sendJson(HttpResponseStatus.OK, okBody);
        }
        else if (result == WriteResult.NOT_FOUND)
        {
            ex.sendError(HttpResponseStatus.NOT_FOUND, Messages.RESOURCE_NOT_FOUND);
        }
        else
        {
            ex.sendError(HttpResponseStatus.CONFLICT, conflictMessage);
        }
    }

    /** The conflict message of a create ({@code existing == null}) or an update. */
    static String conflictMessage(final Object existing)
    {
        return existing == null ? Messages.ENTITY_EXISTS : Messages.CONCURRENT_MODIFICATION;
    }

    /** The later of now and one past the previous stamp, so an update always moves {@code updated} forward. */
    static long stamp(final long previousUpdatedMs)
    {
        return Math.max(System.currentTimeMillis(), previousUpdatedMs + 1);
    }
}
