package dev.whisk.scheduler;

import org.agrona.ExpandableArrayBuffer;

/**
 * A preallocated ring slot: the encoded invoke message and who waits for it. Filled by {@link #TRANSLATOR} on the
 * producer's thread; handlers keep no reference to it after {@code onEvent}.
 */
final class InvokeEvent
{
    final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
    int length;
    long idHi;
    long idLo;
    /** Hash of the action path, for choosing the action's home invoker. */
    int actionHash;
    String activationId;
    ActivationWaiter waiter;

    void clear()
    {
        waiter = null;
        activationId = null;
        length = 0;
    }

    static final com.lmax.disruptor.EventTranslatorTwoArg<InvokeEvent, dev.whisk.core.wire.InvokeRequest,
        ActivationWaiter> TRANSLATOR = (event, sequence, request, waiter) ->
    {
        event.length = request.encode(event.buffer, 0);
        event.idHi = request.idHi;
        event.idLo = request.idLo;
        event.actionHash = request.actionPath.hashCode();
        event.activationId = null;
        event.waiter = waiter;
    };
}
