package dev.whisk.scheduler;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.ActionLimits;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** An in-process invoker (always alive) judged by its outcomes and brought back by a health ping. */
class InvokerHealthTest
{
    private static final long SECOND = 1_000_000_000L;

    private final InvokerTable table = new InvokerTable(new InvokerTable.Context()
        .inProcess(Collections.nCopies(1, null)));
    private final List<ActivationWaiter> pings = new ArrayList<>();
    private final InvokerHealth health = new InvokerHealth(table, (invoker, waiter) -> pings.add(waiter),
        "whisk.system/invokerHealthTest");

    private static Activation record(final String namespace, final String name, final ActivationStatus status)
    {
        return new Activation("a" + System.nanoTime(), namespace, namespace, name, "0.0.1", namespace + "/" + name,
            "nodejs:20", 0, 1, null, status, null, List.of(), ActionLimits.DEFAULT, false, 0, -1);
    }

    @Test
    void threeWhiskErrorsInTheLastTenMakeAnInvokerUnhealthyAndAPassingPingBringsItBack()
    {
        health.onCompletion(0, record("guest", "a", ActivationStatus.WHISK_ERROR));
        health.onCompletion(0, record("guest", "a", ActivationStatus.APPLICATION_ERROR));
        health.onCompletion(0, record("guest", "a", ActivationStatus.WHISK_ERROR));
        assertThat(table.health(0)).as("application errors are the action's, not the invoker's")
            .isEqualTo(InvokerTable.UP);
        assertThat(health.tick(SECOND)).isZero();
        assertThat(pings).as("a healthy invoker is not pinged").isEmpty();

        health.onCompletion(0, record("guest", "a", ActivationStatus.WHISK_ERROR));
        assertThat(table.health(0)).isEqualTo(InvokerTable.UNHEALTHY);
        assertThat(table.canPlace(false, SECOND)).isFalse();

        health.tick(2 * SECOND);
        assertThat(pings).hasSize(1);
        health.tick(2 * SECOND + SECOND / 2);
        assertThat(pings).as("one ping at a time").hasSize(1);
        pings.get(0).onActivation(record("whisk.system", "invokerHealthTest", ActivationStatus.WHISK_ERROR));
        health.tick(3 * SECOND + 1);
        assertThat(table.health(0)).isEqualTo(InvokerTable.UNHEALTHY);
        assertThat(pings).as("failed: pinged again a second later").hasSize(2);

        pings.get(1).onActivation(record("whisk.system", "invokerHealthTest", ActivationStatus.SUCCESS));
        health.tick(3 * SECOND + 2);
        assertThat(table.health(0)).isEqualTo(InvokerTable.UP);
        health.onCompletion(0, record("guest", "a", ActivationStatus.WHISK_ERROR));
        assertThat(table.health(0)).as("its old errors were forgiven").isEqualTo(InvokerTable.UP);
    }

    @Test
    void errorsOlderThanTheWindowNoLongerCount()
    {
        health.onCompletion(0, record("guest", "a", ActivationStatus.WHISK_ERROR));
        health.onCompletion(0, record("guest", "a", ActivationStatus.WHISK_ERROR));
        for (int i = 0; i < InvokerHealth.WINDOW; i++)
        {
            health.onCompletion(0, record("guest", "a", ActivationStatus.SUCCESS));
        }
        health.onCompletion(0, record("guest", "a", ActivationStatus.WHISK_ERROR));
        assertThat(table.health(0)).isEqualTo(InvokerTable.UP);
    }

    @Test
    void failedPingsDoNotCountAsTheInvokersOwnOutcomes()
    {
        for (int i = 0; i < 5; i++)
        {
            health.onCompletion(0, record("whisk.system", "invokerHealthTest", ActivationStatus.WHISK_ERROR));
        }
        assertThat(table.health(0)).isEqualTo(InvokerTable.UP);
    }
}
