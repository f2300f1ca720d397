package dev.whisk.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.json.Json;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code /whisk.system/messaging/kafkaFeed}, with the parameters of OpenWhisk's {@code messaging} package:
 * {@code brokers} (a JSON array or comma-separated {@code host:port}s; {@code kafka_brokers_sasl} is accepted as
 * its other name), {@code topic}, {@code isJSONData}, {@code isBinaryKey}, {@code isBinaryValue}. Each trigger reads
 * every partition of its topic with consumer group {@code whisk-<trigger>}; its committed offsets are the
 * checkpoint. CREATE starts at the topic's end, as OpenWhisk's provider does, and commits that start at once so
 * that a restart cannot skip what arrived in between. DELETE removes the consumer group.
 *
 * <p>Caveat: partitions added to the topic after CREATE are read after the next UPDATE or restart.
 */
final class KafkaConnector implements Connector
{
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(8);

    @Override
    public String feedName()
    {
        return "kafkaFeed";
    }

    @Override
    public String packageId()
    {
        return "whisk.system/messaging";
    }

    @Override
    public ObjectNode configure(final String trigger, final ObjectNode params)
    {
        List<String> brokers = Params.list(params, "brokers");
        if (brokers.isEmpty())
        {
            brokers = Params.list(params, "kafka_brokers_sasl");
        }
        if (brokers.isEmpty())
        {
            throw new IllegalArgumentException("the 'brokers' parameter is required: a JSON array or a " +
                "comma-separated list of host:port");
        }
        final ObjectNode c = Json.MAPPER.createObjectNode();
        brokers.forEach(c.putArray("brokers")::add);
        c.put("topic", Params.required(params, "topic"));
        c.put("isJSONData", Params.flag(params, "isJSONData"));
        c.put("isBinaryKey", Params.flag(params, "isBinaryKey"));
        c.put("isBinaryValue", Params.flag(params, "isBinaryValue"));
        if (c.get("isJSONData").asBoolean() && c.get("isBinaryValue").asBoolean())
        {
            throw new IllegalArgumentException("isJSONData and isBinaryValue cannot both be enabled");
        }
        return c;
    }

    @Override
    public Source open(final String trigger, final ObjectNode config, final boolean creating)
    {
        final String topic = config.get("topic").asText();
        final KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties(trigger, config));
        boolean opened = false;
        try
        {
            final List<PartitionInfo> infos;
            try
            {
                infos = consumer.partitionsFor(topic, CONNECT_TIMEOUT);
            }
            catch (final KafkaException ex)
            {
                throw new IllegalArgumentException("could not reach the Kafka brokers " + brokers(config) +
                    " within " + CONNECT_TIMEOUT.toSeconds() + " s: " + ex.getMessage());
            }
            if (infos == null || infos.isEmpty())
            {
                throw new IllegalArgumentException("topic '" + topic + "' does not exist at " + brokers(config));
            }
            final List<TopicPartition> partitions = new ArrayList<>();
            for (final PartitionInfo p : infos)
            {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            final Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions),
                CONNECT_TIMEOUT);
            final Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
            for (final TopicPartition tp : partitions)
            {
                if (committed.get(tp) == null)
                {
                    consumer.seekToEnd(List.of(tp));
                    start.put(tp, new OffsetAndMetadata(consumer.position(tp, CONNECT_TIMEOUT)));
                }
            }
            if (!start.isEmpty())
            {
                consumer.commitSync(start, CONNECT_TIMEOUT);
            }
            opened = true;
            return new KafkaSource(consumer, config.get("isJSONData").asBoolean(),
                config.get("isBinaryKey").asBoolean(), config.get("isBinaryValue").asBoolean());
        }
        catch (final KafkaException ex)
        {
            throw new IllegalArgumentException("Kafka refused the feed of " + trigger + ": " + ex.getMessage());
        }
        finally
        {
            if (!opened)
            {
                consumer.close(Duration.ZERO);
            }
        }
    }

    @Override
    public boolean sameStream(final ObjectNode before, final ObjectNode after)
    {
        return before.get("topic").equals(after.get("topic")) && before.get("brokers").equals(after.get("brokers"));
    }

    @Override
    public void cleanup(final String trigger, final ObjectNode config)
    {
        final Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers(config));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int)CONNECT_TIMEOUT.toMillis());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int)CONNECT_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(p))
        {
            admin.deleteConsumerGroups(List.of(group(trigger))).all().get(CONNECT_TIMEOUT.toMillis(),
                TimeUnit.MILLISECONDS);
        }
        catch (final ExecutionException ex)
        {
            if (!(ex.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException))
            {
                throw new IllegalStateException("the feed is stopped, but its consumer group " + group(trigger) +
                    " could not be removed: " + ex.getCause().getMessage());
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final java.util.concurrent.TimeoutException | KafkaException ex)
        {
            throw new IllegalStateException("the feed is stopped, but its consumer group " + group(trigger) +
                " could not be removed: " + ex);
        }
    }

    static String group(final String trigger)
    {
        return "whisk-" + trigger.replace('/', '.');
    }

    private static String brokers(final ObjectNode config)
    {
        return String.join(",", Params.list(config, "brokers"));
    }

    private static Properties properties(final String trigger, final ObjectNode config)
    {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers(config));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group(trigger));
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, group(trigger));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int)CONNECT_TIMEOUT.toMillis());
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int)CONNECT_TIMEOUT.toMillis());
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }
}
