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
        final CompletionAgent agent = new CompletionAgent(new CompletionAgent.Context().fleet(localFleet(table()))
            .store(new RefusingStore()).waiters(waiters).onCompletion(completed::add)
            .records(new RecordJournal(new MemoryJournal())).health(health(table())));
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

    @Test
    void withInvokersInThisProcessACompletionIsJournaledFirstAndGivesBackItsMemory()
    {
        final InvokerTable table = table();
        final MemoryJournal journal = new MemoryJournal();
        final List<Activation> stored = new ArrayList<>();
        final CompletionAgent agent = new CompletionAgent(new CompletionAgent.Context().fleet(localFleet(table))
            .store(new RefusingStore()
            {
                @Override
                public boolean append(final Activation activation)
                {
                    assertThat(journal.templates).as("journaled before the store takes it")
                        .containsExactly(MessageHeader.RESULT, MessageHeader.COMPLETION);
                    stored.add(activation);
                    return true;
                }
            })
            .waiters(new Waiters()).records(new RecordJournal(journal)).health(health(table)));
        final Activation a = activation();
        table.acquire(0, a.limits().memory());

        agent.accept(MessageHeader.RESULT, 0, a);
        assertThat(table.usedMb(0)).as("a result ends nothing").isEqualTo(a.limits().memory());
        agent.accept(MessageHeader.COMPLETION, 0, a);

        assertThat(stored).containsExactly(a);
        assertThat(table.usedMb(0)).as("its memory is free again").isZero();
    }

    private static InvokerTable table()
    {
        return new InvokerTable(new InvokerTable.Context().inProcess(java.util.Collections.nCopies(1, null)));
    }

    private static InvokerHealth health(final InvokerTable table)
    {
        return new InvokerHealth(table, (invoker, waiter) -> false, "whisk.system/invokerHealthTestAction0");
    }

    /** Invokers in this process, reached on the calling thread. */
    private static Fleet localFleet(final InvokerTable table)
    {
        return Fleet.local(table, new LocalDispatch()
        {
            @Override
            public boolean isOwnerThread()
            {
                return true;
            }

            @Override
            public void execute(final Runnable task)
            {
                task.run();
            }

            @Override
            public void dispatch(final int invoker, final org.agrona.DirectBuffer buffer, final int offset,
                final int length)
            {
            }
        });
    }

    /** A journal in memory: the templates of what was appended, in order. */
    private static final class MemoryJournal implements Journal
    {
        final List<Short> templates = new ArrayList<>();

        @Override
        public void append(final org.agrona.DirectBuffer buffer, final int offset, final int length)
        {
            templates.add(MessageHeader.templateId(buffer, offset, length));
        }

        @Override
        public void replay(final java.util.function.Consumer<org.agrona.DirectBuffer> onMessage)
        {
        }

        @Override
        public void close()
        {
        }
    }

    private static Activation activation()
    {
        return new Activation(ActivationId.random(), "guest", "guest", "a", "0.0.1", "guest/a", "nodejs:20", 1L, 2L,
            null, ActivationStatus.SUCCESS, "{}".getBytes(StandardCharsets.UTF_8), List.of(), ActionLimits.DEFAULT,
            false, 0, -1);
    }

    /** A store that refuses every record as too large. */
    private static class RefusingStore implements ActivationStore
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
