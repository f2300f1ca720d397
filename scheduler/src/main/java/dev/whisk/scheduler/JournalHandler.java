package dev.whisk.scheduler;

import com.lmax.disruptor.EventHandler;

import java.util.function.BiConsumer;

/**
 * First stage: appends each accepted request to the journal, then tells its waiter, so that a non-blocking caller
 * hears 202 only once its request cannot be lost. One of the journal's appenders (see {@link Journal}), on the ring's
 * first stage thread or the local loop. A request the journal cannot write (no space left) is marked
 * {@link InvokeEvent#notJournaled}, its waiter hears nothing from here, and the dispatch stage skips it: it was never
 * accepted.
 */
final class JournalHandler implements EventHandler<InvokeEvent>
{
    private final Journal journal;
    private final BiConsumer<InvokeEvent, JournalUnavailableException> onFailure;

    JournalHandler(final Journal journal, final BiConsumer<InvokeEvent, JournalUnavailableException> onFailure)
    {
        this.journal = journal;
        this.onFailure = onFailure;
    }

    @Override
    public void onEvent(final InvokeEvent event, final long sequence, final boolean endOfBatch)
    {
        try
        {
            journal.append(event.buffer, 0, event.length);
        }
        catch (final JournalUnavailableException ex)
        {
            event.notJournaled = true;
            onFailure.accept(event, ex);
            return;
        }
        event.activationId = dev.whisk.core.activation.ActivationId.toString(event.idHi, event.idLo);
        event.waiter.onJournaled(event.activationId);
    }
}
