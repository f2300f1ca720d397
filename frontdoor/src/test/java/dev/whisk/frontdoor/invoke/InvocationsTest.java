package dev.whisk.frontdoor.invoke;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.entity.NamespaceLimits;
import dev.whisk.core.entity.PackageBinding;
import dev.whisk.core.entity.SemVer;
import dev.whisk.core.entity.WhiskPackage;
import dev.whisk.core.wire.InvokeRequest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.whisk.frontdoor.invoke.Services.body;
import static dev.whisk.frontdoor.invoke.Services.identity;
import static dev.whisk.frontdoor.invoke.Services.json;
import static dev.whisk.frontdoor.invoke.Services.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The invocation service against a fake dispatch port: what a caller hears and what reaches the scheduler. */
class InvocationsTest
{
    private final Services s = new Services();
    private final Identity alice = identity("alice");

    @Test
    void aBlockingInvokeMergesParametersPublishesOnceAndHearsItsRecord()
    {
        s.action("alice", "hello", "greeting=\"hi\"", "name=\"nobody\"");
        final Caller caller = new Caller();

        s.invocations.invoke(alice, "alice", null, "hello", body("{\"name\":\"Ada\"}"), true, null, caller);

        assertThat(s.dispatch.published).hasSize(1);
        final FakeDispatch.Published p = s.dispatch.last();
        assertThat(p.actionPath()).isEqualTo("alice/hello");
        assertThat(p.namespace()).isEqualTo("alice");
        assertThat(p.blocking()).isTrue();
        assertThat(p.cause()).isNull();
        assertThat(p.apiKey()).as("no key is handed to an action that did not ask for one").isNull();
        assertThat(json(p.params())).isEqualTo(json("{\"greeting\":\"hi\",\"name\":\"Ada\"}"));
        assertThat(caller.journaled).as("told it is journaled (a blocking REST caller answers only the record)")
            .containsExactly(p.activationId());
        assertThat(caller.records).as("no record before the run ends").isEmpty();
        assertThat(caller.waitingFor).isEqualTo(p.activationId());
        assertThat(caller.waitMs).isEqualTo(Services.MAX_WAIT_MS);
        assertThat(s.admission.inFlight("alice")).isEqualTo(1);

        final Activation done = s.dispatch.succeed(p, "{\"greeting\":\"hi Ada\"}");

        assertThat(caller.record()).isSameAs(done);
        assertThat(s.admission.inFlight("alice")).isZero();
        assertThat(s.dispatch.waiters().size()).isZero();
    }

    @Test
    void aNonBlockingInvokeHearsTheIdOnceJournaled()
    {
        s.action("alice", "hello");
        s.dispatch.journalLater = true;
        final Caller caller = new Caller();

        s.invocations.invoke(alice, "alice", null, "hello", body(""), false, null, caller);

        assertThat(caller.journaled).as("not before the journal has it").isEmpty();
        s.dispatch.journalNow();
        assertThat(caller.journaled).containsExactly(s.dispatch.last().activationId());
        assertThat(s.dispatch.last().blocking()).isFalse();
        assertThat(s.dispatch.last().params()).isEqualTo("{}");
        assertThat(caller.waitingFor).isNull();
        assertThat(s.dispatch.waiters().size()).as("nobody waits for a non-blocking run's record").isZero();
    }

    @Test
    void parametersMergePackageUnderBindingUnderActionUnderBody()
    {
        final Identity bob = identity("bob");
        s.entities.add(new WhiskPackage("alice", "tools", SemVer.INITIAL, true, null, List.of(),
            params("a=\"package\"", "b=\"package\"", "c=\"package\"", "d=\"package\""), 1L));
        s.entities.add(new WhiskPackage("bob", "mine", SemVer.INITIAL, false, new PackageBinding("alice", "tools"),
            List.of(), params("b=\"binding\"", "c=\"binding\"", "d=\"binding\""), 1L));
        s.action("alice/tools", "echo", "c=\"action\"", "d=\"action\"");

        s.invocations.invoke(bob, "bob", "mine", "echo", body("{\"d\":\"body\"}"), false, null, new Caller());

        assertThat(s.dispatch.last().namespace()).as("runs as the caller").isEqualTo("bob");
        assertThat(s.dispatch.last().actionPath()).isEqualTo("alice/tools/echo");
        assertThat(json(s.dispatch.last().params())).isEqualTo(
            json("{\"a\":\"package\",\"b\":\"binding\",\"c\":\"action\",\"d\":\"body\"}"));
    }

