package dev.whisk.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.json.Json;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A trigger's Kafka consumer. Records become OpenWhisk's message shape {@code {topic, partition, offset, key,
 * value}} plus {@code id} ({@code topic/partition/offset}). The checkpoint commits, per partition, the offset after
 * the last record done; records of all partitions are delivered in one order, so a batch done means every record
 * before it in that order is done.
 *
 * <p>Threads: its poller's.
 */
final class KafkaSource extends MessageSource
{
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final boolean jsonData;
    private final boolean binaryKey;
    private final boolean binaryValue;
    private final Deque<ConsumerRecord<byte[], byte[]>> buffered = new ArrayDeque<>();
    private final Map<TopicPartition, Long> doneUpTo = new HashMap<>();

    KafkaSource(final KafkaConsumer<byte[], byte[]> consumer, final boolean jsonData, final boolean binaryKey,
        final boolean binaryValue)
    {
        this.consumer = consumer;
        this.jsonData = jsonData;
        this.binaryKey = binaryKey;
        this.binaryValue = binaryValue;
    }

    @Override
    public int poll(final List<SourceEvent> into, final int max)
    {
        if (buffered.isEmpty())
        {
            final ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ZERO);
            for (final ConsumerRecord<byte[], byte[]> r : records)
            {
                buffered.add(r);
            }
            long sum = 0;
            for (final TopicPartition tp : consumer.assignment())
            {
                final OptionalLong l = consumer.currentLag(tp);
                sum += l.isPresent() ? l.getAsLong() : 0;
            }
            lag = sum + buffered.size();
        }
        int n = 0;
        while (n < max && !buffered.isEmpty())
        {
            into.add(event(buffered.poll()));
            n++;
        }
        return n;
    }

    @Override
    public void checkpoint(final List<SourceEvent> done)
    {
        for (int i = 0; i < done.size(); i++)
        {
            final TopicPartition tp = (TopicPartition)((Object[])done.get(i).position())[0];
            final long next = (Long)((Object[])done.get(i).position())[1] + 1;
            doneUpTo.merge(tp, next, Math::max);
        }
        final Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        for (final Map.Entry<TopicPartition, Long> e : doneUpTo.entrySet())
        {
            commit.put(e.getKey(), new OffsetAndMetadata(e.getValue()));
        }
        consumer.commitSync(commit);
    }

    @Override
    protected void release()
    {
        consumer.close(Duration.ofSeconds(2));
    }

    private SourceEvent event(final ConsumerRecord<byte[], byte[]> r)
    {
        final ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("topic", r.topic());
        m.put("partition", r.partition());
        m.put("offset", r.offset());
        if (r.key() == null)
        {
            m.putNull("key");
        }
        else
        {
            m.put("key", binaryKey ? Base64.getEncoder().encodeToString(r.key()) :
                new String(r.key(), StandardCharsets.UTF_8));
        }
        if (r.value() == null)
        {
            m.putNull("value");
        }
        else if (binaryValue)
        {
            m.put("value", Base64.getEncoder().encodeToString(r.value()));
        }
        else if (jsonData)
        {
            m.set("value", json(r.value()));
        }
        else
        {
            m.put("value", new String(r.value(), StandardCharsets.UTF_8));
        }
        return SourceEvent.of(r.topic() + "/" + r.partition() + "/" + r.offset(), m,
            new Object[]{new TopicPartition(r.topic(), r.partition()), r.offset()});
    }

    /** The value as JSON, or as a string when it is not JSON, as OpenWhisk's provider does. */
    private static JsonNode json(final byte[] value)
    {
        try
        {
            return Json.MAPPER.readTree(value);
        }
        catch (final IOException notJson)
        {
            return Json.MAPPER.getNodeFactory().textNode(new String(value, StandardCharsets.UTF_8));
        }
    }
}
