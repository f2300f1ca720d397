package dev.whisk.frontdoor.invoke;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.Exec;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Messages;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.whisk.frontdoor.invoke.Services.body;
import static dev.whisk.frontdoor.invoke.Services.identity;
import static dev.whisk.frontdoor.invoke.Services.json;
import static dev.whisk.frontdoor.invoke.Services.params;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sequences and conductor compositions run by the invocation service against a fake dispatch port: each step is
 * published when the previous record arrives, and the run ends in a record of its own.
 */
class CompositionsTest
{
    private final Services s = new Services();
    private final Identity alice = identity("alice");

    @Test
    void aSequencePassesEachResultOnAndEndsInItsOwnRecord()
    {
        s.action("alice", "double", "factor=2");
        s.action("alice", "label", "prefix=\"n=\"");
        s.sequence("alice", "pipeline", "/alice/double", "/alice/label");
        final Caller caller = new Caller();

        s.invocations.invoke(alice, "alice", null, "pipeline", body("{\"n\":3}"), true, null, caller);

        assertThat(s.dispatch.journaledStarts).hasSize(1);
        final String sequenceId = s.dispatch.journaledStarts.get(0).activationId();
        assertThat(caller.waitingFor).isEqualTo(sequenceId);
        final FakeDispatch.Published first = s.dispatch.last();
        assertThat(first.actionPath()).isEqualTo("alice/double");
        assertThat(first.cause()).isEqualTo(sequenceId);
        assertThat(json(first.params())).isEqualTo(json("{\"factor\":2,\"n\":3}"));
        final Activation doubled = s.dispatch.complete(first, ActivationStatus.SUCCESS, "{\"n\":6}", 30);

        final FakeDispatch.Published second = s.dispatch.last();
        assertThat(second.actionPath()).isEqualTo("alice/label");
        assertThat(second.cause()).isEqualTo(sequenceId);
        assertThat(json(second.params())).isEqualTo(json("{\"prefix\":\"n=\",\"n\":6}"));
        assertThat(caller.records).isEmpty();
        final Activation labelled = s.dispatch.complete(second, ActivationStatus.SUCCESS, "{\"text\":\"n=6\"}", 12);

        final Activation record = caller.record();
        assertThat(record.activationId()).isEqualTo(sequenceId);
        assertThat(record.kind()).isEqualTo(Exec.SEQUENCE);
        assertThat(record.status()).isEqualTo(ActivationStatus.SUCCESS);
        assertThat(json(record.result())).isEqualTo(json("{\"text\":\"n=6\"}"));
        assertThat(record.logs()).containsExactly(doubled.activationId(), labelled.activationId());
        assertThat(record.durationMs()).isEqualTo(42);
        assertThat(record.cause()).isNull();
        assertThat(s.activations.get("alice", sequenceId)).isEqualTo(record);
        assertThat(s.dispatch.journaledCompletions).containsExactly(record);
        assertThat(s.admission.inFlight("alice")).as("the sequence and its steps are all counted out").isZero();
    }

    @Test
    void aSequenceStopsAtTheFirstError()
    {
        s.action("alice", "fail");
        s.action("alice", "never");
        s.sequence("alice", "pipeline", "/alice/fail", "/alice/never");
        final Caller caller = new Caller();

        s.invocations.invoke(alice, "alice", null, "pipeline", body("{}"), true, null, caller);
        final Activation failed = s.dispatch.complete(s.dispatch.last(), ActivationStatus.APPLICATION_ERROR,
            "{\"error\":\"boom\"}", 5);

        assertThat(s.dispatch.published).hasSize(1);
        assertThat(caller.record().status()).isEqualTo(ActivationStatus.APPLICATION_ERROR);
        assertThat(json(caller.record().result())).isEqualTo(json("{\"error\":\"boom\"}"));
        assertThat(caller.record().logs()).containsExactly(failed.activationId());
    }

    @Test
    void aMissingComponentEndsTheSequenceWithAnApplicationError()
    {
        s.sequence("alice", "broken", "/alice/gone");
        final Caller caller = new Caller();

        s.invocations.invoke(alice, "alice", null, "broken", body("{}"), true, null, caller);

        assertThat(s.dispatch.published).isEmpty();
        assertThat(caller.record().status()).isEqualTo(ActivationStatus.APPLICATION_ERROR);
        assertThat(json(caller.record().result())).isEqualTo(
            json("{\"error\":\"" + Messages.SEQUENCE_COMPONENT_MISSING + " /alice/gone\"}"));
        assertThat(s.admission.inFlight("alice")).isZero();
    }

