package dev.whisk.frontdoor.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationId;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.entity.FullyQualifiedName;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.entity.Param;
import dev.whisk.core.entity.RuleLink;
import dev.whisk.core.entity.RuleStatus;
import dev.whisk.core.entity.WhiskTrigger;
import dev.whisk.core.json.Json;
import dev.whisk.frontdoor.invoke.ActionLookup;
import dev.whisk.frontdoor.invoke.Admission;
import dev.whisk.frontdoor.invoke.Bodies;
import dev.whisk.frontdoor.invoke.Invocations;
import dev.whisk.frontdoor.invoke.Refusal;
import dev.whisk.storage.ActivationStore;
import dev.whisk.storage.EntityStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The event service: fires triggers, whoever the event comes from (a {@code POST triggers/T}, a webhook, an alarm,
 * an event-source feed). A fire is counted against the firing namespace's fires per minute; with no active rule it
 * records nothing (OpenWhisk's 204); otherwise each active rule's action is started through the invocation service,
 * non-blocking, as the firing identity, with the trigger's parameters below the event's, and the trigger's own
 * activation (result: the arguments; logs: one JSON line per rule) is recorded. The fire is durable once every
 * rule's invoke is in the scheduler's journal and the trigger's record is on disk ({@link FireAck}); only then does
 * its caller hear so, so an accepted fire survives a crash, and its runs, like any journaled invoke, happen at most
 * once.
 *
 * <p>Threads: fires run on the caller's thread (an event loop, the alarm timer, a feed's control thread); the
 * durable callback runs on whichever scheduler or store thread finished last, and must only hand work on.
 */
public final class TriggerFiring
{
    private static final Logger LOG = LoggerFactory.getLogger(TriggerFiring.class);
    private static final Consumer<String> NOTHING = id -> { };

    private final EntityStore store;
    private final Admission admission;
    private final Invocations invocations;
    private final ActivationStore activations;

    public TriggerFiring(final EntityStore store, final Invocations invocations, final ActivationStore activations)
    {
        this.store = store;
        this.admission = invocations.admission();
        this.invocations = invocations;
        this.activations = activations;
    }

    /**
     * Admits a fire of {@code t} as {@code identity} with the event {@code body}: the payload to {@link #fire}, or
     * {@code null} when no rule is active (counted, nothing to run or record).
     *
     * @throws Refusal TOO_LARGE, BAD_REQUEST (not an object), UNAVAILABLE (disk space) or THROTTLED (fires per
     *                 minute), in that order.
     */
    public ObjectNode admit(final Identity identity, final WhiskTrigger t, final byte[] body)
    {
        if (body.length > invocations.maxBodyBytes())
        {
            throw new Refusal(Refusal.Kind.TOO_LARGE, Messages.requestTooLarge(body.length,
                invocations.maxBodyBytes()));
        }
        final ObjectNode payload = Bodies.object(body);
        invocations.refuseWhileShortOfSpace();
        if (admission.tryFire(identity.namespace(), identity.limits(), System.currentTimeMillis()) !=
            Admission.Decision.ADMITTED)
        {
            throw admission.fireRefusal(identity.namespace(), identity.limits());
        }
        return t.hasActiveRule() ? payload : null;
    }

    /**
     * Fires {@code t}, admitted with {@code payload}: starts its active rules and records its activation.
     * {@code onDurable} hears the trigger activation's id once the fire is durable; it never does when a part could
     * not be made durable (the record was refused).
     *
     * @return the trigger activation's id.
     */
    public String fire(final Identity identity, final WhiskTrigger t, final ObjectNode payload,
        final Consumer<String> onDurable)
    {
        final String activationId = ActivationId.random();
        fire(identity, t, payload, activationId, new FireAck(() -> onDurable.accept(activationId)));
        return activationId;
    }

    /** The longest a caller waits for a fire to become durable, in ms: a blocking invoke's longest wait. */
    public int maxWaitMs()
    {
        return invocations.maxWaitMs();
    }

    /**
     * An alarm's fire: as {@code owner}'s identity, counted against its fires per minute.
     *
     * @return false when the owner or the trigger no longer exists.
     */
    public boolean fireFromAlarm(final Identity owner, final String trigger, final byte[] payload)
    {
        if (owner == null || !(store.get(trigger) instanceof WhiskTrigger t))
        {
            return false;
        }
        if (invocations.refusal() != null)
        {
            LOG.warn("event=alarm-fire-refused trigger={} reason=disk-space", trigger);
            return true;
        }
        if (admission.tryFire(owner.namespace(), owner.limits(), System.currentTimeMillis()) ==
            Admission.Decision.ADMITTED && t.hasActiveRule())
        {
            fire(owner, t, Bodies.object(payload), NOTHING);
        }
        return true;
    }

