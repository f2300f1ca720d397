package dev.whisk.frontdoor.invoke;

import dev.whisk.core.activation.Activation;

import java.util.ArrayList;
import java.util.List;

/** A caller of the invocation service that writes down what it hears, as a REST waiter would answer it. */
final class Caller implements ExpiringWaiter
{
    final List<String> journaled = new ArrayList<>();
    final List<Activation> records = new ArrayList<>();
    final List<String> notAccepted = new ArrayList<>();
    String waitingFor;
    int waitMs = -1;

    @Override
    public void onJournaled(final String activationId)
    {
        journaled.add(activationId);
    }

    @Override
    public void onActivation(final Activation activation)
    {
        records.add(activation);
    }

    @Override
    public void onNotAccepted(final String activationId, final String reason)
    {
        notAccepted.add(reason);
    }

    @Override
    public void startWait(final String activationId, final int waitMs)
    {
        this.waitingFor = activationId;
        this.waitMs = waitMs;
    }

    @Override
    public void onWaitExpired(final String activationId)
    {
        throw new AssertionError("no timer runs in these tests");
    }

    /** The one record heard. */
    Activation record()
    {
        if (records.size() != 1)
        {
            throw new AssertionError("expected one record, heard " + records.size());
        }
        return records.get(0);
    }
}
