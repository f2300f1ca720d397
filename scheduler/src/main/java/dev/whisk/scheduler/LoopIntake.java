package dev.whisk.scheduler;

import dev.whisk.core.wire.InvokeRequest;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The intake of a {@link Fleet.Local}: no ring. Both stages run for a request on the thread that owns the invokers
 * (standalone's one event loop, which also serves the front door), at once when called there and not from inside a
 * stage (e.g. a composition's next step started by a completion), else as a task on it, in order. So a warm invoke is
 * journaled and handed to its container pool by the thread that read it, with no hand-off.
 *
 * <p>Owner: the loop of {@link LocalDispatch}; {@link #slot} and {@link #busy} are touched there only.
 */
final class LoopIntake implements Fleet.Intake
{
    private final LocalDispatch dispatch;
    private final Fleet.Stages stages;
    /** The one slot the stages run on, and whether it is in use (reentry). */
    private final InvokeEvent slot = new InvokeEvent();
    private boolean busy;

    LoopIntake(final LocalDispatch dispatch, final Fleet.Stages stages)
    {
        this.dispatch = dispatch;
        this.stages = stages;
    }

    @Override
    public boolean publish(final InvokeRequest request, final ActivationWaiter waiter, final int pinned)
    {
        if (dispatch.isOwnerThread() && !busy)
        {
            return runHere(request, waiter, pinned);
        }
        // The caller's request object is its own to reuse once this returns: carry the bytes.
        final ExpandableArrayBuffer copy = new ExpandableArrayBuffer(1024);
        final int length = request.encode(copy, 0);
        dispatch.execute(() -> runLater(new InvokeRequest().decode(copy, 0, length), waiter, pinned));
        return true;
    }

    @Override
    public boolean redispatch(final byte[] encodedRequest)
    {
        dispatch.execute(() -> runLater(new InvokeRequest().decode(new UnsafeBuffer(encodedRequest), 0,
            encodedRequest.length), Scheduler.NOBODY, -1));
        return true;
    }

    /** A task on the owner thread: its caller is gone, so a request the journal refuses is refused to its waiter. */
    private void runLater(final InvokeRequest request, final ActivationWaiter waiter, final int pinned)
    {
        if (!publish(request, waiter, pinned))
        {
            stages.notAccepted().accept(request, waiter);
        }
    }

    /**
     * @return false when the journal could not take it (no space left): nothing was accepted and {@code waiter}
     *         hears nothing; the caller answers.
     */
    private boolean runHere(final InvokeRequest request, final ActivationWaiter waiter, final int pinned)
    {
        busy = true;
        try
        {
            slot.fill(request);
            slot.waiter = waiter;
            slot.pinned = pinned;
            stages.journalStage().onEvent(slot, 0, true);
            if (slot.notJournaled)
            {
                return false;
            }
            stages.dispatchStage().onEvent(slot, 0, true);
            return true;
        }
        finally
        {
            slot.clear();
            busy = false;
        }
    }

    @Override
    public void close()
    {
    }
}
