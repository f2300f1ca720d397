package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.launcher.node.Standalone;
import org.junit.jupiter.api.AfterAll;
import dev.whisk.testkit.Http;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A burst of large non-blocking invokes against the real platform on Docker, with a small bound on the payloads that
 * may wait to run: each invoke is either accepted (202) and then ends in its record with its real result, or refused
 * up front with 503 and a message saying why. Accepted work never fails for the burst ("No invoker is available"),
 * and once the burst is done the bound is free again.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
@NeedsDocker
class LargePayloadBurstTest
{
    private static final int CALLS = 150;
    private static final int SENDERS = 16;
    private static final int PAYLOAD_CHARS = 900_000;
    private static final long PAYLOADS_QUEUED_BYTES = 24L * 1024 * 1024;

    @RegisterExtension
    static final TestPlatform platform = TestPlatform.standalone(f -> f.withBounds(f.bounds()
        .withMemory(f.bounds().maxBodyBytesInFlight(), PAYLOADS_QUEUED_BYTES)));
    static final Api api = platform.guest();

    @BeforeAll
    static void start() throws Exception
    {
        assertThat(api.putAction("weigh", """
            async function main(p) {
              await new Promise((resolve) => setTimeout(resolve, 300));
              return { n: p.n, size: (p.blob || '').length };
            }""", null).status()).isEqualTo(200);
    }

    @Test
    void everyAcceptedLargeInvokeEndsInItsRecordAndTheOthersAreRefusedUpFront() throws Exception
    {
        final String blob = "b".repeat(PAYLOAD_CHARS);
        final ConcurrentLinkedQueue<String[]> accepted = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> refusals = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
        final AtomicInteger next = new AtomicInteger();
        final ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        try
        {
            final List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < SENDERS; t++)
            {
                done.add(senders.submit(() ->
                {
                    int n;
                    while ((n = next.getAndIncrement()) < CALLS)
                    {
                        final Api.Reply r = api.post("/namespaces/_/actions/weigh",
                            "{\"n\":" + n + ",\"blob\":\"" + blob + "\"}");
                        if (r.status() == 202)
                        {
                            accepted.add(new String[] {Integer.toString(n), r.json().path("activationId").asText()});
                        }
                        else if (r.status() == 503 || r.status() == 429)
                        {
                            refusals.add(r.json().path("error").asText());
                        }
                        else
                        {
                            unexpected.add(r.status() + " " + r.body());
                        }
                    }
                    return null;
                }));
            }
            for (final Future<?> f : done)
            {
                f.get(5, TimeUnit.MINUTES);
            }
        }
        finally
        {
            senders.shutdownNow();
        }
        assertThat(unexpected).isEmpty();
        assertThat(accepted.size() + refusals.size()).isEqualTo(CALLS);
        assertThat(accepted).as("some of the burst fits").isNotEmpty();
        assertThat(refusals).as("a burst larger than the bound is partly refused, each saying why").isNotEmpty()
            .allSatisfy(e -> assertThat(e).startsWith("Too many large payloads are waiting to run: this one (")
                .endsWith(" bytes the platform holds for them. Retry later."));

        for (final String[] a : accepted)
        {
            final JsonNode record = awaitRecord(a[1]);
            assertThat(record.path("response").path("success").asBoolean())
                .as("activation %s: %s", a[1], record).isTrue();
            assertThat(record.path("response").path("result").path("n").asInt()).isEqualTo(Integer.parseInt(a[0]));
            assertThat(record.path("response").path("result").path("size").asInt()).isEqualTo(PAYLOAD_CHARS);
        }
        awaitPayloadsQueued(0);
        final Api.Reply after = api.post("/namespaces/_/actions/weigh?blocking=true&result=true",
            "{\"n\":-1,\"blob\":\"" + blob + "\"}");
        assertThat(after.status()).as("the bound is free again after the burst").isEqualTo(200);
        assertThat(after.json().path("size").asInt()).isEqualTo(PAYLOAD_CHARS);
    }

    private static JsonNode awaitRecord(final String activationId) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (true)
        {
            final Api.Reply r = api.get("/namespaces/_/activations/" + activationId);
            if (r.status() == 200)
            {
                return r.json();
            }
            assertThat(r.status()).as("activation %s: %s", activationId, r.body()).isEqualTo(404);
            assertThat(System.nanoTime()).as("the record of %s arrives", activationId).isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private static void awaitPayloadsQueued(final long bytes) throws Exception
    {
        final java.net.http.HttpClient http = Http.client();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true)
        {
            final String metrics = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                platform.apiHost() + "/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            final java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^whisk_payload_bytes_queued (\\S+)$")
                .matcher(metrics);
            assertThat(m.find()).isTrue();
            if (Double.parseDouble(m.group(1)) == bytes)
            {
                return;
            }
            assertThat(System.nanoTime()).as("payloads queued drop to %d: %s", bytes, m.group(1))
                .isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }
}
