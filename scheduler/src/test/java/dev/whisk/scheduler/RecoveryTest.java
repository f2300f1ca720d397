package dev.whisk.scheduler;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.wire.ActivationRef;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.core.wire.MessageHeader;
import dev.whisk.storage.ActivationQuery;
import dev.whisk.storage.ActivationStore;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class RecoveryTest
{
    @TempDir
    Path dir;

    /** Only what recovery reads: which records exist. */
    static final class Records implements ActivationStore
    {
        final Map<String, Activation> byId = new HashMap<>();

        @Override
        public boolean append(final Activation activation)
        {
            byId.put(activation.activationId(), activation);
            return true;
        }

        @Override
        public Activation get(final String namespace, final String activationId)
        {
            return byId.get(activationId);
        }

        @Override
        public List<Activation> list(final ActivationQuery query)
        {
            return List.copyOf(byId.values());
        }

        @Override
        public int count(final ActivationQuery query)
        {
            return byId.size();
        }

        @Override
        public void close()
        {
        }
    }

    private static int request(final ExpandableArrayBuffer buffer, final long lo)
    {
        return request(buffer, lo, null);
    }

    private static int request(final ExpandableArrayBuffer buffer, final long lo, final String cause)
    {
        final InvokeRequest r = TestRequests.request(7, lo, "{}".getBytes(StandardCharsets.UTF_8));
        r.cause = cause;
        return r.encode(buffer, 0);
    }

    @Test
    void requestsNeverDispatchedAreRedispatchedAndDispatchedOnesWaitOrFail()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        try (ChronicleJournal journal = new ChronicleJournal(dir))
        {
            for (long lo = 1; lo <= 3; lo++)
            {
                journal.append(buffer, 0, request(buffer, lo));
            }
            journal.append(buffer, 0, ActivationRef.encode(buffer, 0, MessageHeader.DISPATCHED, 7, 2, 1));
            journal.append(buffer, 0, ActivationRef.encode(buffer, 0, MessageHeader.DISPATCHED, 7, 3, 0));
        }
        try (ChronicleJournal journal = new ChronicleJournal(dir))
        {
            final Records records = new Records();
            final Recovery remote = Recovery.plan(journal, records, true);
            assertThat(remote.toDispatch()).hasSize(1);
            assertThat(remote.awaiting()).extracting(Recovery.Dispatched::invoker).containsExactly(1, 0);
            assertThat(remote.unfinished()).isEmpty();

            final Recovery local = Recovery.plan(journal, records, false);
            assertThat(local.unfinished()).extracting(Activation::status).extracting(Enum::name)
                .containsExactly("WHISK_ERROR", "WHISK_ERROR");
            records.append(local.unfinished().get(0));
            assertThat(Recovery.plan(journal, records, true).awaiting()).hasSize(1);
        }
    }

    private static String id(final long lo)
    {
        return dev.whisk.core.activation.ActivationId.toString(7, lo);
    }

    private static Activation record(final String id, final String kind, final String cause, final String result,
        final List<String> logs)
    {
        return new Activation(id, "guest", "guest", "a", "0.0.1", "guest/a", kind, 1_000, 1_100, cause,
            dev.whisk.core.activation.ActivationStatus.SUCCESS, result.getBytes(StandardCharsets.UTF_8), logs,
            dev.whisk.core.entity.ActionLimits.DEFAULT, false, 0, -1);
    }

    @Test
    void aRunWhoseOutcomeIsInTheJournalButNotInTheStoreGetsItsRealRecord()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        try (ChronicleJournal journal = new ChronicleJournal(dir))
        {
            final RecordJournal records = new RecordJournal(journal);
            for (long lo = 1; lo <= 3; lo++)
            {
                journal.append(buffer, 0, request(buffer, lo));
                journal.append(buffer, 0, ActivationRef.encode(buffer, 0, MessageHeader.DISPATCHED, 7, lo, 0));
            }
            // 1 completed, 2 only got as far as its result (a blocking caller heard it), 3 has no outcome.
            records.appendCompletion(record(id(1), "nodejs:20", null, "{\"n\":1}", List.of("a log line")));
            records.append(MessageHeader.RESULT, record(id(2), "nodejs:20", null, "{\"n\":2}", List.of()),
                new ExpandableArrayBuffer());
        }
        try (ChronicleJournal journal = new ChronicleJournal(dir))
        {
            final Records store = new Records();
            final Recovery r = Recovery.plan(journal, store, false);
            assertThat(r.completed()).extracting(Activation::activationId).containsExactly(id(1), id(2));
            assertThat(new String(r.completed().get(0).result(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
            assertThat(r.completed().get(0).logs()).containsExactly("a log line");
            assertThat(new String(r.completed().get(1).result(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":2}");
            assertThat(r.completed().get(1).logs()).containsExactly(Recovery.RESULT_ONLY);
            assertThat(r.unfinished()).extracting(Activation::activationId).containsExactly(id(3));
            assertThat(r.toDispatch()).isEmpty();

            r.completed().forEach(store::append);
            assertThat(Recovery.plan(journal, store, false).completed()).as("what the store has is not written again")
                .isEmpty();
        }
    }

    @Test
    void aCompositionStoppedMidRunEndsInOneRecordAndItsStepsNotStartedNeverRun()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        final String seq = id(100);
        final String done = id(200);
        try (ChronicleJournal journal = new ChronicleJournal(dir))
        {
            final RecordJournal records = new RecordJournal(journal);
            records.appendCompositionStart(record(seq, "sequence", null, "{}", List.of()));
            records.appendCompositionStart(record(done, "sequence", null, "{}", List.of()));
            // seq: step 1 ran and completed, step 2 was journaled and not dispatched.
            journal.append(buffer, 0, request(buffer, 1, seq));
            journal.append(buffer, 0, ActivationRef.encode(buffer, 0, MessageHeader.DISPATCHED, 7, 1, 0));
            records.appendCompletion(record(id(1), "nodejs:20", seq, "{\"step\":1}", List.of()));
            journal.append(buffer, 0, request(buffer, 2, seq));
            // done: its one step and its own record are journaled.
            journal.append(buffer, 0, request(buffer, 3, done));
            journal.append(buffer, 0, ActivationRef.encode(buffer, 0, MessageHeader.DISPATCHED, 7, 3, 0));
            records.appendCompletion(record(id(3), "nodejs:20", done, "{}", List.of()));
            records.appendCompletion(record(done, "sequence", null, "{}", List.of(id(3))));
        }
        try (ChronicleJournal journal = new ChronicleJournal(dir))
        {
            final Records store = new Records();
            for (final boolean remote : new boolean[]{false, true})
            {
                final Recovery r = Recovery.plan(journal, store, remote);
                assertThat(r.toDispatch()).as("no step of a stopped composition starts after the stop").isEmpty();
                assertThat(r.completed()).extracting(Activation::activationId).containsExactly(id(1), id(3), done);
                assertThat(r.unfinished()).extracting(Activation::activationId).containsExactly(id(2), seq);
                final Activation stopped = r.unfinished().get(1);
                assertThat(stopped.status().name()).isEqualTo("WHISK_ERROR");
                assertThat(new String(stopped.result(), StandardCharsets.UTF_8))
                    .contains(dev.whisk.core.entity.Messages.COMPOSITION_STOPPED);
                assertThat(stopped.kind()).isEqualTo("sequence");
                assertThat(stopped.logs()).as("the steps it started, in order").containsExactly(id(1), id(2));
            }
            final Recovery first = Recovery.plan(journal, store, false);
            first.completed().forEach(store::append);
            first.unfinished().forEach(store::append);
            final Recovery again = Recovery.plan(journal, store, false);
            assertThat(again.completed()).isEmpty();
            assertThat(again.unfinished()).as("a second restart adds nothing").isEmpty();
            assertThat(again.toDispatch()).isEmpty();
        }
    }

    @Test
    void aRecordTooLargeForTheJournalKeepsItsResultAndSaysItsLogsAreLost()
    {
        final String big = "x".repeat(RecordJournal.MAX_JOURNALED_BYTES);
        try (ChronicleJournal journal = new ChronicleJournal(dir))
        {
            new RecordJournal(journal).appendCompletion(record(id(5), "nodejs:20", null, "{\"ok\":true}",
                List.of(big, big)));
        }
        try (ChronicleJournal journal = new ChronicleJournal(dir))
        {
            final Recovery r = Recovery.plan(journal, new Records(), false);
            assertThat(r.completed()).hasSize(1);
            assertThat(r.completed().get(0).logs()).containsExactly(RecordJournal.LOGS_LEFT_OUT);
            assertThat(new String(r.completed().get(0).result(), StandardCharsets.UTF_8)).isEqualTo("{\"ok\":true}");
        }
    }

    @Test
    void aRedispatchedRequestReachesItsInvokerIntactAndHoldsItsMemory() throws Exception
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        final byte[] journaled = new byte[request(buffer, 9)];
        buffer.getBytes(0, journaled);
        try (io.aeron.driver.MediaDriver driver = io.aeron.driver.MediaDriver.launchEmbedded(
                new io.aeron.driver.MediaDriver.Context().threadingMode(io.aeron.driver.ThreadingMode.SHARED)
                    .dirDeleteOnStart(true).dirDeleteOnShutdown(true));
            io.aeron.Aeron aeron = io.aeron.Aeron.connect(new io.aeron.Aeron.Context()
                .aeronDirectoryName(driver.aeronDirectoryName()));
            io.aeron.Publication requests = aeron.addPublication("aeron:ipc", 11);
            io.aeron.Subscription invoker = aeron.addSubscription("aeron:ipc", 11);
            io.aeron.Subscription completions = aeron.addSubscription("aeron:ipc", 111))
        {
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (!requests.isConnected() && System.nanoTime() < deadline)
            {
                Thread.onSpinWait();
            }
            final InvokerTable table = new InvokerTable(new InvokerTable.Context().inProcess(List.of(requests)));
            table.setCapacity(0, 1024);
            try (Scheduler scheduler = new Scheduler(new Scheduler.Context()
                .config(SchedulerConfig.defaults(dir.resolve("journal")))
                .journal(new ChronicleJournal(dir.resolve("journal")))
                .fleet(Fleet.remote(new Fleet.Remote.Context().invokers(table).aeron(() -> aeron)
                    .requestStreamId(11).completions(completions)))
                .activations(new Records()).waiters(new Waiters())))
            {
                assertThat(scheduler.tryRedispatch(journaled)).isTrue();
                final InvokeRequest received = new InvokeRequest();
                final boolean[] got = {false};
                while (!got[0] && System.nanoTime() < deadline)
                {
                    invoker.poll((b, offset, length, header) ->
                    {
                        received.decode(b, offset, length);
                        got[0] = true;
                    }, 1);
                }
                assertThat(got[0]).as("the invoker got the request").isTrue();
                assertThat(received.idLo).isEqualTo(9);
                assertThat(received.actionPath).isEqualTo("guest/a");
                assertThat(new String(received.params, StandardCharsets.UTF_8)).isEqualTo("{}");
                assertThat(table.usedMb(0)).as("its memory is promised until it completes").isEqualTo(256);
            }
        }
    }
}
