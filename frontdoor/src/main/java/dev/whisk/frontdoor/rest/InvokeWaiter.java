package dev.whisk.frontdoor.rest;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationJson;
import dev.whisk.core.entity.Messages;
import dev.whisk.frontdoor.Exchange;
import dev.whisk.frontdoor.invoke.ExpiringWaiter;
import dev.whisk.frontdoor.invoke.WaitTimer;
import dev.whisk.scheduler.Waiters;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;

/**
 * One invoke caller waiting on the scheduler. Callbacks come from scheduler threads; the answer is written on the
 * connection's event loop by {@link Exchange}, which also makes sure only the first answer is sent.
 */
final class InvokeWaiter implements ExpiringWaiter
{
    private final Exchange ex;
    private final Waiters waiters;
    private final WaitTimer timer = new WaitTimer();
    private final boolean blocking;
    private final boolean resultOnly;
    private final HttpResponseStatus expiredStatus;

    /** @param expiredStatus what a blocking caller hears when its wait runs out: 202 or 504, see BlockingTimeout. */
    InvokeWaiter(final Exchange ex, final Waiters waiters, final boolean blocking, final boolean resultOnly,
        final HttpResponseStatus expiredStatus)
    {
        this.expiredStatus = expiredStatus;
        this.ex = ex;
        this.waiters = waiters;
        this.blocking = blocking;
        this.resultOnly = resultOnly;
    }

    @Override
    public void onJournaled(final String activationId)
    {
        if (!blocking)
        {
            ex.send(HttpResponseStatus.ACCEPTED, idBody(activationId), activationId);
        }
    }

    @Override
    public void startWait(final String activationId, final int waitMs)
    {
        timer.set(ex.executor().schedule(() -> onWaitExpired(activationId), waitMs,
            java.util.concurrent.TimeUnit.MILLISECONDS));
    }

    @Override
    public void onActivation(final Activation a)
    {
        timer.cancel();
        final HttpResponseStatus status = switch (a.status())
        {
            case SUCCESS -> HttpResponseStatus.OK;
            case APPLICATION_ERROR, DEVELOPER_ERROR -> HttpResponseStatus.BAD_GATEWAY;
            case WHISK_ERROR -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
        };
        final byte[] result = a.result();
        final boolean isArray = result != null && result.length > 0 && result[0] == '[';
        final byte[] body = resultOnly || isArray ?
            (result == null ? new byte[]{'{', '}'} : result) : ActivationJson.full(a);
        ex.send(status, body, a.activationId());
    }

    /**
     * No invoker could take it: a blocking caller hears 503, as from a load balancer that cannot place the
     * activation (its whisk-error record is stored all the same and named in the answer).
     */
    @Override
    public void onUndeliverable(final Activation a)
    {
        if (!blocking)
        {
            return;
        }
        timer.cancel();
        ex.send(HttpResponseStatus.SERVICE_UNAVAILABLE, ("{\"error\":\"" + Messages.NO_INVOKER +
            "\",\"activationId\":\"" + a.activationId() + "\"}").getBytes(StandardCharsets.UTF_8),
            a.activationId());
    }

    /** The request could not be journaled after all (no disk space): it never runs; the caller hears 503 and why. */
    @Override
    public void onNotAccepted(final String activationId, final String reason)
    {
        timer.cancel();
        ex.sendError(HttpResponseStatus.SERVICE_UNAVAILABLE, reason);
    }

    /** The caller's wait ran out: if no result came first, answer 202 (or 504) with the id; the run goes on. */
    @Override
    public void onWaitExpired(final String activationId)
    {
        if (waiters.cancel(activationId, this))
        {
            ex.send(expiredStatus, BlockingTimeout.body(expiredStatus, activationId), activationId);
        }
    }

    static byte[] idBody(final String activationId)
    {
        return ("{\"activationId\":\"" + activationId + "\"}").getBytes(StandardCharsets.US_ASCII);
    }
}
