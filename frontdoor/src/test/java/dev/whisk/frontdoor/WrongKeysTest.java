package dev.whisk.frontdoor;

import dev.whisk.core.entity.Messages;
import dev.whisk.core.entity.NamespaceLimits;
import dev.whisk.storage.WriteResult;
import dev.whisk.testkit.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wrong keys cost their sender, not the platform's callers: a caller whose key is known is served while another
 * client streams wrong keys; unknown and known uuids are refused alike; the same wrong key is hashed once; a client
 * whose keys keep failing gets 429 before any more hashing. Real front door, real stores, real sockets.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WrongKeysTest
{
    @RegisterExtension
    final TestServer server = new TestServer();

    @Test
    void unknownAndKnownUuidsAreRefusedWithTheSameAnswer() throws Exception
    {
        final String aliceUuid = server.aliceAuth.substring(0, server.aliceAuth.indexOf(':'));
        final Http.Reply known = new Http(server.baseUrl(), aliceUuid + ":" + "w".repeat(64))
            .get("/namespaces/_/actions");
        final Http.Reply unknown = new Http(server.baseUrl(), UUID.randomUUID() + ":" + "w".repeat(64))
            .get("/namespaces/_/actions");
        assertThat(known.status()).isEqualTo(401);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(known.error()).isEqualTo(unknown.error()).isEqualTo(Messages.AUTH_INVALID);
        assertThat(slowChecks()).as("each was hashed once, the unknown uuid against a stand-in").isEqualTo(2);
    }

    @Test
    void theSameWrongKeyIsHashedOnceAndTheRightKeyStillWorks() throws Exception
    {
        final String aliceUuid = server.aliceAuth.substring(0, server.aliceAuth.indexOf(':'));
        final Http wrong = new Http(server.baseUrl(), aliceUuid + ":" + "w".repeat(64));
        for (int i = 0; i < 10; i++)
        {
            assertThat(wrong.get("/namespaces/_/actions").status()).isEqualTo(401);
        }
        assertThat(slowChecks()).as("9 of the 10 were refused from the table of failures").isEqualTo(1);
        assertThat(server.alice().get("/namespaces/_/actions").status()).isEqualTo(200);
        assertThat(server.alice().get("/namespaces/_/actions").status()).isEqualTo(200);
        assertThat(slowChecks()).as("the right key: hashed once, then known").isEqualTo(2);
    }

    @Test
    void aClientThatKeepsFailingGets429AndAKnownCallerIsServedMeanwhile() throws Exception
    {
        final Http alice = server.alice();
        assertThat(alice.get("/namespaces/_/actions").status()).as("alice's key is verified once").isEqualTo(200);

        final AtomicBoolean attacking = new AtomicBoolean(true);
        final List<Integer> attackStatuses = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<CompletableFuture<Void>> attackers = new ArrayList<>();
        for (int t = 0; t < 4; t++)
        {
            attackers.add(CompletableFuture.runAsync(() ->
            {
                while (attacking.get())
                {
                    final Http attacker = new Http(server.baseUrl(), UUID.randomUUID() + ":" + UUID.randomUUID());
                    try
                    {
                        attackStatuses.add(attacker.get("/namespaces/_/actions").status());
                    }
                    catch (final Exception ex)
                    {
                        throw new IllegalStateException(ex);
                    }
                }
            }));
        }
        try
        {
            for (int i = 0; i < 200; i++)
            {
                final Http.Reply served = alice.get("/namespaces/_/actions");
                assertThat(served.status()).as("alice is served during the attack: " + served.body()).isEqualTo(200);
            }
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!attackStatuses.contains(429) && System.nanoTime() < deadlineNs)
            {
                assertThat(alice.get("/namespaces/_/actions").status()).isEqualTo(200);
            }
        }
        finally
        {
            attacking.set(false);
            CompletableFuture.allOf(attackers.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
        }
        final List<Integer> statuses;
        synchronized (attackStatuses)
        {
            statuses = List.copyOf(attackStatuses);
        }
        assertThat(statuses).as("the attacker hears 401, then 429 (or 503 when the hash queue is full)")
            .contains(401, 429).allMatch(s -> s == 401 || s == 429 || s == 503);
        final long hashed = slowChecks();
        assertThat(hashed).as("hashing stopped at the client's budget, not at the attack's length")
            .isLessThan(statuses.size());

        final Http.Reply overBudget = new Http(server.baseUrl(), UUID.randomUUID() + ":" + "z".repeat(64))
            .get("/namespaces/_/actions");
        assertThat(overBudget.status()).isEqualTo(429);
        assertThat(overBudget.error()).isEqualTo(Messages.TOO_MANY_FAILED_AUTHENTICATIONS);
        assertThat(slowChecks()).as("a refused client costs no hash").isEqualTo(hashed);
        assertThat(alice.get("/namespaces/_/actions").status()).isEqualTo(200);
    }

    private long slowChecks() throws Exception
    {
        final String metrics = new Http(server.baseUrl().replace("/api/v1", ""), null).get("/metrics").body();
        for (final String line : metrics.split("\n"))
        {
            if (line.startsWith("whisk_auth_slow_checks_total "))
            {
                return (long)Double.parseDouble(line.substring(line.indexOf(' ') + 1));
            }
        }
        throw new AssertionError("no whisk_auth_slow_checks_total in " + metrics);
    }

    @Test
    void aVerifiedKeyKeepsWorkingUntilItsNamespaceIsDeletedThenTheSameHeaderIsRefused() throws Exception
    {
        final Http alice = new Http(server.baseUrl(), server.aliceAuth);
        for (int i = 0; i < 3; i++)
        {
            assertThat(alice.get("/namespaces/_/actions").status()).isEqualTo(200);
        }
        assertThat(server.subjects.delete("alice").get(10, TimeUnit.SECONDS)).isEqualTo(WriteResult.OK);

        assertThat(alice.get("/namespaces/_/actions").status()).as("the identity remembered for the header is dropped")
            .isEqualTo(401);
    }

    @Test
    void aNewLimitIsSeenOnTheNextRequestOfAKeepAliveCaller() throws Exception
    {
        final Http alice = new Http(server.baseUrl(), server.aliceAuth);
        assertThat(alice.get("/namespaces/_/limits").body()).doesNotContain("\"invocationsPerMinute\":7");
        assertThat(server.subjects.setLimits("alice", new NamespaceLimits(7, 7, 7)).get(10, TimeUnit.SECONDS))
            .isEqualTo(WriteResult.OK);

        assertThat(alice.get("/namespaces/_/limits").body()).contains("\"invocationsPerMinute\":7");
    }
}
