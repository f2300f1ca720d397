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
        final InvokeRequest r = new InvokeRequest();
        r.idHi = 7;
        r.idLo = lo;
        r.namespace = "guest";
        r.subject = "guest";
        r.actionPath = "guest/a";
        r.actionVersion = "0.0.1";
        r.kind = "nodejs:20";
        r.timeoutMs = 1000;
        r.memoryMb = 256;
        r.logsMb = 10;
        r.concurrency = 1;
        r.params = "{}".getBytes(StandardCharsets.UTF_8);
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
            io.aeron.Subscription invoker = aeron.addSubscription("aeron:ipc", 11))
        {
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (!requests.isConnected() && System.nanoTime() < deadline)
            {
                Thread.onSpinWait();
            }
            final InvokerTable table = new InvokerTable(List.of(requests));
            table.setCapacity(0, 1024);
            try (Scheduler scheduler = new Scheduler(SchedulerConfig.defaults(dir.resolve("journal")),
                new ChronicleJournal(dir.resolve("journal")), table, new Records(), new Waiters()))
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
