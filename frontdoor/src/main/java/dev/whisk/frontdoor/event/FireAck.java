package dev.whisk.frontdoor.event;

import dev.whisk.core.activation.Activation;
import dev.whisk.scheduler.ActivationWaiter;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Counts down what one trigger fire must make durable before its 202: each rule's invoke in the scheduler's journal
 * ({@link #onJournaled}) and the trigger's own record in the activation store ({@link #accept}). Then
 * {@code onDurable} runs once, on whichever thread finished last (a scheduler or store thread, or the firing one),
 * so it must only hand work on (a REST answer is written on its connection's event loop).
 *
 * <p>The count starts at one, held by the firing thread while it starts the rules, so that early completions cannot
 * reach zero before every part has been counted: call {@link #expect} before starting each part, {@link #done} for
 * a part that will never report (it could not start), and {@link #done} once more when all are started.
 */
final class FireAck implements ActivationWaiter, Consumer<Activation>
{
    private final AtomicInteger pending = new AtomicInteger(1);
    private final Runnable onDurable;
    private volatile boolean refused;

    FireAck(final Runnable onDurable)
    {
        this.onDurable = onDurable;
    }

    void expect()
    {
        pending.incrementAndGet();
    }

    void done()
    {
        if (pending.decrementAndGet() == 0)
        {
            onDurable.run();
        }
    }

    /** A part that could not start (the ring was full): counted as done, and remembered for {@link #isComplete}. */
    void refuse()
    {
        refused = true;
        done();
    }

    /** Whether every part that was expected became durable (none was refused); read once the fire is acknowledged. */
    boolean isComplete()
    {
        return !refused;
    }

    /** A rule's invoke is in the journal. */
    @Override
    public void onJournaled(final String activationId)
    {
        done();
    }

    /** A rule's invoke could not be journaled after all (no disk space): it never runs. */
    @Override
    public void onNotAccepted(final String activationId, final String reason)
    {
        refuse();
    }

    /** A rule-fired run ended: nobody waits for it here, its record is its outcome. */
    @Override
    public void onActivation(final Activation activation)
    {
    }

    /** The trigger's record is durable. */
    @Override
    public void accept(final Activation triggerRecord)
    {
        done();
    }
}
