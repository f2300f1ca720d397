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
        final InvokerTable table = new InvokerTable(new InvokerTable.Context().remote(8).silenceNs(SILENCE_NS));
        for (int i = 0; i < invokers; i++)
        {
            table.register(i, PUBLICATION);
            table.setHealth(i, InvokerTable.UP);
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

    /** Every invoker of {@code table} heartbeats at {@code nowNs}, offering {@code memoryMb}. */
    private static void heartbeatAll(final InvokerTable table, final long nowNs, final int memoryMb)
    {
        for (int i = 0; i < table.size(); i++)
        {
            table.onHeartbeat(i, nowNs);
            table.setCapacity(i, memoryMb);
        }
    }

    @Test
    void anActionGoesToItsHomeWhileTheHomeHeartbeats()
    {
        final InvokerTable table = remoteTable(3);
        heartbeatAll(table, 0, 0);
        assertThat(table.select(4, 1_000)).isEqualTo(1);
        assertThat(table.select(-2, 1_000)).isEqualTo(1);
        assertThat(table.select(3, 1_000)).isEqualTo(0);
    }

    @Test
    void aSilentHomeIsProbedPastAndGetsItsActionsBackWhenItHeartbeats()
    {
        final InvokerTable table = remoteTable(3);
        heartbeatAll(table, 0, 0);
        table.onHeartbeat(0, 2_500_000_000L);
        table.onHeartbeat(2, 2_500_000_000L);
        final long now = 3_000_000_000L;
        assertThat(table.isHealthy(1, now)).isFalse();
        assertThat(table.state(1, now)).isEqualTo("unresponsive");
        final int moved = table.select(1, now);
        assertThat(moved).as("home 1 is silent: another invoker takes it").isIn(0, 2);
        assertThat(table.select(1, now)).as("the same one each time, so its containers stay warm").isEqualTo(moved);
        table.onHeartbeat(1, now);
        assertThat(table.select(1, now)).as("back home once it heartbeats").isEqualTo(1);
    }

    @Test
    void probingVisitsEveryInvokerOnceWithAStepCoprimeToTheirNumber()
    {
        for (int n = 1; n <= 12; n++)
        {
            for (final int step : InvokerTable.coprimeSteps(n))
            {
                final java.util.Set<Integer> seen = new java.util.HashSet<>();
                for (int probe = 0, at = 0; probe < n; probe++, at = (at + step) % n)
                {
                    seen.add(at);
                }
                assertThat(seen).as("n=%d step=%d", n, step).hasSize(n);
            }
        }
        assertThat(InvokerTable.coprimeSteps(6)).containsExactly(1, 5);
        assertThat(InvokerTable.coprimeSteps(7)).containsExactly(1, 2, 3, 5);
    }

    @Test
    void aFullHomeSendsTheActionToTheNextInvokerWithRoomAndReleasedMemoryBringsItBack()
    {
        final InvokerTable table = remoteTable(3);
        heartbeatAll(table, 0, 512);
        final int hash = 4;
        assertThat(table.select(hash, 256, false, 1)).isEqualTo(1);
        assertThat(table.select(hash, 256, false, 1)).isEqualTo(1);
        assertThat(table.freeMb(1)).isZero();
        final int overflow = table.select(hash, 256, false, 1);
        assertThat(overflow).as("home 1 is full").isNotEqualTo(1);
        assertThat(table.usedMb(overflow)).isEqualTo(256);
        table.release(1, 256);
        assertThat(table.select(hash, 256, false, 1)).as("room again at home").isEqualTo(1);
    }

    @Test
    void whenEveryInvokerIsFullTheLeastOverCommittedOneQueuesIt()
    {
        final InvokerTable table = remoteTable(3);
        heartbeatAll(table, 0, 256);
        table.acquire(0, 512);
        table.acquire(1, 256);
        table.acquire(2, 768);
        assertThat(table.select(0, 256, false, 1)).isEqualTo(1);
        assertThat(table.usedMb(1)).as("promised beyond its memory: it queues").isEqualTo(512);
    }

    @Test
    void blackboxActionsRunOnTheLastShareOfTheInvokersAndOthersOnTheRest()
    {
        final InvokerTable table = new InvokerTable(new InvokerTable.Context().remote(10).silenceNs(SILENCE_NS)
            .blackboxFraction(0.2));
        for (int i = 0; i < 10; i++)
        {
            table.register(i, PUBLICATION);
            table.setHealth(i, InvokerTable.UP);
        }
        heartbeatAll(table, 0, 0);
        for (int hash = 0; hash < 100; hash++)
        {
            assertThat(table.select(hash, 256, true, 1)).isIn(8, 9);
            assertThat(table.select(hash, 256, false, 1)).isBetween(0, 7);
        }
        table.onHeartbeat(8, -SILENCE_NS * 2);
        table.onHeartbeat(9, -SILENCE_NS * 2);
        assertThat(table.canPlace(true, 1)).as("no blackbox invoker alive").isFalse();
        assertThat(table.select(3, 256, true, 1)).isEqualTo(-1);
        assertThat(table.canPlace(false, 1)).isTrue();
    }

    @Test
    void withOneInvokerBlackboxAndOtherActionsShareIt()
    {
        final InvokerTable table = remoteTable(1);
        heartbeatAll(table, 0, 0);
        assertThat(table.select(17, 256, true, 1)).isZero();
        assertThat(table.select(17, 256, false, 1)).isZero();
    }

    @Test
    void aJoiningInvokerIsUnhealthyUntilItsHealthPingPasses()
    {
        final InvokerTable table = new InvokerTable(new InvokerTable.Context().remote(2).silenceNs(SILENCE_NS));
        table.register(0, PUBLICATION);
        table.onHeartbeat(0, 0);
        assertThat(table.isAlive(0, 1)).isTrue();
        assertThat(table.state(0, 1)).isEqualTo("unhealthy");
        assertThat(table.state(1, 1)).isEqualTo("offline");
        assertThat(table.select(5, 1)).isEqualTo(-1);
        assertThat(table.canPlace(false, 1)).isFalse();
        table.setHealth(0, InvokerTable.UP);
        assertThat(table.state(0, 1)).isEqualTo("up");
        assertThat(table.select(5, 1)).isZero();
    }

    @Test
    void withNoHealthyInvokerNothingIsSelectedAndAnUnheardInvokerIsNotHealthy()
    {
        assertThat(new InvokerTable(new InvokerTable.Context().remote(4).silenceNs(SILENCE_NS)).select(7, 0))
            .as("nobody registered").isEqualTo(-1);
        final InvokerTable table = remoteTable(2);
        assertThat(table.select(7, 0)).isEqualTo(-1);
        table.onHeartbeat(0, 0);
        assertThat(table.select(7, SILENCE_NS + 1)).isEqualTo(-1);
    }

    @Test
    void inProcessInvokersAreAlwaysAliveAndStartUp()
    {
        final InvokerTable table = new InvokerTable(new InvokerTable.Context().inProcess(Collections.nCopies(2, null)));
        assertThat(table.select(5, Long.MAX_VALUE)).isEqualTo(1);
        assertThat(table.state(0, 0)).isEqualTo("up");
    }
}
