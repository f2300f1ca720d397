package dev.whisk.scheduler;

import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@org.junit.jupiter.api.Timeout(60)
class InvokerTableTest
{
    private static final long SILENCE_NS = 2_000_000_000L;

    private static InvokerTable remoteTable(final int invokers)
    {
        final InvokerTable table = InvokerTable.remote(8, SILENCE_NS);
        for (int i = 0; i < invokers; i++)
        {
            table.register(i, PUBLICATION);
        }
        return table;
    }

    private static io.aeron.driver.MediaDriver driver;
    private static io.aeron.Aeron aeron;
    private static io.aeron.Publication PUBLICATION;
    private static io.aeron.Subscription subscription;

    @org.junit.jupiter.api.BeforeAll
    static void startAeron()
    {
        driver = io.aeron.driver.MediaDriver.launchEmbedded(new io.aeron.driver.MediaDriver.Context()
            .threadingMode(io.aeron.driver.ThreadingMode.SHARED).dirDeleteOnStart(true).dirDeleteOnShutdown(true));
        aeron = io.aeron.Aeron.connect(new io.aeron.Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
        PUBLICATION = aeron.addPublication("aeron:ipc", 7);
        subscription = aeron.addSubscription("aeron:ipc", 7);
        while (!PUBLICATION.isConnected())
        {
            Thread.onSpinWait();
        }
    }

    @org.junit.jupiter.api.AfterAll
    static void stopAeron()
    {
        org.agrona.CloseHelper.closeAll(subscription, PUBLICATION, aeron, driver);
    }

    @Test
    void anActionGoesToItsHomeWhileTheHomeHeartbeats()
    {
        final InvokerTable table = remoteTable(3);
        for (int i = 0; i < 3; i++)
        {
            table.onHeartbeat(i, 0);
        }
        assertThat(table.select(4, 1_000)).isEqualTo(1);
        assertThat(table.select(-2, 1_000)).isEqualTo(1);
        assertThat(table.select(3, 1_000)).isEqualTo(0);
    }

    @Test
    void aSilentHomeIsSkippedForTheNextHealthyInvokerAndGetsItsActionsBack()
    {
        final InvokerTable table = remoteTable(3);
        table.onHeartbeat(0, 0);
        table.onHeartbeat(1, 0);
        table.onHeartbeat(2, 0);
        table.onHeartbeat(0, 2_500_000_000L);
        table.onHeartbeat(2, 2_500_000_000L);
        final long now = 3_000_000_000L;
        assertThat(table.isHealthy(1, now)).isFalse();
        assertThat(table.select(1, now)).as("home 1 is silent: probe to 2").isEqualTo(2);
        assertThat(table.select(0, now)).isZero();
        table.onHeartbeat(1, now);
        assertThat(table.select(1, now)).as("back home once it heartbeats").isEqualTo(1);
    }

    @Test
    void withNoHealthyInvokerNothingIsSelectedAndAnUnheardInvokerIsNotHealthy()
    {
        assertThat(InvokerTable.remote(4, SILENCE_NS).select(7, 0)).as("nobody registered").isEqualTo(-1);
        final InvokerTable table = remoteTable(2);
        assertThat(table.select(7, 0)).isEqualTo(-1);
        table.onHeartbeat(0, 0);
        assertThat(table.select(7, SILENCE_NS + 1)).isEqualTo(-1);
    }

    @Test
    void inProcessInvokersAreAlwaysHealthy()
    {
        final InvokerTable table = new InvokerTable(Collections.nCopies(2, null));
        assertThat(table.select(5, Long.MAX_VALUE)).isEqualTo(1);
    }
}
