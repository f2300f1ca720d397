package dev.whisk.frontdoor.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationResults;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.FullyQualifiedName;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.entity.Param;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.core.json.Json;
import dev.whisk.frontdoor.invoke.ActionLookup;
import dev.whisk.frontdoor.invoke.Arguments;
import dev.whisk.frontdoor.invoke.Bodies;
import dev.whisk.frontdoor.invoke.Compositions;
import dev.whisk.frontdoor.invoke.Refusal;
import dev.whisk.scheduler.ActivationWaiter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One run of a conductor composition, with OpenWhisk's semantics ({@code docs/conductors.md} and the controller's
 * {@code PrimitiveActions}): the conductor action (one with a truthy {@code conductor} annotation) runs on the input.
 * If its result has an {@code action}, that action runs on the result's {@code params} (boxed as
 * {@code {"value": v}} when not an object; {@code {}} when absent), and the conductor runs again on that action's
 * result with the previous {@code state} (boxed as {@code {"state": v}}) laid over it. When the conductor's result
 * has no {@code action} the run ends: its result is that result's {@code params} if present, else the whole
 * result, with the conductor activation's status.
 * <p>
 * Failures, as OpenWhisk's controller handles them: an {@code action} that is not a name, names an action that does
 * not exist or may not be invoked, or one past the component limit does not end the run: the conductor runs again
 * on {@code {"error": "<why>"}} (plus its state), so it can decide; a component's own failure is likewise just its
 * result, handed to the conductor. A conductor that returns an error without an {@code action} ends the run with
 * that error. Only a step that cannot be started at all (ring full) ends it with a whisk error.
 * <p>
 * Limits: at most {@value #MAX_COMPONENTS} component runs (the sequence limit) and
 * {@code 2 * MAX_COMPONENTS + 1} conductor runs, counted across nested conductors; past the conductor limit the
 * run ends with an application error {@code "Too many actions in the composition."}.
 * <p>
 * Records: the conductor's own runs and the components have {@code cause} = this run's id; a nested sequence or
 * composition appears in the logs by its own id only. Threads: see {@link CompositeRun}.
 */
final class ConductorRun extends CompositeRun
{
    static final int MAX_COMPONENTS = Compositions.MAX_ACTIONS;
    static final String ANNOTATION = "conductor";

    /** Steps taken so far, shared by a composition and the compositions nested in it. */
    static final class Accounting
    {
        int components;
        int conductors;
    }

    private final List<Param> inherited;
    private final Accounting accounting;
    private final ActivationWaiter conductorWaiter = childWaiter(this::onConductor);
    private final ActivationWaiter componentWaiter = childWaiter(this::onComponent);
    private ObjectNode state;

    ConductorRun(final Composer services, final Identity identity, final WhiskAction conductor,
        final List<Param> inherited, final String activationId, final String cause, final ActivationWaiter parent,
        final Accounting accounting)
    {
        super(services, identity, conductor, activationId, cause, parent);
        this.inherited = inherited;
        this.accounting = accounting;
    }

    /**
     * OpenWhisk's test: an action (not a sequence) whose {@code conductor} annotation is not falsy (absent, null,
     * false, 0 or the empty string).
     */
    static boolean isConductor(final WhiskAction action)
    {
        if (action.exec().isSequence())
        {
            return false;
        }
        final JsonNode v = Param.find(action.annotations(), ANNOTATION);
        if (v == null || v.isNull())
        {
            return false;
        }
        if (v.isBoolean())
        {
            return v.booleanValue();
        }
        if (v.isNumber())
        {
            return v.doubleValue() != 0;
        }
        return !v.isTextual() || !v.textValue().isEmpty();
    }

    @Override
    void start(final byte[] input)
    {
        runConductor(input);
    }

    @Override
    String recordKind()
    {
        return Activation.KIND_COMPOSITION;
    }

    /** Runs the conductor on {@code payload} with the state laid over it, unless it has run too often. */
    private void runConductor(final byte[] payload)
    {
        if (accounting.conductors > 2 * MAX_COMPONENTS)
        {
            finish(ActivationStatus.APPLICATION_ERROR, ActivationResults.error(Messages.COMPOSITION_TOO_LONG));
            return;
        }
        final byte[] args;
        try
        {
            args = Arguments.forComponent(action, inherited, withState(payload));
        }
        catch (final Refusal ex)
        {
            finish(ActivationStatus.APPLICATION_ERROR, ActivationResults.error(ex.getMessage()));
            return;
        }
        accounting.conductors++;
        if (!services.invocations().publishComponent(identity, action, args, activationId, conductorWaiter))
        {
            finish(ActivationStatus.WHISK_ERROR, ActivationResults.error(Messages.COMPOSITION_FAILED));
        }
    }

    private void onConductor(final Activation a)
    {
        addChild(a);
        final JsonNode result = parse(a.result());
        if (result == null || !result.isObject())
        {
            finish(a.status(), a.result());
            return;
        }
        final ObjectNode params = box(result.get("params"), "value");
        state = box(result.get("state"), "state");
        final JsonNode next = result.get("action");
        if (next == null)
        {
            finish(a.status(), params != null ? bytes(params) : a.result());
            return;
        }
        final FullyQualifiedName name = actionName(next);
        if (name == null)
        {
            runConductor(ActivationResults.error(Messages.compositionComponentInvalid(next.toString())));
            return;
        }
        if (accounting.components >= MAX_COMPONENTS)
        {
            runConductor(ActivationResults.error(Messages.COMPOSITION_TOO_LONG));
            return;
        }
        final ActionLookup.Resolved component;
        try
        {
            component = services.lookup().action(identity, name.namespace(), name.pkg(), name.name());
        }
        catch (final Refusal ex)
        {
            runConductor(ActivationResults.error(ex.kind() == Refusal.Kind.FORBIDDEN ?
                Messages.compositionComponentNotAccessible(name.path()) :
                Messages.compositionComponentNotFound(name.path())));
            return;
        }
        if (!isConductor(component.action()))
        {
            accounting.components++; // a nested composition counts its own steps
        }
        if (!startChild(component.action(), component.inherited(),
            params != null ? bytes(params) : Bodies.EMPTY_OBJECT, accounting, componentWaiter))
        {
            finish(ActivationStatus.WHISK_ERROR, ActivationResults.error(Messages.COMPOSITION_FAILED));
        }
    }

    private void onComponent(final Activation a)
    {
        addChild(a);
        final JsonNode result = parse(a.result());
        if (result == null || result.isObject())
        {
            runConductor(result == null ? Bodies.EMPTY_OBJECT : a.result());
        }
        else
        {
            runConductor(bytes(box(result, "value")));
        }
    }

    /** {@code payload} with the fields of the state laid over it. */
    private byte[] withState(final byte[] payload)
    {
        if (state == null)
        {
            return payload;
        }
        final ObjectNode merged = Bodies.object(payload);
        merged.setAll(state);
        return bytes(merged);
    }

    /** A fully qualified or {@code _}-relative action name, or {@code null} when {@code value} is not one. */
    private FullyQualifiedName actionName(final JsonNode value)
    {
        if (!value.isTextual())
        {
            return null;
        }
        try
        {
            return FullyQualifiedName.parse(value.textValue(), identity.namespace());
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
    }

    /** {@code value} as an object: itself if it is one, else {@code {key: value}}; {@code null} when absent. */
    private static ObjectNode box(final JsonNode value, final String key)
    {
        if (value == null)
        {
            return null;
        }
        if (value.isObject())
        {
            return (ObjectNode)value;
        }
        final ObjectNode boxed = Json.MAPPER.createObjectNode();
        boxed.set(key, value);
        return boxed;
    }

    /** The result as JSON, or {@code null} when there is none or it does not parse. */
    private static JsonNode parse(final byte[] result)
    {
        if (result == null || result.length == 0)
        {
            return null;
        }
        try
        {
            return Json.MAPPER.readTree(result);
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    private static byte[] bytes(final JsonNode node)
    {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
