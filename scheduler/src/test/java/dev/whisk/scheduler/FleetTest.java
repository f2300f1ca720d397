package dev.whisk.scheduler;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.wire.ActivationRef;
import dev.whisk.core.wire.CompletionMessage;
import dev.whisk.core.wire.Heartbeat;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.core.wire.MessageHeader;
import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two deployment modes, each as the scheduler and the completion agent meet it: a local fleet journals and
 * dispatches on the caller's own thread, with no ring; a remote fleet routes over Aeron to an invoker that joined by
 * heartbeat, tracks what is in flight, and acknowledges a completion once durable, twice if it comes twice.
 */
class FleetTest
{
    private static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(10);

    @Test
    void aLocalFleetJournalsAndDispatchesOnTheOwnerThreadAtOnceAndRunsOtherThreadsRequestsThere(
        @TempDir final Path dir) throws Exception
    {
        final List<Runnable> tasks = new ArrayList<>();
        final List<Long> dispatched = new ArrayList<>();
        final Thread owner = Thread.currentThread();
        final InvokerTable table = new InvokerTable(new InvokerTable.Context().inProcess(java.util.Collections
            .nCopies(1, null)));
        final Fleet fleet = Fleet.local(table, new LocalDispatch()
        {
            @Override
            public boolean isOwnerThread()
            {
                return Thread.currentThread() == owner;
            }

            @Override
            public void execute(final Runnable task)
            {
                synchronized (tasks)
                {
                    tasks.add(task);
                }
            }

            @Override
            public void dispatch(final int invoker, final DirectBuffer buffer, final int offset, final int length)
            {
                dispatched.add(new InvokeRequest().decode(buffer, offset, length).idLo);
            }
        });
        final List<String> journaled = new ArrayList<>();
        try (Scheduler scheduler = new Scheduler(new Scheduler.Context()
            .config(SchedulerConfig.defaults(dir.resolve("journal")))
            .journal(new ChronicleJournal(dir.resolve("journal"))).fleet(fleet).activations(new RecoveryTest.Records())
            .waiters(new Waiters())))
        {
            assertThat(scheduler.tryPublish(request(1), waiter(journaled, new ArrayList<>()))).isTrue();
            assertThat(journaled).as("journaled before tryPublish returned").hasSize(1);
            assertThat(dispatched).as("handed to the invoker on this thread, no ring").containsExactly(1L);
            assertThat(table.usedMb(0)).isEqualTo(256);

            final Thread other = new Thread(() -> scheduler.tryPublish(request(2), waiter(journaled,
                new ArrayList<>())));
            other.start();
            other.join();
            assertThat(dispatched).as("not run on the other thread").containsExactly(1L);
            assertThat(tasks).hasSize(1);
            tasks.get(0).run();
            assertThat(dispatched).as("run as a task on the owner").containsExactly(1L, 2L);
            assertThat(fleet.inFlight()).as("nothing is tracked in flight in one process").isZero();
        }
    }

