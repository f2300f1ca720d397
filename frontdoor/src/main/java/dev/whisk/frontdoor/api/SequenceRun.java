package dev.whisk.frontdoor.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationId;
import dev.whisk.core.activation.ActivationResults;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.Exec;
import dev.whisk.core.entity.FullyQualifiedName;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.core.json.Json;
import dev.whisk.frontdoor.Admission;
import dev.whisk.frontdoor.ApiError;
import dev.whisk.scheduler.ActivationWaiter;
import dev.whisk.scheduler.Waiters;
import dev.whisk.storage.ActivationStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of a sequence: component 1 gets the request body, each later one the previous result, each with its own
 * parameters (package &lt; binding &lt; action) below that input. The run stops at the first component that fails or
 * returns a top-level {@code error}; its response is the sequence's. Each component is an ordinary activation with
 * {@code cause} = the sequence's id; the sequence's own record lists the component ids as its logs, its duration is
 * the sum of theirs, and it answers the caller waiting under its id.
 * <p>
 * Threads: started on an event loop; each next step runs on the thread that delivers the previous component's
 * result (the scheduler's completion thread), one step at a time, so the fields need no locks. Nothing blocks.
 */
final class SequenceRun
{
    private static final Logger LOG = LoggerFactory.getLogger(SequenceRun.class);

    private final InvokeApi invoke;
    private final ActionLookup lookup;
    private final ActivationStore activations;
    private final Waiters waiters;
    private final Admission admission;
    private final Identity identity;
    private final WhiskAction sequence;
    private final String activationId;
    private final String cause;
    private final ActivationWaiter parent;
    private final long startMs = System.currentTimeMillis();
    private final List<String> componentIds = new ArrayList<>();
    private long durationMs;
    private int next;

    SequenceRun(final InvokeApi invoke, final ActionLookup lookup, final ActivationStore activations,
        final Waiters waiters, final Admission admission, final Identity identity, final WhiskAction sequence,
        final String activationId)
    {
        this(invoke, lookup, activations, waiters, admission, identity, sequence, activationId, null, null);
    }

    /**
     * A nested run: its record has {@code cause} and its end goes to {@code parent} instead of a waiting caller.
     */
    private SequenceRun(final InvokeApi invoke, final ActionLookup lookup, final ActivationStore activations,
        final Waiters waiters, final Admission admission, final Identity identity, final WhiskAction sequence,
        final String activationId, final String cause, final ActivationWaiter parent)
    {
        this.cause = cause;
        this.parent = parent;
        this.invoke = invoke;
        this.lookup = lookup;
        this.activations = activations;
        this.waiters = waiters;
        this.admission = admission;
        this.identity = identity;
        this.sequence = sequence;
        this.activationId = activationId;
    }

    void start(final byte[] input)
    {
        step(input);
    }

    private void step(final byte[] input)
    {
        final String component = sequence.exec().components().get(next++);
        final ActionLookup.Resolved r;
        try
        {
            final FullyQualifiedName n = FullyQualifiedName.parse(component, identity.namespace());
            r = lookup.action(identity, n.namespace(), n.pkg(), n.name());
        }
        catch (final ApiError | IllegalArgumentException ex)
        {
            finish(ActivationStatus.APPLICATION_ERROR, ActivationResults.error(Messages.SEQUENCE_COMPONENT_MISSING +
                " " + component));
            return;
        }
        final WhiskAction action = r.action();
        final byte[] params;
        try
        {
            params = action.exec().isSequence() ? Bodies.requireObject(input) :
                InvokeApi.mergeParams(action, r.inherited(), input);
        }
        catch (final ApiError ex)
        {
            finish(ActivationStatus.APPLICATION_ERROR, ActivationResults.error(ex.getMessage()));
            return;
        }
        if (action.exec().isSequence())
        {
            admission.countIn(identity.namespace());
            new SequenceRun(invoke, lookup, activations, waiters, admission, identity, action,
                ActivationId.random(), activationId, new ComponentWaiter()).start(params);
            return;
        }
        if (!invoke.publishComponent(identity, action, params, activationId, new ComponentWaiter()))
        {
            finish(ActivationStatus.WHISK_ERROR, ActivationResults.error(Messages.SEQUENCE_FAILED));
        }
    }

    private void onComponent(final Activation a)
    {
        componentIds.add(a.activationId());
        durationMs += a.durationMs();
        if (a.status() != ActivationStatus.SUCCESS || hasTopLevelError(a.result()) ||
            next == sequence.exec().components().size())
        {
            finish(a.status(), a.result());
        }
        else
        {
            step(a.result());
        }
    }

    private void finish(final ActivationStatus status, final byte[] result)
    {
        final Activation record = new Activation(activationId, identity.namespace(), identity.subject(),
            sequence.name(), sequence.version(), sequence.docId(), Exec.SEQUENCE, startMs, startMs + durationMs,
            cause, status, result, componentIds, sequence.limits(), false, 0, -1);
        if (!activations.append(record))
        {
            LOG.warn("event=sequence-record-dropped activationId={} reason=store-full", activationId);
        }
        admission.onCompleted(record);
        final ActivationWaiter waiter = parent != null ? parent : waiters.take(activationId);
        if (waiter != null)
        {
            waiter.onActivation(record);
        }
    }

    /** Whether the result is an object with a top-level {@code error} field: the stop rule of sequences. */
    static boolean hasTopLevelError(final byte[] result)
    {
        if (result == null || result.length == 0)
        {
            return false;
        }
        try (JsonParser p = Json.MAPPER.getFactory().createParser(result))
        {
            if (p.nextToken() != JsonToken.START_OBJECT)
            {
                return false;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                if ("error".equals(p.currentName()))
                {
                    return true;
                }
                p.nextToken();
                p.skipChildren();
            }
            return false;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /** Hears one component's result and moves the run on. */
    private final class ComponentWaiter implements ActivationWaiter
    {
        @Override
        public void onJournaled(final String componentId)
        {
            // the sequence waits for the result
        }

        @Override
        public void onActivation(final Activation activation)
        {
            onComponent(activation);
        }
    }
}
