package dev.whisk.frontdoor.web;

import dev.whisk.core.activation.Activation;
import dev.whisk.frontdoor.Exchange;
import dev.whisk.frontdoor.invoke.ExpiringWaiter;
import dev.whisk.frontdoor.invoke.WaitTimer;
import dev.whisk.scheduler.Waiters;
import io.netty.handler.codec.http.HttpResponseStatus;

/** A web action caller: the result is rendered by the URL's extension; no result within the wait gives 202. */
final class WebWaiter implements ExpiringWaiter
{
    static final String NOT_READY = "Response not yet ready.";

    private final Exchange ex;
    private final Waiters waiters;
    private final WaitTimer timer = new WaitTimer();
    private final String extension;

    WebWaiter(final Exchange ex, final Waiters waiters, final String extension)
    {
        this.ex = ex;
        this.waiters = waiters;
        this.extension = extension;
    }

    @Override
    public void onJournaled(final String activationId)
    {
        // a web caller always waits for the result
    }

    @Override
    public void onActivation(final Activation activation)
    {
        timer.cancel();
        WebResponses.send(ex, extension, activation);
    }

    @Override
    public void startWait(final String activationId, final int waitMs)
    {
        timer.set(ex.executor().schedule(() -> onWaitExpired(activationId), waitMs,
            java.util.concurrent.TimeUnit.MILLISECONDS));
    }

    @Override
    public void onWaitExpired(final String activationId)
    {
        if (waiters.cancel(activationId, this))
        {
            ex.sendError(HttpResponseStatus.ACCEPTED, NOT_READY);
        }
    }
}