    @Test
    void aFinalParameterCannotBeOverriddenAndNothingIsCounted()
    {
        s.action("alice", "locked", params("final=true"), "mode=\"safe\"");

        assertThatThrownBy(() -> s.invocations.invoke(alice, "alice", null, "locked", body("{\"mode\":\"unsafe\"}"),
            true, null, new Caller()))
            .isInstanceOfSatisfying(Refusal.class, r ->
            {
                assertThat(r.kind()).isEqualTo(Refusal.Kind.BAD_REQUEST);
                assertThat(r.getMessage()).isEqualTo(Messages.PARAMS_NOT_ALLOWED);
            });
        assertThat(s.dispatch.published).isEmpty();
        assertThat(s.admission.inFlight("alice")).isZero();
    }

    @Test
    void refusalsSayWhatKindTheyAre()
    {
        s.action("alice", "hello");
        s.entities.add(new WhiskPackage("bob", "private", SemVer.INITIAL, false, null, List.of(), List.of(), 1L));
        s.action("bob/private", "secret");

        assertThat(refusal(() -> s.invocations.invoke(alice, "alice", null, "nothing", body(""), true, null,
            new Caller()))).isEqualTo(Refusal.Kind.NOT_FOUND);
        assertThat(refusal(() -> s.invocations.invoke(alice, "bob", "private", "secret", body(""), true, null,
            new Caller()))).isEqualTo(Refusal.Kind.FORBIDDEN);
        assertThat(refusal(() -> s.invocations.invoke(alice, "alice", null, "hello",
            body("{\"x\":\"" + "y".repeat(Services.MAX_BODY) + "\"}"), true, null, new Caller())))
            .isEqualTo(Refusal.Kind.TOO_LARGE);
        assertThat(refusal(() -> s.invocations.invoke(alice, "alice", null, "hello", body("[1]"), true, null,
            new Caller()))).isEqualTo(Refusal.Kind.BAD_REQUEST);
        assertThat(refusal(() -> s.invocations.invoke(alice, "alice", null, "hello", body(""), true, "0",
            new Caller()))).isEqualTo(Refusal.Kind.BAD_REQUEST);
        assertThat(s.dispatch.published).isEmpty();
    }

    @Test
    void theWaitIsWhatTheCallerAskedCappedAtThePlatformsLongest()
    {
        s.action("alice", "hello");
        final Caller quick = new Caller();
        final Caller patient = new Caller();

        s.invocations.invoke(alice, "alice", null, "hello", body(""), true, "250", quick);
        s.invocations.invoke(alice, "alice", null, "hello", body(""), true, "60000", patient);

        assertThat(quick.waitMs).isEqualTo(250);
        assertThat(patient.waitMs).isEqualTo(Services.MAX_WAIT_MS);
    }

    @Test
    void overItsConcurrentLimitANamespaceIsThrottledUntilARunEnds()
    {
        final Identity small = identity("small", new NamespaceLimits(60, 1, 60));
        s.action("small", "hello");
        s.invocations.invoke(small, "small", null, "hello", body(""), true, null, new Caller());

        assertThatThrownBy(() -> s.invocations.invoke(small, "small", null, "hello", body(""), true, null,
            new Caller()))
            .isInstanceOfSatisfying(Refusal.class, r ->
            {
                assertThat(r.kind()).isEqualTo(Refusal.Kind.THROTTLED);
                assertThat(r.getMessage()).isEqualTo(Messages.tooManyConcurrentRequests(1, 1));
            });
        assertThat(s.dispatch.published).hasSize(1);

        s.dispatch.succeed(s.dispatch.last(), "{}");
        s.invocations.invoke(small, "small", null, "hello", body(""), true, null, new Caller());
        assertThat(s.dispatch.published).hasSize(2);
    }

