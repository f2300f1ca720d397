package dev.whisk.frontdoor.compose;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationResults;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.Exec;
import dev.whisk.core.entity.FullyQualifiedName;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.core.json.Json;
import dev.whisk.frontdoor.invoke.ActionLookup;
import dev.whisk.frontdoor.invoke.Refusal;
import dev.whisk.scheduler.ActivationWaiter;

import java.io.IOException;

/**
 * One run of a sequence: component 1 gets the request body, each later one the previous result, each with its own
 * parameters (package &lt; binding &lt; action) below that input. The run stops at the first component that fails or
 * returns a top-level {@code error}; its response is the sequence's. Records and threads: see {@link CompositeRun}.
 */
final class SequenceRun extends CompositeRun
{
    private final ActivationWaiter componentWaiter = childWaiter(this::onComponent);
    private int next;

    SequenceRun(final Composer services, final Identity identity, final WhiskAction sequence,
        final String activationId, final String cause, final ActivationWaiter parent)
    {
        super(services, identity, sequence, activationId, cause, parent);
    }

    @Override
    void start(final byte[] input)
    {
        step(input);
    }

    @Override
    String recordKind()
    {
        return Exec.SEQUENCE;
    }

    private void step(final byte[] input)
    {
        final String component = action.exec().components().get(next++);
        final ActionLookup.Resolved r;
        try
        {
            final FullyQualifiedName n = FullyQualifiedName.parse(component, identity.namespace());
            r = services.lookup().action(identity, n.namespace(), n.pkg(), n.name());
        }
        catch (final Refusal | IllegalArgumentException ex)
        {
            finish(ActivationStatus.APPLICATION_ERROR, ActivationResults.error(Messages.SEQUENCE_COMPONENT_MISSING +
                " " + component));
            return;
        }
        final boolean started;
        try
        {
            started = startChild(r.action(), r.inherited(), input, null, componentWaiter);
        }
        catch (final Refusal ex)
        {
            finish(ActivationStatus.APPLICATION_ERROR, ActivationResults.error(ex.getMessage()));
            return;
        }
        if (!started)
        {
            finish(ActivationStatus.WHISK_ERROR, ActivationResults.error(Messages.SEQUENCE_FAILED));
        }
    }

    private void onComponent(final Activation a)
    {
        addChild(a);
        if (a.status() != ActivationStatus.SUCCESS || hasTopLevelError(a.result()) ||
            next == action.exec().components().size())
        {
            finish(a.status(), a.result());
        }
        else
        {
            step(a.result());
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
}
