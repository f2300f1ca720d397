package dev.whisk.scheduler;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationId;
import dev.whisk.core.wire.ActivationRef;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.core.wire.MessageHeader;
import dev.whisk.storage.FileActivationStore;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Journal retention on real Chronicle files with a one-second roll cycle and a real activation store: a cycle is
 * deleted once every request in it has a durable record, kept while one is pending (and so are the later cycles
 * that may hold its dispatch), and a restart after trimming recovers exactly the pending requests.
 */
@Timeout(60)
class JournalRetentionTest
{
    private static final String ROLL = "TEST_SECONDLY";
    private static final long HI = 0x1234L;

    @TempDir
    Path dir;

    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);

    @Test
    void finishedCyclesAreDeletedPendingOnesKeptAndRestartRecoversThePending() throws Exception
    {
        final Path journalDir = dir.resolve("journal");
        try (FileActivationStore store = FileActivationStore.open(dir))
        {
            try (ChronicleJournal journal = new ChronicleJournal(journalDir, ChronicleJournal.rollCycle(ROLL)))
            {
                invoke(journal, 1);
                dispatched(journal, 1);
                nextCycle(journal);
                invoke(journal, 2);
                dispatched(journal, 2);
                nextCycle(journal);
                invoke(journal, 3);
                assertThat(journal.cycleFiles()).isEqualTo(3);

                assertThat(trim(journal, store)).as("nothing is recorded yet").isZero();
                recordDurably(store, 1);
                assertThat(trim(journal, store)).as("the first cycle's one request is recorded").isEqualTo(1);
                assertThat(journal.cycleFiles()).isEqualTo(2);
                assertThat(trim(journal, store)).as("request 2 is pending: its cycle stays").isZero();
                assertThat(journal.cycleFiles()).isEqualTo(2);

                recordDurably(store, 2);
                nextCycle(journal);
                invoke(journal, 4);
                dispatched(journal, 3);
                assertThat(trim(journal, store)).as("cycle of 2 goes; the cycle of pending 3 stays, and after it the"
                    + " cycle with 3's dispatch").isEqualTo(1);
                assertThat(journal.cycleFiles()).isEqualTo(2);
            }
            try (ChronicleJournal journal = new ChronicleJournal(journalDir, ChronicleJournal.rollCycle(ROLL)))
            {
                final Recovery local = Recovery.plan(journal, store, false);
                assertThat(local.unfinished()).extracting(Activation::activationId)
                    .containsExactly(ActivationId.toString(HI, 3));
                assertThat(local.toDispatch()).hasSize(1);
                final InvokeRequest redo = new InvokeRequest().decode(new org.agrona.concurrent.UnsafeBuffer(
                    local.toDispatch().get(0)), 0, local.toDispatch().get(0).length);
                assertThat(redo.idLo).as("the undispatched pending request is redispatched intact").isEqualTo(4);
                assertThat(new String(redo.params, StandardCharsets.UTF_8)).isEqualTo("{\"i\":4}");
                invoke(journal, 6);
                assertThat(Recovery.plan(journal, store, false).toDispatch()).as("the reopened journal appends")
                    .hasSize(2);
            }
        }
    }

    @Test
    void aRecordNotYetForcedDoesNotReleaseItsCycle() throws Exception
    {
        final Path journalDir = dir.resolve("journal");
        final dev.whisk.storage.ActivationStoreConfig d = dev.whisk.storage.ActivationStoreConfig.defaults(dir);
        try (FileActivationStore store = new FileActivationStore(new dev.whisk.storage.ActivationStoreConfig(dir,
            60_000, d.queueCapacity(), d.idleStrategy()));
            ChronicleJournal journal = new ChronicleJournal(journalDir, ChronicleJournal.rollCycle(ROLL)))
        {
            // The first force may come at once; the next not before the minute's interval is over.
            recordDurably(store, 99);
            invoke(journal, 1);
            nextCycle(journal);
            invoke(journal, 2);
            store.append(WhiskErrors.of(ActivationId.toString(HI, 1), request(1), "done", 1, 2, 0));
            assertThat(store.get("guest", ActivationId.toString(HI, 1))).as("readable").isNotNull();
            assertThat(trim(journal, store)).as("written but not forced: the request is still needed").isZero();
            assertThat(journal.cycleFiles()).isEqualTo(2);
        }
    }

    @Test
    void aJournalOfAnEarlierVersionWithDailyCyclesOpensReplaysAndAppends() throws Exception
    {
        final Path journalDir = dir.resolve("journal");
        try (ChronicleJournal daily = new ChronicleJournal(journalDir, ChronicleJournal.rollCycle("FAST_DAILY")))
        {
            invoke(daily, 1);
        }
        try (FileActivationStore store = FileActivationStore.open(dir);
            ChronicleJournal journal = new ChronicleJournal(journalDir))
        {
            invoke(journal, 2);
            assertThat(Recovery.plan(journal, store, false).toDispatch()).as("both requests, old and new").hasSize(2);
            recordDurably(store, 1);
            recordDurably(store, 2);
            assertThat(trim(journal, store)).as("the only cycle file is the newest: kept").isZero();
        }
    }

    private static int trim(final ChronicleJournal journal, final FileActivationStore store)
    {
        return journal.trim(m -> JournalKeeper.isDone(m, store));
    }

    private static void nextCycle(final ChronicleJournal journal) throws InterruptedException
    {
        final int cycle = journal.currentCycle();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (journal.currentCycle() == cycle && System.nanoTime() < deadline)
        {
            Thread.sleep(5);
        }
        assertThat(journal.currentCycle()).isNotEqualTo(cycle);
    }

    private void invoke(final ChronicleJournal journal, final long lo)
    {
        journal.append(buffer, 0, request(lo).encode(buffer, 0));
    }

    private void dispatched(final ChronicleJournal journal, final long lo)
    {
        journal.append(buffer, 0, ActivationRef.encode(buffer, 0, MessageHeader.DISPATCHED, HI, lo, 0));
    }

    private static void recordDurably(final FileActivationStore store, final long lo) throws InterruptedException
    {
        final CountDownLatch durable = new CountDownLatch(1);
        assertThat(store.append(WhiskErrors.of(ActivationId.toString(HI, lo), request(lo), "done", 1, 2, 0),
            a -> durable.countDown())).isTrue();
        assertThat(durable.await(10, TimeUnit.SECONDS)).as("record %s durable", lo).isTrue();
    }

    static InvokeRequest request(final long lo)
    {
        final InvokeRequest r = TestRequests.request(HI, lo, ("{\"i\":" + lo + "}").getBytes(StandardCharsets.UTF_8));
        r.acceptedMs = 1;
        return r;
    }
}