    @Test
    void aRemoteFleetRoutesToAnInvokerThatJoinedAndAcknowledgesItsCompletionOnceDurable(@TempDir final Path dir)
    {
        try (MediaDriver driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
                .threadingMode(ThreadingMode.SHARED).dirDeleteOnStart(true).dirDeleteOnShutdown(true));
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            Subscription controllerIn = aeron.addSubscription("aeron:ipc", 32);
            Subscription invokerIn = aeron.addSubscription("aeron:ipc", 31);
            Publication invokerOut = aeron.addExclusivePublication("aeron:ipc", 32);
            ChronicleJournal outcomes = new ChronicleJournal(dir.resolve("records")))
        {
            final InvokerTable table = new InvokerTable(new InvokerTable.Context().remote(2)
                .silenceNs(TimeUnit.SECONDS.toNanos(5)));
            final Fleet fleet = Fleet.remote(new Fleet.Remote.Context().invokers(table).aeron(() -> aeron)
                .requestStreamId(31).completions(controllerIn));
            final RecoveryTest.Records store = new RecoveryTest.Records();
            final Waiters waiters = new Waiters();
            final List<Activation> completed = new CopyOnWriteArrayList<>();
            final CompletionAgent agent = new CompletionAgent(new CompletionAgent.Context().fleet(fleet).store(store)
                .waiters(waiters).onCompletion(completed::add)
                .records(new RecordJournal(outcomes))
                .health(new InvokerHealth(table, (invoker, waiter) -> false, "whisk.system/ping")));
            final ExpandableArrayBuffer out = new ExpandableArrayBuffer(1024);
            final Heartbeat hb = new Heartbeat();
            hb.invokerId = 1;
            hb.requestChannel = "aeron:ipc";
            hb.totalMemoryMb = 1024;
            hb.flags = Heartbeat.FLAG_CAN_RUN;
            awaitTrue(() ->
            {
                offer(invokerOut, out, hb.encode(out, 0));
                agent.doWork();
                return table.isAlive(1, System.nanoTime());
            }, "invoker 1 joined by heartbeat");
            table.setHealth(1, InvokerTable.UP);

            try (Scheduler scheduler = new Scheduler(new Scheduler.Context()
                .config(SchedulerConfig.defaults(dir.resolve("journal")))
                .journal(new ChronicleJournal(dir.resolve("journal"))).fleet(fleet).activations(store)
                .waiters(waiters)))
            {
                final List<Activation> answered = new CopyOnWriteArrayList<>();
                final InvokeRequest request = request(3);
                final ActivationWaiter caller = waiter(new CopyOnWriteArrayList<>(), answered);
                waiters.register(request.activationId(), caller);
                assertThat(scheduler.tryPublish(request, caller)).isTrue();
                final InvokeRequest got = new InvokeRequest();
                awaitTrue(() -> invokerIn.poll((b, o, l, h) -> got.decode(b, o, l), 1) > 0, "the request went out");
                assertThat(got.idLo).isEqualTo(3);
                assertThat(fleet.inFlight()).isEqualTo(1);
                assertThat(table.usedMb(1)).isEqualTo(256);

                final Activation record = record(request);
                final List<Long> acks = new ArrayList<>();
                for (int copy = 1; copy <= 2; copy++)
                {
                    // The invoker resends until it hears: the second copy is a duplicate, acknowledged again.
                    offer(invokerOut, out, CompletionMessage.encode(out, 0, MessageHeader.COMPLETION, 1, 256,
                        record));
                    final int expected = copy;
                    awaitTrue(() ->
                    {
                        agent.doWork();
                        invokerIn.poll((b, o, l, h) ->
                        {
                            if (ActivationRef.is(b, o, l, MessageHeader.ACK))
                            {
                                acks.add(ActivationRef.idLo(b, o));
                            }
                        }, 8);
                        return acks.size() == expected;
                    }, "acknowledgement " + copy);
                }

                assertThat(acks).containsExactly(3L, 3L);
                assertThat(store.byId).containsOnlyKeys(record.activationId());
                assertThat(completed).as("ended once").hasSize(1);
                assertThat(answered).extracting(Activation::activationId).containsExactly(record.activationId());
                assertThat(fleet.inFlight()).isZero();
                assertThat(table.usedMb(1)).as("its memory given back").isZero();
            }
        }
    }

    private static void offer(final Publication publication, final ExpandableArrayBuffer buffer, final int length)
    {
        final long deadline = System.nanoTime() + DEADLINE_NS;
        while (publication.offer(buffer, 0, length) < 0)
        {
            assertThat(System.nanoTime()).as("the publication took the message").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    private static void awaitTrue(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + DEADLINE_NS;
        while (!condition.getAsBoolean())
        {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
    }

    private static ActivationWaiter waiter(final List<String> journaled, final List<Activation> answered)
    {
        return new ActivationWaiter()
        {
            @Override
            public void onJournaled(final String activationId)
            {
                journaled.add(activationId);
            }

            @Override
            public void onActivation(final Activation activation)
            {
                answered.add(activation);
            }
        };
    }

    /** {@link TestRequests#request}, accepted now, with a timeout no run here comes near. */
    private static InvokeRequest request(final long lo)
    {
        final InvokeRequest r = TestRequests.request(9, lo, "{}".getBytes(StandardCharsets.UTF_8));
        r.acceptedMs = System.currentTimeMillis();
        r.timeoutMs = 60_000;
        return r;
    }

    private static Activation record(final InvokeRequest r)
    {
        return new Activation(r.activationId(), r.namespace, r.subject, "a", r.actionVersion, r.actionPath, r.kind,
            r.acceptedMs, r.acceptedMs + 5, null, ActivationStatus.SUCCESS, "{}".getBytes(StandardCharsets.UTF_8),
            List.of(), new ActionLimits(r.timeoutMs, r.memoryMb, r.logsMb, r.concurrency), false, 0, -1);
    }
}
