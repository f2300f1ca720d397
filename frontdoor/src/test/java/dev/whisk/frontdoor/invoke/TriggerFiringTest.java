package dev.whisk.frontdoor.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.EntityRef;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.entity.NamespaceLimits;
import dev.whisk.core.entity.RuleLink;
import dev.whisk.core.entity.RuleStatus;
import dev.whisk.core.entity.SemVer;
import dev.whisk.core.entity.WhiskTrigger;
import dev.whisk.frontdoor.event.FeedFirer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.whisk.frontdoor.invoke.Services.body;
import static dev.whisk.frontdoor.invoke.Services.identity;
import static dev.whisk.frontdoor.invoke.Services.json;
import static dev.whisk.frontdoor.invoke.Services.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Trigger fires through the event service: which rules run, with what, what is recorded, and when it is durable. */
class TriggerFiringTest
{
    private final Services s = new Services();
    private final Identity alice = identity("alice");

    private WhiskTrigger trigger(final String name, final Map<String, RuleLink> rules, final String... params)
    {
        return s.entities.add(new WhiskTrigger("alice", name, SemVer.INITIAL, false, List.of(), params(params), rules,
            1L));
    }

    private static RuleLink rule(final String action, final RuleStatus status)
    {
        return new RuleLink(new EntityRef("alice", action), status);
    }

    @Test
    void aFireRunsEachActiveRuleAndRecordsTheTriggerOnceDurable()
    {
        s.action("alice", "notify", "channel=\"ops\"");
        final Map<String, RuleLink> rules = new LinkedHashMap<>();
        rules.put("alice/on-event", rule("notify", RuleStatus.ACTIVE));
        rules.put("alice/paused", rule("notify", RuleStatus.INACTIVE));
        final WhiskTrigger t = trigger("events", rules, "source=\"sensor\"");
        s.dispatch.journalLater = true;
        final List<String> durable = new ArrayList<>();

        final ObjectNode payload = s.firing.admit(alice, t, body("{\"level\":3}"));
        final String triggerId = s.firing.fire(alice, t, payload, durable::add);

        assertThat(s.dispatch.published).hasSize(1);
        final FakeDispatch.Published run = s.dispatch.last();
        assertThat(run.actionPath()).isEqualTo("alice/notify");
        assertThat(run.blocking()).isFalse();
        assertThat(json(run.params())).isEqualTo(json("{\"channel\":\"ops\",\"source\":\"sensor\",\"level\":3}"));
        assertThat(durable).as("not before the rule's invoke is journaled").isEmpty();

        s.dispatch.journalNow();

        assertThat(durable).containsExactly(triggerId);
        final Activation record = s.activations.get("alice", triggerId);
        assertThat(record.kind()).isEqualTo("trigger");
        assertThat(record.name()).isEqualTo("events");
        assertThat(json(record.result())).isEqualTo(json("{\"source\":\"sensor\",\"level\":3}"));
        assertThat(record.logs()).hasSize(2);
        final JsonNode ran = json(record.logs().get(0));
        assertThat(ran.get("success").asBoolean()).isTrue();
        assertThat(ran.get("activationId").asText()).isEqualTo(run.activationId());
        assertThat(ran.get("rule").asText()).isEqualTo("alice/on-event");
        final JsonNode paused = json(record.logs().get(1));
        assertThat(paused.get("success").asBoolean()).isFalse();
        assertThat(paused.get("error").asText()).isEqualTo(
            "Rule 'alice/paused' is inactive, action 'alice/notify' was not activated.");
    }

