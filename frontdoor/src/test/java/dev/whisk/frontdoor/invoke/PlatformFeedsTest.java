package dev.whisk.frontdoor.invoke;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.SemVer;
import dev.whisk.core.entity.WhiskPackage;
import dev.whisk.core.entity.WhiskTrigger;
import dev.whisk.frontdoor.event.AlarmFeed;
import dev.whisk.frontdoor.event.SystemFeeds;
import dev.whisk.scheduler.alarm.Alarm;
import dev.whisk.scheduler.alarm.AlarmService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.whisk.frontdoor.invoke.Services.body;
import static dev.whisk.frontdoor.invoke.Services.identity;
import static dev.whisk.frontdoor.invoke.Services.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A feed the platform runs itself (the alarms), invoked through the invocation service as wsk invokes a feed: the
 * lifecycle event is run in-process, never published, and recorded as a run of the feed action. The alarm store is
 * a temporary directory; its timer is never started.
 */
class PlatformFeedsTest
{
    @TempDir
    Path dir;

    private AlarmService alarms;
    private Services s;
    private final Identity alice = identity("alice");

    @BeforeEach
    void wire() throws Exception
    {
        alarms = new AlarmService(dir, AlarmService.MissedPolicy.SKIP);
        s = new Services(x -> new SystemFeeds(new AlarmFeed(alarms, x.entities, x.activations), null));
        s.entities.add(new WhiskPackage("whisk.system", "alarms", SemVer.INITIAL, true, null, List.of(), List.of(),
            1L));
        s.action("whisk.system/alarms", "once");
        s.entities.add(new WhiskTrigger("alice", "wake-up", SemVer.INITIAL, false, List.of(), List.of(), Map.of(),
            1L));
    }

    @AfterEach
    void close()
    {
        alarms.close();
    }

    @Test
    void anAlarmsCreateAndDeleteRunInProcessAndAreRecordedAsTheFeedsRuns()
    {
        final Caller created = new Caller();
        s.invocations.invoke(alice, "whisk.system", "alarms", "once", body("{\"lifecycleEvent\":\"CREATE\"," +
            "\"triggerName\":\"/alice/wake-up\",\"date\":\"2099-01-01T00:00:00Z\",\"trigger_payload\":\"up\"}"),
            true, null, created);

        final Activation run = created.record();
        assertThat(run.status()).isEqualTo(ActivationStatus.SUCCESS);
        assertThat(run.namespace()).as("recorded in the caller's namespace").isEqualTo("alice");
        assertThat(run.name()).isEqualTo("once");
        assertThat(s.activations.get("alice", run.activationId())).isEqualTo(run);
        final Alarm alarm = alarms.get("alice/wake-up");
        assertThat(alarm.kind()).isEqualTo(Alarm.Kind.ONCE);
        assertThat(alarm.owner()).isEqualTo("alice");
        assertThat(json(alarm.payload())).isEqualTo(json("{\"payload\":\"up\"}"));
        assertThat(s.dispatch.published).as("never published to the scheduler").isEmpty();

        final Caller deleted = new Caller();
        s.invocations.invoke(alice, "whisk.system", "alarms", "once", body("{\"lifecycleEvent\":\"DELETE\"," +
            "\"triggerName\":\"wake-up\"}"), false, null, deleted);

        assertThat(deleted.journaled).hasSize(1);
        assertThat(s.activations.get("alice", deleted.journaled.get(0)).status()).isEqualTo(ActivationStatus.SUCCESS);
        assertThat(alarms.get("alice/wake-up")).isNull();
    }

    @Test
    void anotherNamespacesTriggerIsAnApplicationErrorOfTheFeed()
    {
        final Caller caller = new Caller();

        s.invocations.invoke(alice, "whisk.system", "alarms", "once", body("{\"lifecycleEvent\":\"CREATE\"," +
            "\"triggerName\":\"/bob/wake-up\",\"date\":\"2099-01-01T00:00:00Z\"}"), true, null, caller);

        assertThat(caller.record().status()).isEqualTo(ActivationStatus.APPLICATION_ERROR);
        assertThat(json(caller.record().result())).isEqualTo(
            json("{\"error\":\"trigger /bob/wake-up is not in namespace alice\"}"));
        assertThat(alarms.get("bob/wake-up")).isNull();
    }
}