    @Test
    void aNonBlockingSequenceHearsItsIdOnlyOnceItsStartIsJournaled()
    {
        s.action("alice", "step");
        s.sequence("alice", "pipeline", "/alice/step");
        final Caller caller = new Caller();

        s.invocations.invoke(alice, "alice", null, "pipeline", body("{}"), false, null, caller);

        assertThat(s.dispatch.journaledStarts).hasSize(1);
        final Activation start = s.dispatch.journaledStarts.get(0);
        assertThat(start.status()).as("the record it ends in should the platform stop first")
            .isEqualTo(ActivationStatus.WHISK_ERROR);
        assertThat(caller.journaled).containsExactly(start.activationId());
        s.dispatch.succeed(s.dispatch.last(), "{\"ok\":true}");
        assertThat(caller.records).as("nobody waits under a non-blocking run's id").isEmpty();
        assertThat(s.activations.get("alice", start.activationId()).status()).isEqualTo(ActivationStatus.SUCCESS);
    }

    @Test
    void aConductorDecidesEachStepAndCarriesItsState()
    {
        s.action("alice", "decide", params("conductor=true"), "mode=\"plan\"");
        s.action("alice", "work", "speed=1");
        final Caller caller = new Caller();

        s.invocations.invoke(alice, "alice", null, "decide", body("{\"job\":7}"), true, null, caller);

        final String runId = s.dispatch.journaledStarts.get(0).activationId();
        final FakeDispatch.Published plan = s.dispatch.last();
        assertThat(plan.actionPath()).isEqualTo("alice/decide");
        assertThat(plan.cause()).isEqualTo(runId);
        assertThat(json(plan.params())).isEqualTo(json("{\"mode\":\"plan\",\"job\":7}"));
        final Activation first = s.dispatch.succeed(plan,
            "{\"action\":\"work\",\"params\":{\"job\":7},\"state\":{\"step\":1}}");

        final FakeDispatch.Published work = s.dispatch.last();
        assertThat(work.actionPath()).isEqualTo("alice/work");
        assertThat(work.cause()).isEqualTo(runId);
        assertThat(json(work.params())).isEqualTo(json("{\"speed\":1,\"job\":7}"));
        final Activation worked = s.dispatch.succeed(work, "{\"done\":7}");

        final FakeDispatch.Published again = s.dispatch.last();
        assertThat(again.actionPath()).isEqualTo("alice/decide");
        assertThat(json(again.params())).as("the result with the state laid over it")
            .isEqualTo(json("{\"mode\":\"plan\",\"done\":7,\"step\":1}"));
        final Activation last = s.dispatch.succeed(again, "{\"params\":{\"answer\":7}}");

        final Activation record = caller.record();
        assertThat(record.activationId()).isEqualTo(runId);
        assertThat(record.kind()).isEqualTo(Activation.KIND_COMPOSITION);
        assertThat(record.status()).isEqualTo(ActivationStatus.SUCCESS);
        assertThat(json(record.result())).isEqualTo(json("{\"answer\":7}"));
        assertThat(record.logs()).containsExactly(first.activationId(), worked.activationId(), last.activationId());
        assertThat(s.admission.inFlight("alice")).isZero();
    }

    @Test
    void aConductorNamingAMissingActionHearsWhyAndDecidesAgain()
    {
        s.action("alice", "decide", params("conductor=true"));
        final Caller caller = new Caller();

        s.invocations.invoke(alice, "alice", null, "decide", body("{}"), true, null, caller);
        s.dispatch.succeed(s.dispatch.last(), "{\"action\":\"nowhere\"}");

        final FakeDispatch.Published again = s.dispatch.last();
        assertThat(again.actionPath()).isEqualTo("alice/decide");
        assertThat(json(again.params())).isEqualTo(
            json("{\"error\":\"" + Messages.compositionComponentNotFound("alice/nowhere") + "\"}"));
        s.dispatch.complete(again, ActivationStatus.APPLICATION_ERROR, "{\"error\":\"gave up\"}", 1);
        assertThat(caller.record().status()).isEqualTo(ActivationStatus.APPLICATION_ERROR);
        assertThat(json(caller.record().result())).isEqualTo(json("{\"error\":\"gave up\"}"));
        assertThat(caller.record().logs()).hasSize(2);
        assertThat(s.dispatch.published).extracting(FakeDispatch.Published::actionName)
            .isEqualTo(List.of("decide", "decide"));
    }

    @Test
    void aFullRingEndsTheSequenceWithAWhiskError()
    {
        s.action("alice", "a");
        s.action("alice", "b");
        s.sequence("alice", "pipeline", "/alice/a", "/alice/b");
        final Caller caller = new Caller();
        s.invocations.invoke(alice, "alice", null, "pipeline", body("{}"), true, null, caller);

        s.dispatch.ringFull = true;
        s.dispatch.succeed(s.dispatch.last(), "{}");

        assertThat(caller.record().status()).isEqualTo(ActivationStatus.WHISK_ERROR);
        assertThat(json(caller.record().result())).isEqualTo(json("{\"error\":\"" + Messages.SEQUENCE_FAILED +
            "\"}"));
        assertThat(s.admission.inFlight("alice")).isZero();
    }
}