    @Test
    void aFireWithNoActiveRuleRunsAndRecordsNothingButCounts()
    {
        final Identity once = identity("alice", new NamespaceLimits(60, 30, 1));
        final WhiskTrigger t = trigger("quiet", Map.of());

        assertThat(s.firing.admit(once, t, body("{}"))).isNull();
        assertThat(s.dispatch.published).isEmpty();
        assertThat(s.activations.appended).isEmpty();
        assertThatThrownBy(() -> s.firing.admit(once, t, body("{}")))
            .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.THROTTLED));
    }

    @Test
    void aFireIsRefusedForABodyTooLargeOrNotAnObjectOrWithoutDiskSpace()
    {
        final WhiskTrigger t = trigger("events", Map.of("alice/r", rule("notify", RuleStatus.ACTIVE)));

        assertThatThrownBy(() -> s.firing.admit(alice, t, body("[" + "1,".repeat(Services.MAX_BODY) + "1]")))
            .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.TOO_LARGE));
        assertThatThrownBy(() -> s.firing.admit(alice, t, body("\"text\"")))
            .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.BAD_REQUEST));
        s.dispatch.refusal = "the activation store is short of disk space";
        assertThatThrownBy(() -> s.firing.admit(alice, t, body("{}")))
            .isInstanceOfSatisfying(Refusal.class, r ->
            {
                assertThat(r.kind()).isEqualTo(Refusal.Kind.UNAVAILABLE);
                assertThat(r.getMessage()).isEqualTo("the activation store is short of disk space");
            });
    }

    @Test
    void aRuleWhoseActionIsGoneIsLoggedAndTheOthersStillRun()
    {
        s.action("alice", "notify");
        final Map<String, RuleLink> rules = new LinkedHashMap<>();
        rules.put("alice/broken", rule("deleted", RuleStatus.ACTIVE));
        rules.put("alice/ok", rule("notify", RuleStatus.ACTIVE));
        final WhiskTrigger t = trigger("events", rules);
        final List<String> durable = new ArrayList<>();

        final String id = s.firing.fire(alice, t, s.firing.admit(alice, t, body("{}")), durable::add);

        assertThat(durable).containsExactly(id);
        assertThat(s.dispatch.published).extracting(FakeDispatch.Published::actionPath).containsExactly(
            "alice/notify");
        final JsonNode broken = json(s.activations.get("alice", id).logs().get(0));
        assertThat(broken.get("statusCode").asInt()).isEqualTo(1);
        assertThat(broken.get("error").asText()).isEqualTo(Messages.RESOURCE_NOT_FOUND);
    }

    @Test
    void aRuleCanStartASequenceWhoseRunIsCausedByNothingButItsOwnId()
    {
        s.action("alice", "step");
        s.sequence("alice", "pipeline", "/alice/step");
        final WhiskTrigger t = trigger("events", Map.of("alice/r", rule("pipeline", RuleStatus.ACTIVE)));

        final String id = s.firing.fire(alice, t, s.firing.admit(alice, t, body("{\"x\":1}")), x -> { });

        final String sequenceId = s.dispatch.journaledStarts.get(0).activationId();
        assertThat(json(s.activations.get("alice", id).logs().get(0)).get("activationId").asText())
            .isEqualTo(sequenceId);
        assertThat(s.dispatch.last().cause()).isEqualTo(sequenceId);
        assertThat(json(s.dispatch.last().params())).isEqualTo(json("{\"x\":1}"));
        s.dispatch.succeed(s.dispatch.last(), "{\"y\":2}");
        assertThat(s.activations.get("alice", sequenceId).status()).isEqualTo(ActivationStatus.SUCCESS);
        assertThat(s.admission.inFlight("alice")).isZero();
    }

    @Test
    void aFeedsFireHearsWhetherEveryPartBecameDurable()
    {
        s.action("alice", "notify");
        trigger("events", Map.of("alice/r", rule("notify", RuleStatus.ACTIVE)));
        final List<Boolean> heard = new ArrayList<>();

        assertThat(s.firing.fireFromFeed(alice, "alice/events", body("{}"), heard::add))
            .isEqualTo(FeedFirer.Outcome.ACCEPTED);
        s.dispatch.ringFull = true;
        assertThat(s.firing.fireFromFeed(alice, "alice/events", body("{}"), heard::add))
            .isEqualTo(FeedFirer.Outcome.ACCEPTED);

        assertThat(heard).containsExactly(true, false);
        assertThat(s.firing.fireFromFeed(alice, "alice/gone", body("{}"), heard::add))
            .isEqualTo(FeedFirer.Outcome.TRIGGER_GONE);
        assertThat(s.firing.fireFromFeed(null, "alice/events", body("{}"), heard::add))
            .isEqualTo(FeedFirer.Outcome.OWNER_GONE);
    }

    @Test
    void anAlarmFiresAsTheOwnerUntilTheTriggerIsGone()
    {
        s.action("alice", "tick");
        trigger("every-minute", Map.of("alice/r", rule("tick", RuleStatus.ACTIVE)));

        assertThat(s.firing.fireFromAlarm(alice, "alice/every-minute", body("{\"payload\":\"now\"}"))).isTrue();

        assertThat(s.dispatch.last().namespace()).isEqualTo("alice");
        assertThat(json(s.dispatch.last().params())).isEqualTo(json("{\"payload\":\"now\"}"));
        assertThat(s.activations.appended).extracting(Activation::kind).containsExactly("trigger");
        assertThat(s.firing.fireFromAlarm(alice, "alice/removed", body("{}"))).as("the alarm should stop").isFalse();
        assertThat(s.firing.fireFromAlarm(null, "alice/every-minute", body("{}"))).isFalse();
    }
}
