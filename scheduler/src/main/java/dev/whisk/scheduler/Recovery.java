package dev.whisk.scheduler;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationId;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.wire.ActivationRef;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.core.wire.MessageHeader;
import dev.whisk.storage.ActivationStore;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to do, after a restart, with requests the journal accepted but that have no activation record. A request
 * that was never dispatched is dispatched now. One that was dispatched may have run: it is never run again (at most
 * once). With invokers in other processes it waits for its invoker, whose completion may still arrive and is then
 * recorded normally, or which may have died, and then the record says so; with the invoker in this process, which
 * stopped with us, it is recorded at once as a {@code whisk internal error} saying the platform stopped.
 */
public final class Recovery
{
    private final List<byte[]> toDispatch = new ArrayList<>();
    private final List<Dispatched> awaiting = new ArrayList<>();
    private final List<Activation> unfinished = new ArrayList<>();

    /** A request dispatched to {@code invoker} before the stop, still without a record. */
    public record Dispatched(int invoker, String activationId, InvokeRequest request)
    {
    }

    private Recovery()
    {
    }

    /**
     * Streams the journal once and sorts its unrecorded requests. Memory is bounded by what is still pending: a
     * request whose record is in the store is dropped as it is read, and only the pending ones are copied.
     *
     * @param remoteInvokers true when invokers run in other processes and may have outlived this one.
     */
    public static Recovery plan(final Journal journal, final ActivationStore store, final boolean remoteInvokers)
    {
        final Map<String, byte[]> requests = new LinkedHashMap<>();
        final Map<String, Integer> dispatchedTo = new HashMap<>();
        journal.replay(buffer -> read(buffer, store, requests, dispatchedTo));
        final Recovery r = new Recovery();
        for (final Map.Entry<String, byte[]> e : requests.entrySet())
        {
            final Integer invoker = dispatchedTo.get(e.getKey());
            if (invoker == null)
            {
                r.toDispatch.add(e.getValue());
                continue;
            }
            final InvokeRequest req = new InvokeRequest().decode(new org.agrona.concurrent.UnsafeBuffer(e.getValue()),
                0, e.getValue().length);
            if (remoteInvokers)
            {
                r.awaiting.add(new Dispatched(invoker, e.getKey(), req));
            }
            else
            {
                r.unfinished.add(unfinished(req, e.getKey()));
            }
        }
        return r;
    }

    /** One journal message: a request without a record is kept (copied), and so is the dispatch of a kept one. */
    private static void read(final DirectBuffer buffer, final ActivationStore store,
        final Map<String, byte[]> requests, final Map<String, Integer> dispatchedTo)
    {
        final int length = buffer.capacity();
        final short template = MessageHeader.templateId(buffer, 0, length);
        if (template == MessageHeader.INVOKE)
        {
            final long hi = InvokeRequest.idHi(buffer, 0);
            final long lo = InvokeRequest.idLo(buffer, 0);
            if (store.isDurable(InvokeRequest.namespace(buffer, 0), hi, lo))
            {
                return;
            }
            final byte[] copy = new byte[length];
            buffer.getBytes(0, copy);
            requests.putIfAbsent(ActivationId.toString(hi, lo), copy);
        }
        else if (ActivationRef.is(buffer, 0, length, MessageHeader.DISPATCHED))
        {
            final String id = ActivationId.toString(ActivationRef.idHi(buffer, 0), ActivationRef.idLo(buffer, 0));
            if (requests.containsKey(id))
            {
                dispatchedTo.put(id, ActivationRef.invokerId(buffer, 0));
            }
        }
    }

    /** Encoded requests never dispatched, oldest first: publish them again. */
    public List<byte[]> toDispatch()
    {
        return toDispatch;
    }

    /** Requests dispatched to invokers in other processes, waiting for a late completion or the invoker's death. */
    public List<Dispatched> awaiting()
    {
        return awaiting;
    }

    /** Records to write now for requests that died with an in-process invoker. */
    public List<Activation> unfinished()
    {
        return unfinished;
    }

    private static Activation unfinished(final InvokeRequest r, final String id)
    {
        return WhiskErrors.of(id, r, Messages.PLATFORM_RESTARTED, r.acceptedMs, System.currentTimeMillis(), 0);
    }
}
