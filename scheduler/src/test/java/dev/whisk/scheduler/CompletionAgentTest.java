package dev.whisk.scheduler;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationId;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.wire.MessageHeader;
import dev.whisk.storage.ActivationQuery;
import dev.whisk.storage.ActivationStore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every completion ends its activation: even one the store refuses outright answers its caller and frees its slot. */
class CompletionAgentTest
{
    @Test
    void aRecordTheStoreRefusesStillCompletesItsActivation()
    {
        final Waiters waiters = new Waiters();
        final List<Activation> completed = new ArrayList<>();
        final List<Activation> answered = new ArrayList<>();
        final CompletionAgent agent = new CompletionAgent(null, new RefusingStore(), waiters, completed::add);
        final Activation a = activation();
        waiters.register(a.activationId(), new ActivationWaiter()
        {
            @Override
            public void onJournaled(final String activationId)
            {
            }

            @Override
            public void onActivation(final Activation activation)
            {
                answered.add(activation);
            }
        });

        agent.accept(MessageHeader.COMPLETION, 0, a);

        assertThat(completed).as("admission hears of it: the slot is free").containsExactly(a);
        assertThat(answered).as("the waiting caller is answered").containsExactly(a);
        assertThat(agent.refusedRecords()).isEqualTo(1);
        assertThat(agent.doWork()).as("nothing is left in the backlog to retry for ever").isZero();
    }

    private static Activation activation()
    {
        return new Activation(ActivationId.random(), "guest", "guest", "a", "0.0.1", "guest/a", "nodejs:20", 1L, 2L,
            null, ActivationStatus.SUCCESS, "{}".getBytes(StandardCharsets.UTF_8), List.of(), ActionLimits.DEFAULT,
            false, 0, -1);
    }

    /** A store that refuses every record as too large. */
    private static final class RefusingStore implements ActivationStore
    {
        @Override
        public boolean append(final Activation activation)
        {
            throw new IllegalArgumentException("activation " + activation.activationId() + " is too large");
        }

        @Override
        public Activation get(final String namespace, final String activationId)
        {
            return null;
        }

        @Override
        public List<Activation> list(final ActivationQuery query)
        {
            return List.of();
        }

        @Override
        public int count(final ActivationQuery query)
        {
            return 0;
        }

        @Override
        public void close()
        {
        }
    }
}
