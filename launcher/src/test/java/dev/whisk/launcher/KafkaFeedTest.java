package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.launcher.node.Standalone;
import dev.whisk.testkit.NeedsDocker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /whisk.system/messaging/kafkaFeed} against a real Kafka broker: CREATE refuses a broker that is not there;
 * records arrive in OpenWhisk's message shape, in partition order, each once; READ shows the counters and lag; an
 * oversize record is dead-lettered and the next one still delivered; PAUSE holds records back until UNPAUSE; a
 * trigger deleted behind the feed's back disables it (a 404); DELETE removes the consumer group.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@NeedsDocker
class KafkaFeedTest
{
    private static Engines.Engine kafka;

    @RegisterExtension
    static final BeforeAllCallback ENGINE = (ExtensionContext context) ->
    {
        TestPlatform.requireDockerAndImage();
        kafka = Engines.kafka(context);
    };

    @TempDir
    Path dataDir;

    @Test
    void deliversRecordsOnceInOrderDeadLettersOversizeOnesAndCleansUp() throws Exception
    {
        final String topic = "orders";
        createTopic(kafka.address(), topic, 2);
        try (Standalone platform = TestPlatform.start(dataDir);
             KafkaProducer<String, String> producer = producer())
        {
            final Api api = new Api(platform.apiHost(), platform.guestAuth());

            final Api.Reply wrong = Feeds.create(api, "guest", "nowhere", Feeds.KAFKA, Feeds.params()
                .put("brokers", "127.0.0.1:1").put("topic", topic));
            assertThat(wrong.status()).isEqualTo(502);
            assertThat(wrong.json().path("response").path("result").path("error").asText())
                .contains("could not reach the Kafka brokers 127.0.0.1:1");

            final Api.Reply created = Feeds.create(api, "guest", "orders", Feeds.KAFKA, Feeds.params()
                .put("brokers", "[\"" + kafka.address() + "\"]").put("topic", topic).put("isJSONData", true)
                .put("batchSize", 10));
            assertThat(created.status()).as(created.body()).isEqualTo(200);

            final int count = 40;
            for (int i = 0; i < count; i++)
            {
                producer.send(new ProducerRecord<>(topic, "k" + (i % 4), "{\"n\":" + i + "}"));
            }
            producer.flush();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> Feeds.ids(api, "orders").size() >= count);
            final List<JsonNode> events = Feeds.events(api, "orders");
            assertThat(events).hasSize(count);
            final Set<Integer> seen = new HashSet<>();
            final Map<Integer, Long> lastOffset = new HashMap<>();
            for (final JsonNode e : events)
            {
                assertThat(e.path("topic").asText()).isEqualTo(topic);
                assertThat(e.path("key").asText()).startsWith("k");
                assertThat(e.path("id").asText()).isEqualTo(topic + "/" + e.path("partition").asInt() + "/" +
                    e.path("offset").asLong());
                seen.add(e.path("value").path("n").asInt(-1));
                final long previous = lastOffset.getOrDefault(e.path("partition").asInt(), -1L);
                assertThat(e.path("offset").asLong()).as("partition order").isGreaterThan(previous);
                lastOffset.put(e.path("partition").asInt(), e.path("offset").asLong());
            }
            assertThat(seen).hasSize(count);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
            {
                final JsonNode status = Feeds.read(api, "guest", "orders", Feeds.KAFKA).path("status");
                assertThat(status.path("state").asText()).isEqualTo("active");
                assertThat(status.path("delivered").asLong()).isEqualTo(count);
                assertThat(status.path("lag").asLong()).isZero();
                assertThat(status.path("deadLetters").asLong()).isZero();
            });

            assertThat(Feeds.lifecycle(api, "guest", "orders", Feeds.KAFKA, "UPDATE", Feeds.params()
                .put("maxBatchBytes", 2_000)).status()).isEqualTo(200);
            producer.send(new ProducerRecord<>(topic, "k0", "{\"big\":\"" + "x".repeat(5_000) + "\"}"));
            producer.send(new ProducerRecord<>(topic, "k0", "{\"n\":1000}"));
            producer.flush();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> Feeds.ids(api, "orders").size() >= count + 1);
            final JsonNode read = Feeds.read(api, "guest", "orders", Feeds.KAFKA);
            assertThat(read.path("status").path("deadLetters").asLong()).isEqualTo(1);
            assertThat(read.path("deadLetters").get(0).path("reason").asText()).contains("exceeds the batch limit");
            assertThat(read.path("config").path("maxBatchBytes").asInt()).isEqualTo(2_000);
            final List<JsonNode> after = Feeds.events(api, "orders");
            assertThat(after.get(after.size() - 1).path("value").path("n").asInt()).isEqualTo(1000);

            assertThat(Feeds.lifecycle(api, "guest", "orders", Feeds.KAFKA, "PAUSE", null).status()).isEqualTo(200);
            producer.send(new ProducerRecord<>(topic, "k1", "{\"n\":2000}"));
            producer.flush();
            assertThat(Feeds.read(api, "guest", "orders", Feeds.KAFKA).path("status").path("state").asText())
                .isEqualTo("paused");
            assertThat(Feeds.lifecycle(api, "guest", "orders", Feeds.KAFKA, "UNPAUSE", null).status())
                .isEqualTo(200);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> Feeds.ids(api, "orders").size() >= count + 2);

            assertThat(Feeds.lifecycle(api, "guest", "orders", Feeds.KAFKA, "DELETE", null).status())
                .isEqualTo(200);
            assertThat(groups()).doesNotContain("whisk-guest.orders");
            assertThat(Feeds.lifecycle(api, "guest", "orders", Feeds.KAFKA, "READ", null).status())
                .isEqualTo(502);
        }
    }

    @Test
    void aTriggerDeletedBehindTheFeedsBackDisablesIt() throws Exception
    {
        final String topic = "lost";
        createTopic(kafka.address(), topic, 1);
        try (Standalone platform = TestPlatform.start(dataDir);
             KafkaProducer<String, String> producer = producer())
        {
            final Api api = new Api(platform.apiHost(), platform.guestAuth());
            assertThat(Feeds.create(api, "guest", "lost", Feeds.KAFKA, Feeds.params()
                .put("brokers", kafka.address()).put("topic", topic)).status()).isEqualTo(200);
            assertThat(api.delete("/namespaces/_/rules/lostRule").status()).isEqualTo(200);
            assertThat(api.delete("/namespaces/_/triggers/lost").status()).isEqualTo(200);
            producer.send(new ProducerRecord<>(topic, "k", "v"));
            producer.flush();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
            {
                final JsonNode status = Feeds.read(api, "guest", "lost", Feeds.KAFKA).path("status");
                assertThat(status.path("state").asText()).isEqualTo("disabled");
                assertThat(status.path("lastError").asText()).contains("no longer exists (404)");
            });
            assertThat(Feeds.lifecycle(api, "guest", "lost", Feeds.KAFKA, "DELETE", null).status()).isEqualTo(200);
        }
    }

    private static KafkaProducer<String, String> producer()
    {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.address());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(p);
    }

    static void createTopic(final String bootstrap, final String topic, final int partitions) throws Exception
    {
        try (Admin admin = admin(bootstrap))
        {
            if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic))
            {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short)1))).all()
                    .get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static List<String> groups() throws Exception
    {
        try (Admin admin = admin(kafka.address()))
        {
            final List<String> out = new ArrayList<>();
            admin.listGroups().all().get(30, TimeUnit.SECONDS).forEach(g -> out.add(g.groupId()));
            return out;
        }
    }

    private static Admin admin(final String bootstrap)
    {
        final Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }
}
