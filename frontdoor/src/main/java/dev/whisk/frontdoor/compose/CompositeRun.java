package dev.whisk.frontdoor.compose;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationId;
import dev.whisk.core.activation.ActivationResults;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.entity.Param;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.frontdoor.invoke.Arguments;
import dev.whisk.frontdoor.invoke.Bodies;
import dev.whisk.scheduler.ActivationWaiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a sequence and a conductor composition share: a run of child activations, each with {@code cause} = this
 * run's activation id, that ends in a record of its own, synthesized here: its logs are the child ids in order, its
 * duration the sum of theirs, its memory limit the largest of theirs, and it answers the caller waiting under its id
 * (or, nested, the parent run).
 * <p>
 * Steps are chained on completion callbacks, never by a thread that waits: a child's record arrives on the thread
 * that delivers completions (the scheduler's completion thread) and that thread starts the next child. One step is
 * in flight at a time, so a run's fields need no locks; the waiter registry orders the hand-over between the thread
 * that published a child and the one that hears its record.
 */
abstract class CompositeRun
{
    private static final Logger LOG = LoggerFactory.getLogger(CompositeRun.class);

    final Composer services;
    final Identity identity;
    final WhiskAction action;
    final String activationId;
    private final String cause;
    private final ActivationWaiter parent;
    private final long startMs = System.currentTimeMillis();
    private final List<String> childIds = new ArrayList<>();
    private long durationMs;
    private int maxMemoryMb;

    /**
     * @param cause  the enclosing run's activation id, or {@code null} for a topmost run.
     * @param parent who hears the record of a nested run; {@code null} for a topmost one, whose caller (if any) is
     *               registered under {@code activationId} with the waiters.
     */
    CompositeRun(final Composer services, final Identity identity, final WhiskAction action,
        final String activationId, final String cause, final ActivationWaiter parent)
    {
        this.services = services;
        this.identity = identity;
        this.action = action;
        this.activationId = activationId;
        this.cause = cause;
        this.parent = parent;
        this.maxMemoryMb = action.limits().memory();
    }

    /** Whether invoking {@code action} runs a composite: a sequence, or a conductor action. */
    static boolean isComposite(final WhiskAction action)
    {
        return action.exec().isSequence() || ConductorRun.isConductor(action);
    }

    /**
     * Starts a topmost run of the composite {@code action} as {@code identity}, under {@code activationId}.
     *
     * @param inherited the parameters {@code action} inherits from its package (a conductor merges them under each
     *                  of its inputs; a sequence ignores them).
     * @param input     the request's arguments: for a sequence the bare body, for a conductor the body merged over
     *                  the action's parameters.
     */
    static void startTopmost(final Composer services, final Identity identity, final WhiskAction action,
        final List<Param> inherited, final String activationId, final byte[] input)
    {
        create(services, identity, action, inherited, activationId, null, null, null).start(input);
    }

    private static CompositeRun create(final Composer services, final Identity identity, final WhiskAction action,
        final List<Param> inherited, final String activationId, final String cause, final ActivationWaiter parent,
        final ConductorRun.Accounting accounting)
    {
        final CompositeRun run = action.exec().isSequence() ?
            new SequenceRun(services, identity, action, activationId, cause, parent) :
            new ConductorRun(services, identity, action, inherited, activationId, cause, parent,
                accounting != null ? accounting : new ConductorRun.Accounting());
        run.journalStart();
        return run;
    }

    /**
     * Journals that this run was accepted, before its caller hears its id, with the record it ends in should the
     * platform stop before it finishes; its steps are journaled as they start, each with this run's id as cause, and
     * its own record as it finishes (see {@link dev.whisk.scheduler.Recovery}).
     */
    private void journalStart()
    {
        final ActionLimits l = action.limits();
        services.dispatch().journalCompositionStart(new Activation(activationId, identity.namespace(),
            identity.subject(), action.name(), action.version(), action.docId(), recordKind(), startMs, startMs,
            cause, ActivationStatus.WHISK_ERROR, ActivationResults.error(Messages.COMPOSITION_STOPPED), List.of(),
            l, false, 0, -1));
    }

    /** Runs the first step with the caller's {@code input}. */
    abstract void start(byte[] input);

    /** The {@code kind} of this run's own record. */
    abstract String recordKind();

    /**
     * Starts {@code child} with {@code input}, caused by this run; {@code onRecord} hears its record. A primitive
     * child gets its own parameters (after {@code inherited}) below {@code input}, as OpenWhisk merges a
     * component's; a nested composite starts as a run of its own and reports back with its record. A nested
     * conductor shares {@code accounting} (the step limits hold across nesting); {@code null} gives it its own.
     *
     * @param waiter hears the child's record: one made by {@link #childWaiter} for the life of the run.
     * @return false when the ring was full and nothing started.
     * @throws dev.whisk.frontdoor.invoke.Refusal when {@code input} is not a JSON object.
     */
    final boolean startChild(final WhiskAction child, final List<Param> inherited, final byte[] input,
        final ConductorRun.Accounting accounting, final ActivationWaiter waiter)
    {
        if (isComposite(child))
        {
            final byte[] params = Bodies.requireObject(input);
            services.admission().countIn(identity.namespace());
            create(services, identity, child, inherited, ActivationId.random(), activationId, waiter, accounting)
                .start(params);
            return true;
        }
        return services.invocations().publishComponent(identity, child, Arguments.forComponent(child, inherited, input),
            activationId, waiter);
    }

    /** Adds a child's record to this run's: its id to the logs, its duration and memory limit. */
    final void addChild(final Activation child)
    {
        childIds.add(child.activationId());
        durationMs += child.durationMs();
        maxMemoryMb = Math.max(maxMemoryMb, child.limits().memory());
    }

    /** Stores this run's own record, counts it out of admission, and tells whoever waits for it. */
    final void finish(final ActivationStatus status, final byte[] result)
    {
        final ActionLimits l = action.limits();
        final Activation record = new Activation(activationId, identity.namespace(), identity.subject(),
            action.name(), action.version(), action.docId(), recordKind(), startMs, startMs + durationMs, cause,
            status, result, childIds, new ActionLimits(l.timeout(), maxMemoryMb, l.logs(), l.concurrency()), false,
            0, -1);
        // Before the store's writer takes it: a stop before the record is durable does not lose it.
        services.dispatch().journalCompletion(record);
        if (!services.activations().append(record))
        {
            LOG.warn("event=composite-record-dropped activationId={} reason=store-full", activationId);
        }
        services.admission().onCompleted(record);
        final ActivationWaiter waiter = parent != null ? parent : services.dispatch().waiters().take(activationId);
        if (waiter != null)
        {
            waiter.onActivation(record);
        }
    }

    /** A waiter that hands each child record it hears to {@code onRecord}; a run makes one and reuses it. */
    static ActivationWaiter childWaiter(final Consumer<Activation> onRecord)
    {
        return new ChildWaiter(onRecord);
    }

    /** Hears one child's record and hands it to the run. */
    private static final class ChildWaiter implements ActivationWaiter
    {
        private final Consumer<Activation> onRecord;

        ChildWaiter(final Consumer<Activation> onRecord)
        {
            this.onRecord = onRecord;
        }

        @Override
        public void onJournaled(final String childId)
        {
            // the run waits for the record
        }

        @Override
        public void onActivation(final Activation activation)
        {
            onRecord.accept(activation);
        }
    }
}