    /**
     * An event-source feed's fire (see {@link FeedFirer}): as {@code owner}, refused with
     * {@link FeedFirer.Outcome#THROTTLED} while its namespace is at its concurrent invocations or over its fires per
     * minute, so that the feed pauses instead of piling up runs.
     */
    public FeedFirer.Outcome fireFromFeed(final Identity owner, final String trigger, final byte[] payload,
        final FeedFirer.Listener listener)
    {
        if (owner == null)
        {
            return FeedFirer.Outcome.OWNER_GONE;
        }
        if (!(store.get(trigger) instanceof WhiskTrigger t))
        {
            return FeedFirer.Outcome.TRIGGER_GONE;
        }
        if (payload.length > invocations.maxBodyBytes())
        {
            return FeedFirer.Outcome.TOO_LARGE;
        }
        if (invocations.refusal() != null ||
            admission.inFlight(owner.namespace()) >= owner.limits().concurrentInvocations() ||
            admission.tryFire(owner.namespace(), owner.limits(), System.currentTimeMillis()) !=
            Admission.Decision.ADMITTED)
        {
            return FeedFirer.Outcome.THROTTLED;
        }
        if (!t.hasActiveRule())
        {
            return FeedFirer.Outcome.NO_ACTIVE_RULE;
        }
        final FireAck[] ack = new FireAck[1];
        ack[0] = new FireAck(() -> listener.onDurable(ack[0].isComplete()));
        fire(owner, t, Bodies.object(payload), ActivationId.random(), ack[0]);
        return FeedFirer.Outcome.ACCEPTED;
    }

    /**
     * Runs the active rules of {@code t} and records the trigger activation {@code activationId}; {@code ack} hears
     * each rule's invoke journaled and the record durable.
     */
    private void fire(final Identity identity, final WhiskTrigger t, final ObjectNode payload,
        final String activationId, final FireAck ack)
    {
        final ObjectNode args = Json.MAPPER.createObjectNode();
        for (final Param p : t.parameters())
        {
            args.set(p.key(), p.value());
        }
        args.setAll(payload);
        final byte[] argBytes = args.toString().getBytes(StandardCharsets.UTF_8);
        final long startMs = System.currentTimeMillis();
        final List<String> logs = new ArrayList<>(t.rules().size());
        for (final Map.Entry<String, RuleLink> rule : t.rules().entrySet())
        {
            logs.add(startRule(identity, rule.getKey(), rule.getValue(), argBytes, ack));
        }
        ack.expect();
        final boolean taken = activations.append(new Activation(activationId, identity.namespace(),
            identity.subject(), t.name(), t.version(), t.docId(), "trigger", startMs, 0, null,
            ActivationStatus.SUCCESS, argBytes, logs, ActionLimits.DEFAULT, false, 0, -1), ack);
        if (!taken)
        {
            // the fire is not durable, so it is never acknowledged: the caller hears 503 when its wait runs out
            LOG.warn("event=trigger-record-refused trigger={} activationId={}", t.docId(), activationId);
            return;
        }
        ack.done();
    }

    /** Starts one rule's action and returns the trigger record's log line for it, as OpenWhisk writes them. */
    private String startRule(final Identity identity, final String rule, final RuleLink link, final byte[] args,
        final FireAck ack)
    {
        final ObjectNode line = Json.MAPPER.createObjectNode();
        final String action = link.action().docId();
        if (link.status() != RuleStatus.ACTIVE)
        {
            return line.put("statusCode", 1).put("success", false).put("rule", rule).put("action", action)
                .put("error", "Rule '" + rule + "' is inactive, action '" + action + "' was not activated.")
                .toString();
        }
        ack.expect();
        try
        {
            final FullyQualifiedName n = FullyQualifiedName.parse("/" + action, identity.namespace());
            final ActionLookup.Resolved resolved = invocations.lookup().action(identity, n.namespace(), n.pkg(),
                n.name());
            final String id = invocations.startForRule(identity, resolved.action(), resolved.inherited(), args, ack);
            if (id == null)
            {
                ack.refuse();
                return line.put("statusCode", 3).put("success", false).put("rule", rule).put("action", action)
                    .put("error", Messages.SERVICE_UNAVAILABLE).toString();
            }
            return line.put("statusCode", 0).put("success", true).put("activationId", id).put("rule", rule)
                .put("action", action).toString();
        }
        catch (final Refusal | IllegalArgumentException failure)
        {
            ack.done();
            return line.put("statusCode", 1).put("success", false).put("rule", rule).put("action", action)
                .put("error", failure.getMessage()).toString();
        }
    }
}
