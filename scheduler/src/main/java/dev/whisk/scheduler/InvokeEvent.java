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
    /** Memory the action's containers take, MB: promised on the chosen invoker until the activation ends. */
    int memoryMb;
    /** A user image: runs only on the blackbox share of the invokers. */
    boolean blackbox;
    /** The one invoker this request must go to (a health ping), or -1 to let the balancer choose. */
    int pinned = -1;
    String activationId;
    ActivationWaiter waiter;
    /** The journal could not write it (no space left): it is not accepted and the dispatch stage skips it. */
    boolean notJournaled;

    void clear()
    {
        notJournaled = false;
        waiter = null;
        activationId = null;
        length = 0;
        pinned = -1;
    }

    void fill(final dev.whisk.core.wire.InvokeRequest request)
    {
        length = request.encode(buffer, 0);
        idHi = request.idHi;
        idLo = request.idLo;
        actionHash = request.actionPath.hashCode();
        memoryMb = request.memoryMb;
        blackbox = dev.whisk.core.entity.Exec.BLACKBOX.equals(request.kind);
        activationId = null;
    }

    static final com.lmax.disruptor.EventTranslatorTwoArg<InvokeEvent, dev.whisk.core.wire.InvokeRequest,
        ActivationWaiter> TRANSLATOR = (event, sequence, request, waiter) ->
    {
        event.fill(request);
        event.waiter = waiter;
    };

    /** A request for one given invoker: a health ping. */
    static final com.lmax.disruptor.EventTranslatorThreeArg<InvokeEvent, dev.whisk.core.wire.InvokeRequest,
        ActivationWaiter, Integer> PINNED = (event, sequence, request, waiter, invoker) ->
    {
        event.fill(request);
        event.waiter = waiter;
        event.pinned = invoker;
    };
}
