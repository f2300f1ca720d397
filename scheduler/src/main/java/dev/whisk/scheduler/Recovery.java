package dev.whisk.scheduler;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationCodec;
import dev.whisk.core.activation.ActivationId;
import dev.whisk.core.activation.ActivationResults;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.wire.ActivationRef;
import dev.whisk.core.wire.CompletionMessage;
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
 * <p>
 * Outcomes come first: a run whose completion is in the journal ({@link RecordJournal}) but not in the store gets
 * that real record. A composition accepted ({@link MessageHeader#COMPOSITION}) that has neither ends in one {@code
 * whisk internal error} record saying the platform stopped, listing the steps it had started; its steps never
 * dispatched are not run (each gets a record saying so), and none runs twice.
 */
public final class Recovery
{
    private final List<byte[]> toDispatch = new ArrayList<>();
    private final List<Dispatched> awaiting = new ArrayList<>();
    private final List<Activation> unfinished = new ArrayList<>();
    private final List<Activation> completed = new ArrayList<>();

    /** A request dispatched to {@code invoker} before the stop, still without a record. */
    public record Dispatched(int invoker, String activationId, InvokeRequest request)
    {
    }

    /** The one log line of a run recorded from its result alone. */
    static final String RESULT_ONLY = "[whisk] the platform stopped after this run's result and before its logs " +
        "were stored; its logs are lost.";

    private Recovery()
    {
    }

    /** {@link #plan(Journal, ActivationStore, boolean)} for {@code fleet}: whether its invokers may outlive us. */
    public static Recovery plan(final Journal journal, final ActivationStore store, final Fleet fleet)
    {
        return plan(journal, store, fleet.outlivesUs());
    }

    /**
     * Streams the journal once and sorts its unrecorded requests. Memory is bounded by what is still pending: a
     * request whose record is in the store is dropped as it is read, and only the pending ones are copied.
     *
     * @param remoteInvokers true when invokers run in other processes and may have outlived this one.
     */
    public static Recovery plan(final Journal journal, final ActivationStore store, final boolean remoteInvokers)
    {
        final Replay replay = new Replay(store);
        journal.replay(replay::read);
        final Recovery r = new Recovery();
        r.completed.addAll(replay.completed.values());
        for (final Activation result : replay.results.values())
        {
            if (store.get(result.namespace(), result.activationId()) == null)
            {
                r.completed.add(result.withLogs(List.of(RESULT_ONLY)));
            }
        }
        final Map<String, Activation> stopped = replay.stoppedCompositions();
        for (final Map.Entry<String, byte[]> e : replay.requests.entrySet())
        {
            final InvokeRequest req = new InvokeRequest().decode(new org.agrona.concurrent.UnsafeBuffer(e.getValue()),
                0, e.getValue().length);
            if (store.get(req.namespace, e.getKey()) != null)
            {
                continue;
            }
            final Integer invoker = replay.dispatchedTo.get(e.getKey());
            if (invoker == null && req.cause != null && stopped.containsKey(req.cause))
            {
                // A step of a composition that ends now: its record says it did not run.
                r.unfinished.add(unfinished(req, e.getKey()));
            }
            else if (invoker == null)
            {
                r.toDispatch.add(e.getValue());
            }
            else if (remoteInvokers)
            {
                r.awaiting.add(new Dispatched(invoker, e.getKey(), req));
            }
            else
            {
                r.unfinished.add(unfinished(req, e.getKey()));
            }
        }
        r.unfinished.addAll(stopped.values());
        return r;
    }

    /**
     * What one pass over the journal keeps: requests without a journaled outcome, where they were dispatched, the
     * outcomes the store lacks, and compositions with the ids of the steps each started.
     */
    private static final class Replay
    {
        final ActivationStore store;
        final InvokeRequest probe = new InvokeRequest();
        final ActivationCodec.Key key = new ActivationCodec.Key();
        final Map<String, byte[]> requests = new LinkedHashMap<>();
        final Map<String, Integer> dispatchedTo = new HashMap<>();
        final Map<String, Activation> completed = new LinkedHashMap<>();
        /** Results of blocking runs whose completion has not (yet) been read: recorded with a note for logs. */
        final Map<String, Activation> results = new LinkedHashMap<>();
        final Map<String, Activation> compositions = new LinkedHashMap<>();
        final Map<String, List<String>> steps = new HashMap<>();

        Replay(final ActivationStore store)
        {
            this.store = store;
        }

        void read(final DirectBuffer buffer)
        {
            final int length = buffer.capacity();
            final short template = MessageHeader.templateId(buffer, 0, length);
            if (template == MessageHeader.INVOKE)
            {
                // Memory stays bounded by what is pending: a request whose record the store holds is dropped
                // unread (the buffer is the journal's, reused for the next message; what is kept is copied).
                if (store.isDurable(InvokeRequest.namespace(buffer, 0), InvokeRequest.idHi(buffer, 0),
                    InvokeRequest.idLo(buffer, 0)))
                {
                    return;
                }
                probe.decode(buffer, 0, length);
                final String id = probe.activationId();
                if (completed.containsKey(id) || results.containsKey(id) || requests.containsKey(id))
                {
                    // Journaled again when redispatched by an earlier recovery, or its outcome is already known.
                    return;
                }
                final byte[] copy = new byte[length];
                buffer.getBytes(0, copy);
                requests.put(id, copy);
                addStep(probe.cause, id);
            }
            else if (ActivationRef.is(buffer, 0, length, MessageHeader.DISPATCHED))
            {
                final String id = ActivationId.toString(ActivationRef.idHi(buffer, 0), ActivationRef.idLo(buffer, 0));
                if (requests.containsKey(id))
                {
                    dispatchedTo.put(id, ActivationRef.invokerId(buffer, 0));
                }
            }
            else if (template == MessageHeader.COMPLETION)
            {
                // Its key only: a record the store holds durably (nearly all) is neither decoded nor read back.
                ActivationCodec.decodeKey(buffer, CompletionMessage.RECORD_OFFSET,
                    length - CompletionMessage.RECORD_OFFSET, key);
                final String id = ActivationId.toString(key.idHi, key.idLo);
                // Later entries of a run are never before its outcome: what was kept for it can go.
                results.remove(id);
                requests.remove(id);
                dispatchedTo.remove(id);
                compositions.remove(id);
                steps.remove(id);
                if (!completed.containsKey(id) && !store.isDurable(key.namespace, key.idHi, key.idLo) &&
                    store.get(key.namespace, id) == null)
                {
                    completed.put(id, CompletionMessage.activation(buffer, 0, length));
                }
            }
            else if (template == MessageHeader.RESULT)
            {
                // A blocking run's result, journaled before its caller heard it; its completion may follow.
                final Activation a = CompletionMessage.activation(buffer, 0, length);
                final String id = a.activationId();
                if (requests.remove(id) != null)
                {
                    dispatchedTo.remove(id);
                    results.put(id, a);
                }
            }
            else if (template == MessageHeader.COMPOSITION)
            {
                final Activation a = CompletionMessage.activation(buffer, 0, length);
                if (!completed.containsKey(a.activationId()))
                {
                    compositions.putIfAbsent(a.activationId(), a);
                    addStep(a.cause(), a.activationId());
                }
            }
        }

        private void addStep(final String cause, final String id)
        {
            if (cause != null)
            {
                steps.computeIfAbsent(cause, k -> new ArrayList<>()).add(id);
            }
        }

        /** The compositions with no outcome, each as the record it ends in, its started steps as its logs. */
        Map<String, Activation> stoppedCompositions()
        {
            final Map<String, Activation> stopped = new LinkedHashMap<>();
            final long nowMs = System.currentTimeMillis();
            for (final Activation c : compositions.values())
            {
                if (store.get(c.namespace(), c.activationId()) != null)
                {
                    continue;
                }
                stopped.put(c.activationId(), new Activation(c.activationId(), c.namespace(), c.subject(), c.name(),
                    c.version(), c.path(), c.kind(), c.startMs(), Math.max(c.startMs(), nowMs), c.cause(),
                    ActivationStatus.WHISK_ERROR, ActivationResults.error(Messages.COMPOSITION_STOPPED),
                    steps.getOrDefault(c.activationId(), List.of()), c.limits(), false, 0, -1));
            }
            return stopped;
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

    /**
     * Records found only in the journal: the real outcomes of runs and compositions that ended before the stop but
     * were not yet durable in the store. Write them now.
     */
    public List<Activation> completed()
    {
        return completed;
    }

    /**
     * Records to write now for requests that died with an in-process invoker, for compositions that stopped with the
     * platform, and for their steps that never started.
     */
    public List<Activation> unfinished()
    {
        return unfinished;
    }

    private static Activation unfinished(final InvokeRequest r, final String id)
    {
        return WhiskErrors.of(id, r, Messages.PLATFORM_RESTARTED, r.acceptedMs, System.currentTimeMillis(), 0);
    }
}
