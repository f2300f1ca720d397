package dev.whisk.scheduler;

import org.agrona.DirectBuffer;

/**
 * Invokers in this process, reached by a plain call on the thread that owns them instead of over Aeron: standalone
 * runs its front door, its invoker's container pool and the containers' connections on one event loop, so a warm
 * invoke is journaled, dispatched, run and answered on that thread with no hand-off (see {@link Scheduler}).
 */
public interface LocalDispatch
{
    /** Whether the calling thread owns the local invokers: their pools and container connections. */
    boolean isOwnerThread();

    /** Runs {@code task} on the owner thread, later; any thread. */
    void execute(Runnable task);

    /**
     * Owner thread: hands one encoded invoke request to invoker {@code invoker}. The bytes are valid only during the
     * call.
     */
    void dispatch(int invoker, DirectBuffer buffer, int offset, int length);
}