    @Test
    void nothingIsAcceptedWithoutAnInvokerAFreeRingOrDiskSpace()
    {
        s.action("alice", "hello");
        s.dispatch.canPlace = false;
        assertThat(unavailable()).isEqualTo(Messages.NO_INVOKER);

        s.dispatch.canPlace = true;
        s.dispatch.ringFull = true;
        final Caller caller = new Caller();
        assertThatThrownBy(() -> s.invocations.invoke(alice, "alice", null, "hello", body(""), true, null, caller))
            .isInstanceOf(Refusal.class).extracting(e -> ((Refusal)e).kind()).isEqualTo(Refusal.Kind.UNAVAILABLE);
        assertThat(s.dispatch.waiters().size()).as("the caller no longer waits").isZero();
        assertThat(caller.waitingFor).isNull();

        s.dispatch.ringFull = false;
        s.dispatch.refusal = "the journal is short of disk space";
        assertThat(unavailable()).isEqualTo("the journal is short of disk space");

        assertThat(s.dispatch.published).isEmpty();
        assertThat(s.admission.inFlight("alice")).as("refused invokes are not in flight").isZero();
    }

    @Test
    void theCallersOwnKeyAsAuthKeyNeverReachesTheJournal()
    {
        s.action("alice", "feed");

        s.invocations.invoke(alice, "alice", null, "feed",
            body("{\"authKey\":\"" + alice.apiKey() + "\",\"lifecycleEvent\":\"CREATE\"}"), true, null, new Caller());

        final FakeDispatch.Published p = s.dispatch.last();
        assertThat(json(p.params())).isEqualTo(json("{\"lifecycleEvent\":\"CREATE\"}"));
        assertThat(p.flags() & InvokeRequest.FLAG_AUTH_KEY_PARAM).isNotZero();
        assertThat(p.apiKey()).isNotEqualTo(alice.apiKey());
        assertThat(s.seal.open(p.apiKey())).as("the invoker opens the sealed key").isEqualTo(alice.apiKey());
    }

    @Test
    void aRuleStartsARunThatNobodyWaitsFor()
    {
        s.action("alice", "hello", "greeting=\"hi\"");
        final Caller ack = new Caller();

        final String id = s.invocations.startForRule(alice, s.invocations.lookup().action(alice, "alice", null,
            "hello").action(), List.of(), body("{\"event\":1}"), ack);

        assertThat(id).isEqualTo(s.dispatch.last().activationId());
        assertThat(s.dispatch.last().blocking()).isFalse();
        assertThat(json(s.dispatch.last().params())).isEqualTo(json("{\"greeting\":\"hi\",\"event\":1}"));
        assertThat(ack.journaled).containsExactly(id);
        assertThat(s.admission.inFlight("alice")).isEqualTo(1);

        s.dispatch.succeed(s.dispatch.last(), "{}");
        assertThat(s.admission.inFlight("alice")).isZero();
        assertThat(ack.records).isEmpty();
    }

    @Test
    void aRunForThePlatformHearsItsRecordWithTheKeyAddedByTheInvoker()
    {
        s.action("alice", "feed");
        final java.util.List<Activation> heard = new java.util.ArrayList<>();

        assertThat(s.invocations.runForPlatform(alice, s.invocations.lookup().action(alice, "alice", null, "feed")
            .action(), List.of(), body("{\"lifecycleEvent\":\"DELETE\"}"), heard::add)).isTrue();

        final FakeDispatch.Published p = s.dispatch.last();
        assertThat(p.flags() & InvokeRequest.FLAG_AUTH_KEY_PARAM).isNotZero();
        final Activation done = s.dispatch.complete(p, ActivationStatus.APPLICATION_ERROR, "{\"error\":\"no\"}", 5);
        assertThat(heard).containsExactly(done);

        s.dispatch.ringFull = true;
        assertThat(s.invocations.runForPlatform(alice, s.invocations.lookup().action(alice, "alice", null, "feed")
            .action(), List.of(), body("{}"), heard::add)).as("a full ring starts nothing").isFalse();
        assertThat(s.admission.inFlight("alice")).isZero();
    }

    private String unavailable()
    {
        try
        {
            s.invocations.invoke(alice, "alice", null, "hello", body(""), true, null, new Caller());
        }
        catch (final Refusal r)
        {
            assertThat(r.kind()).isEqualTo(Refusal.Kind.UNAVAILABLE);
            return r.getMessage();
        }
        throw new AssertionError("not refused");
    }

    private static Refusal.Kind refusal(final Runnable call)
    {
        try
        {
            call.run();
        }
        catch (final Refusal r)
        {
            return r.kind();
        }
        throw new AssertionError("not refused");
    }
}
