package dev.whisk.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.json.Json;
import dev.whisk.frontdoor.event.FeedFirer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One {@link Subscription} driven step by step on the test thread with an injected clock, over an in-memory source
 * and a scripted firer (the real engines and the real fire path are in the launcher's feed tests): the checkpoint
 * moves only after a durable fire, a fire that is not durable is retried with backoff and then dead-lettered, a 429
 * spends no retry, batches honour their size, window and byte limit, and a trigger that is gone disables the feed.
 */
class SubscriptionTest
{
    @TempDir
    Path dir;

    private final MemorySource source = new MemorySource();
    private final ScriptedFirer firer = new ScriptedFirer();

    private Subscription subscription(final ObjectNode delivery)
    {
        final FeedRecord r = new FeedRecord("guest/t", "guest", "whisk.system/redis/streamFeed", delivery,
            FeedRecord.State.ACTIVE, null, 0);
        return new Subscription(r, null, source, Delivery.of(delivery, 10_000), firer, new FeedBook(dir));
    }

    @Test
    void movesTheCheckpointOnlyAfterTheFireIsDurable()
    {
        final Subscription s = subscription(Json.MAPPER.createObjectNode().put("batchSize", 2));
        source.add("a", "b", "c");
        s.doWork(0);
        assertThat(firer.fired).containsExactly(List.of("a", "b"));
        s.doWork(1);
        assertThat(source.checkpointed).as("not durable yet").isEmpty();
        firer.last.onDurable(true);
        s.doWork(2);
        assertThat(source.checkpointed).containsExactly("a", "b");
        s.doWork(3);
        assertThat(firer.fired).as("one batch in flight at a time, in order").containsExactly(List.of("a", "b"),
            List.of("c"));
    }

    @Test
    void retriesWithBackoffThenDeadLettersAndMovesOn()
    {
        final Subscription s = subscription(Json.MAPPER.createObjectNode().put("maxRetries", 2)
            .put("retryBackoffMs", 100));
        source.add("a");
        s.doWork(0);
        firer.last.onDurable(false);
        s.doWork(1);
        assertThat(s.retries).isEqualTo(1);
        s.doWork(50);
        assertThat(firer.fired).as("waits out the backoff").hasSize(1);
        s.doWork(101);
        assertThat(firer.fired).hasSize(2);
        s.doWork(101 + Subscription.FIRE_TIMEOUT_MS + 1);
        assertThat(s.retries).as("a fire never acknowledged counts as failed").isEqualTo(2);
        s.doWork(101 + Subscription.FIRE_TIMEOUT_MS + 1 + 200);
        firer.last.onDurable(false);
        s.doWork(200_000);
        assertThat(source.checkpointed).as("dead-lettered, then passed").containsExactly("a");
        final JsonNode letters = new FeedBook(dir).deadLetters("guest/t", 10);
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).path("id").asText()).isEqualTo("a");
        assertThat(letters.get(0).path("attempts").asInt()).isEqualTo(3);
        assertThat(letters.get(0).path("event").path("id").asText()).isEqualTo("a");
    }

    @Test
    void aThrottledNamespaceWaitsWithoutSpendingRetries()
    {
        final Subscription s = subscription(Json.MAPPER.createObjectNode().put("maxRetries", 0));
        source.add("a");
        firer.outcomes.add(FeedFirer.Outcome.THROTTLED);
        firer.outcomes.add(FeedFirer.Outcome.THROTTLED);
        s.doWork(0);
        s.doWork(Subscription.THROTTLE_WAIT_MS);
        s.doWork(2 * Subscription.THROTTLE_WAIT_MS);
        assertThat(firer.fired).hasSize(3);
        firer.last.onDurable(true);
        s.doWork(2 * Subscription.THROTTLE_WAIT_MS + 1);
        assertThat(source.checkpointed).containsExactly("a");
        assertThat(s.throttled).isEqualTo(2);
        assertThat(s.retries).isZero();
        assertThat(new FeedBook(dir).deadLetterCount("guest/t")).isZero();
    }

    @Test
    void waitsForTheBatchWindowAndDeadLettersAnOversizeEvent()
    {
        final Subscription s = subscription(Json.MAPPER.createObjectNode().put("batchSize", 10)
            .put("batchWindowMs", 100).put("maxBatchBytes", 200));
        source.add("a");
        source.addSized("huge", 500);
        s.doWork(0);
        assertThat(firer.fired).as("the batch is cut before the event that does not fit").containsExactly(
            List.of("a"));
        firer.last.onDurable(true);
        s.doWork(1);
        s.doWork(2);
        assertThat(source.checkpointed).containsExactly("a", "huge");
        assertThat(new FeedBook(dir).deadLetters("guest/t", 10).get(0).path("reason").asText())
            .contains("exceeds the batch limit of 200 bytes");
        source.add("b");
        s.doWork(3);
        assertThat(firer.fired).as("a lone event waits for its window").hasSize(1);
        s.doWork(104);
        assertThat(firer.fired).hasSize(2);
    }

    @Test
    void aTriggerThatIsGoneDisablesTheFeedAndKeepsItsEvents()
    {
        final Subscription s = subscription(Json.MAPPER.createObjectNode());
        source.add("a");
        firer.outcomes.add(FeedFirer.Outcome.TRIGGER_GONE);
        s.doWork(0);
        assertThat(s.disabled).isTrue();
        assertThat(s.lastError).contains("(404)");
        assertThat(source.checkpointed).isEmpty();
        assertThat(source.closed).isTrue();
        assertThat(new FeedBook(dir).get("guest/t").state()).isEqualTo(FeedRecord.State.DISABLED);
    }

    /** Events handed out in order; the checkpoint is the list of ids done. */
    private static final class MemorySource implements Source
    {
        private final Deque<SourceEvent> queued = new ArrayDeque<>();
        private final List<String> checkpointed = new ArrayList<>();
        private boolean closed;

        void add(final String... ids)
        {
            for (final String id : ids)
            {
                queued.add(SourceEvent.of(id, Json.MAPPER.createObjectNode(), id));
            }
        }

        void addSized(final String id, final int bytes)
        {
            queued.add(SourceEvent.of(id, Json.MAPPER.createObjectNode().put("v", "x".repeat(bytes)), id));
        }

        @Override
        public int poll(final List<SourceEvent> into, final int max)
        {
            int n = 0;
            while (n < max && !queued.isEmpty())
            {
                into.add(queued.poll());
                n++;
            }
            return n;
        }

        @Override
        public void checkpoint(final List<SourceEvent> done)
        {
            done.forEach(e -> checkpointed.add(e.id()));
        }

        @Override
        public long lag()
        {
            return queued.size();
        }

        @Override
        public String field()
        {
            return "messages";
        }

        @Override
        public void close()
        {
            closed = true;
        }
    }

    /** Answers the scripted outcomes, then ACCEPTED; records each fire's event ids. */
    private static final class ScriptedFirer implements FeedFirer
    {
        private final Deque<Outcome> outcomes = new ArrayDeque<>();
        private final List<List<String>> fired = new ArrayList<>();
        private Listener last;

        @Override
        public Outcome fire(final String ownerNamespace, final String trigger, final byte[] payload,
            final Listener listener)
        {
            final List<String> ids = new ArrayList<>();
            try
            {
                Json.MAPPER.readTree(payload).path("messages").forEach(m -> ids.add(m.path("id").asText()));
            }
            catch (final java.io.IOException ex)
            {
                throw new AssertionError(ex);
            }
            fired.add(ids);
            last = listener;
            return outcomes.isEmpty() ? Outcome.ACCEPTED : outcomes.poll();
        }
    }
}
