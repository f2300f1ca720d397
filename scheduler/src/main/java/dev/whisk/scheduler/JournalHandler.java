package dev.whisk.scheduler;

import com.lmax.disruptor.EventHandler;

/**
 * First ring stage: appends each accepted request to the journal, then tells its waiter, so that a non-blocking
 * caller hears 202 only once its request cannot be lost. Owns the journal appender.
 */
final class JournalHandler implements EventHandler<InvokeEvent>
{
    private final Journal journal;

    JournalHandler(final Journal journal)
    {
        this.journal = journal;
    }

    @Override
    public void onEvent(final InvokeEvent event, final long sequence, final boolean endOfBatch)
    {
        journal.append(event.buffer, 0, event.length);
        event.activationId = dev.whisk.core.activation.ActivationId.toString(event.idHi, event.idLo);
        event.waiter.onJournaled(event.activationId);
    }
}
