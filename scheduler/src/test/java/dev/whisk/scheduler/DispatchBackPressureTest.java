package dev.whisk.scheduler;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.wire.InvokeRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A burst of large requests to an invoker that drains them slowly, over a real Aeron publication and the real
 * ring and journal: the requests back-pressure the publication, and the dispatcher waits for the invoker instead of
 * failing accepted work with "No invoker is available".
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class DispatchBackPressureTest
{
    private static final int REQUESTS = 40;
    private static final int PARAM_BYTES = 100_000;

    @TempDir
    Path dir;

    @Test
    void requestsBackPressuredByASlowInvokerWaitForItInsteadOfFailing() throws Exception
    {
        final RecoveryTest.Records records = new RecoveryTest.Records();
        final Set<Long> received = new HashSet<>();
        try (io.aeron.driver.MediaDriver driver = io.aeron.driver.MediaDriver.launchEmbedded(
                new io.aeron.driver.MediaDriver.Context().threadingMode(io.aeron.driver.ThreadingMode.SHARED)
                    .dirDeleteOnStart(true).dirDeleteOnShutdown(true));
            io.aeron.Aeron aeron = io.aeron.Aeron.connect(new io.aeron.Aeron.Context()
                .aeronDirectoryName(driver.aeronDirectoryName()));
            io.aeron.Publication requests = aeron.addPublication("aeron:ipc", 13);
            io.aeron.Subscription invoker = aeron.addSubscription("aeron:ipc", 13);
            io.aeron.Subscription completions = aeron.addSubscription("aeron:ipc", 113))
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!requests.isConnected() && System.nanoTime() < deadline)
            {
                Thread.onSpinWait();
            }
            final InvokerTable table = new InvokerTable(new InvokerTable.Context().inProcess(List.of(requests)));
            table.setCapacity(0, 1_000_000);
            try (Scheduler scheduler = new Scheduler(new Scheduler.Context()
                .config(SchedulerConfig.defaults(dir.resolve("journal")))
                .journal(new ChronicleJournal(dir.resolve("journal")))
                .fleet(Fleet.remote(new Fleet.Remote.Context().invokers(table).aeron(() -> aeron)
                    .requestStreamId(13).completions(completions)))
                .activations(records).waiters(new Waiters())))
            {
                final byte[] params = ("{\"blob\":\"" + "b".repeat(PARAM_BYTES) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
                assertThat(REQUESTS * params.length).as("more than the publication holds unread")
                    .isGreaterThan(requests.termBufferLength());
                for (long lo = 1; lo <= REQUESTS; lo++)
                {
                    assertThat(scheduler.tryPublish(request(lo, params), NOBODY)).isTrue();
                }
                // The invoker is slow: it reads nothing for a while, far longer than the old bounded retry lasted.
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
                final InvokeRequest decoded = new InvokeRequest();
                while (received.size() < REQUESTS && System.nanoTime() < deadline)
                {
                    invoker.poll((buffer, offset, length, header) ->
                    {
                        decoded.decode(buffer, offset, length);
                        received.add(decoded.idLo);
                    }, 8);
                }
            }
        }
        assertThat(records.byId.values()).as("no accepted request failed for the back pressure")
            .extracting(Activation::activationId).isEmpty();
        assertThat(received).hasSize(REQUESTS);
    }

    private static InvokeRequest request(final long lo, final byte[] params)
    {
        return TestRequests.request(7, lo, params);
    }

    private static final ActivationWaiter NOBODY = new ActivationWaiter()
    {
        @Override
        public void onJournaled(final String activationId)
        {
        }

        @Override
        public void onActivation(final Activation activation)
        {
        }
    };
}
