package dev.whisk.frontdoor.rest;

import dev.whisk.core.entity.Identity;
import dev.whisk.frontdoor.Exchange;
import dev.whisk.frontdoor.invoke.Invocations;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code POST .../actions/[pkg/]name}: reads the request's flags ({@code blocking}, {@code result},
 * {@code timeout}) and hands the invoke to the {@link Invocations} service with an {@link InvokeWaiter} that answers
 * the exchange: a non-blocking caller hears 202 once the request is journaled; a blocking one the result, or 202
 * (504) with the activation id once its wait ran out. Refusals are answered by {@link Exchange#run}.
 */
public final class InvokeApi
{
    private final Invocations invocations;
    private final HttpResponseStatus expiredStatus = BlockingTimeout.platformStatus();

    public InvokeApi(final Invocations invocations)
    {
        this.invocations = invocations;
    }

    public void invoke(final Exchange ex, final Identity identity, final String namespace, final String pkg,
        final String name)
    {
        final boolean blocking = ex.queryFlag("blocking");
        final boolean resultOnly = ex.queryFlag("result");
        invocations.invoke(identity, namespace, pkg, name, ex.body(), blocking, ex.query("timeout"),
            new InvokeWaiter(ex, invocations.waiters(), blocking, resultOnly, expiredStatus));
    }
}
