package dev.whisk.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.json.Json;
import dev.whisk.launcher.node.Standalone;
import dev.whisk.launcher.node.StandaloneConfig;
import dev.whisk.pool.ContainerPoolConfig;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.StreamEntryID;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The event-source feeds' figures on real engines, one standalone platform in this JVM:
 * <ol>
 *   <li><b>Event-to-action-start latency</b> per source: events paced at a constant rate carry the producer's
 *   wall-clock time in µs; the rule's action returns the wall-clock time its {@code main} started (same machine,
 *   same clock). Latency = action start &minus; event creation, per event, default batching (fire what has
 *   arrived); the action is warmed first, and events come every 20 ms by default, inside the pool's pause grace.
 *   Beside it, <b>event-to-fire</b>: to the start of the trigger's record (ms resolution), the feed's own share,
 *   before the run waits for a container.</li>
 *   <li><b>Sustained events/s into one trigger</b> with a no-op rule, batches of 500: a burst written as fast as the
 *   engine takes it; rate = events / (time the feed's READ first shows them all delivered &minus; first write).
 *   Delivered means fired durably (rule invokes journaled), so the actions may still be running.</li>
 * </ol>
 * Recovery after {@code kill -9} is measured by the launcher's {@code FeedCrashTest}, which prints its duplicate
 * count.
 *
 * <p>Usage: {@code FeedsBench <kafka host:port> <pg port> <pg password> <redis port> <redis password> [paced
 * events] [burst events] [events/s paced]}; {@code benchmarks/feeds.sh} starts the engines and runs it.
 */
public final class FeedsBench
{
    private static final String STAMP = "function main(p) {\n" +
        "  const startUs = Math.round((performance.timeOrigin + performance.now()) * 1000);\n" +
        "  const l = p.messages || p.changes || [];\n" +
        "  return { startUs, sent: l.map(m => Number((m.value && m.value.sentUs) || (m.fields && m.fields.sentUs)" +
        " || (m.after && m.after.sent_us))) };\n}";
    private static final String NOOP = "function main() { return {}; }";

    private final ApiCalls api;
    private final String auth;
    private final String kafka;
    private final int pgPort;
    private final String pgPassword;
    private final int redisPort;
    private final String redisPassword;
    /** Event creation to its trigger's fire (the trigger record's start, ms resolution), of the last latency run. */
    private Histogram fireUs;

    private FeedsBench(final Standalone platform, final String[] args)
    {
        this.auth = "Basic " + Base64.getEncoder().encodeToString(platform.guestAuth().getBytes(
            StandardCharsets.UTF_8));
        this.api = new ApiCalls(platform.apiHost(), auth);
        this.kafka = args[0];
        this.pgPort = Integer.parseInt(args[1]);
        this.pgPassword = args[2];
        this.redisPort = Integer.parseInt(args[3]);
        this.redisPassword = args[4];
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length < 5)
        {
            System.err.println("usage: FeedsBench <kafka host:port> <pg port> <pg password> <redis port> " +
                "<redis password> [paced events] [burst events] [events/s paced]");
            System.exit(2);
        }
        final int paced = args.length > 5 ? Integer.parseInt(args[5]) : 300;
        final int burst = args.length > 6 ? Integer.parseInt(args[6]) : 20_000;
        final int rate = args.length > 7 ? Integer.parseInt(args[7]) : 50;
        final Path dataDir = Files.createTempDirectory("whisk-bench-feeds");
        final StandaloneConfig d = StandaloneConfig.defaults(dataDir, "127.0.0.1", 0);
        final ContainerPoolConfig pool = d.pool();
        // a label of its own, so that containers an interrupted run leaves behind are told from anyone else's
        final StandaloneConfig config = d.withPool(new ContainerPoolConfig(pool.dockerHost(), pool.network(),
            "feeds-bench-" + ProcessHandle.current().pid(), pool.runtimeImages(), pool.apiHost(),
            pool.memoryBudgetMb(), pool.dockerThreads(), pool.logWaitMs(), pool.idleTimeoutMs(),
            pool.clientThreads(), pool.stemCells(), pool.pauseGraceMs(), pool.maxWaiting()));
        try (Standalone platform = new Standalone(config))
        {
            final FeedsBench bench = new FeedsBench(platform, args);
            bench.put("/actions/stamp?overwrite=true", action(STAMP));
            bench.put("/actions/noop?overwrite=true", action(NOOP));
            for (int i = 0; i < 20; i++)
            {
                // warm: the figure is the feed's path to a warm action, not a cold start
                bench.send("POST", "/namespaces/_/actions/stamp?blocking=true", "{}");
            }
            System.out.printf("feeds bench: %d paced events at %d/s per source, bursts of %d; %d cores%n", paced, rate,
                burst, Runtime.getRuntime().availableProcessors());
            for (final String source : List.of("kafka", "postgres", "redis"))
            {
                final Histogram us = bench.latency(source, paced, rate);
                final double perS = bench.throughput(source, burst);
                final Histogram fire = bench.fireUs;
                System.out.printf("%-8s event-to-action-start p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms (n=%d)" +
                    "   event-to-fire p50 %6.1f ms  p99 %6.1f ms (n=%d)   sustained %8.0f events/s%n", source,
                    us.getValueAtPercentile(50) / 1000.0, us.getValueAtPercentile(99) / 1000.0,
                    us.getMaxValue() / 1000.0, us.getTotalCount(), fire.getValueAtPercentile(50) / 1000.0,
                    fire.getValueAtPercentile(99) / 1000.0, fire.getTotalCount(), perS);
            }
        }
    }

    private Histogram latency(final String source, final int events, final int perSecond) throws Exception
    {
        final String trigger = source + "Lat";
        final Producer producer = producer(source, trigger);
        create(source, trigger, "stamp", Json.MAPPER.createObjectNode());
        final long sinceMs = System.currentTimeMillis();
        final long intervalNs = TimeUnit.SECONDS.toNanos(1) / perSecond;
        final long start = System.nanoTime();
        for (int i = 0; i < events; i++)
        {
            final long due = start + i * intervalNs;
            while (System.nanoTime() < due)
            {
                LockSupport.parkNanos(due - System.nanoTime());
            }
            producer.send(i, nowUs());
        }
        producer.close();
        awaitDelivered(source, trigger, events);
        final Histogram h = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        int seen = 0;
        final long deadline = System.currentTimeMillis() + 180_000;
        while (seen < events && System.currentTimeMillis() < deadline)
        {
            h.reset();
            seen = 0;
            for (int skip = 0; ; skip += 200)
            {
                final JsonNode page = get("/activations?docs=true&limit=200&name=stamp&skip=" + skip + "&since=" +
                    sinceMs);
                for (final JsonNode a : page)
                {
                    final JsonNode r = a.path("response").path("result");
                    for (final JsonNode sent : r.path("sent"))
                    {
                        h.recordValue(Math.max(0, r.path("startUs").asLong() - sent.asLong()));
                        seen++;
                    }
                }
                if (page.size() < 200)
                {
                    break;
                }
            }
            if (seen < events)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
            }
        }
        fireUs = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        for (int skip = 0; ; skip += 200)
        {
            final JsonNode page = get("/activations?docs=true&limit=200&name=" + trigger + "&skip=" + skip +
                "&since=" + sinceMs);
            for (final JsonNode a : page)
            {
                final JsonNode args = a.path("response").path("result");
                final JsonNode list = args.has("messages") ? args.get("messages") : args.path("changes");
                for (final JsonNode m : list)
                {
                    final long sent = m.path("value").path("sentUs").asLong(m.path("fields").path("sentUs")
                        .asLong(m.path("after").path("sent_us").asLong()));
                    fireUs.recordValue(Math.max(0, a.path("start").asLong() * 1000 - sent));
                }
            }
            if (page.size() < 200)
            {
                break;
            }
        }
        delete(source, trigger);
        return h;
    }

    private double throughput(final String source, final int events) throws Exception
    {
        final String trigger = source + "Tput";
        final Producer producer = producer(source, trigger);
        create(source, trigger, "noop", Json.MAPPER.createObjectNode().put("batchSize", 500));
        final long start = System.nanoTime();
        producer.burst(events);
        producer.close();
        awaitDelivered(source, trigger, events);
        final double seconds = (System.nanoTime() - start) / 1e9;
        delete(source, trigger);
        return events / seconds;
    }

    /** Writes events carrying their creation time. */
    private interface Producer
    {
        void send(int i, long sentUs) throws Exception;

        void burst(int n) throws Exception;

        void close() throws Exception;
    }

    private Producer producer(final String source, final String trigger) throws Exception
    {
        return switch (source)
        {
            case "kafka" ->
            {
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka)))
                {
                    admin.createTopics(List.of(new NewTopic(trigger, 1, (short)1))).all().get(30, TimeUnit.SECONDS);
                }
                final Properties p = new Properties();
                p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
                p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
                p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
                p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
                final KafkaProducer<String, String> k = new KafkaProducer<>(p);
                yield new Producer()
                {
                    public void send(final int i, final long sentUs)
                    {
                        k.send(new ProducerRecord<>(trigger, "k", "{\"sentUs\":" + sentUs + "}"));
                        k.flush();
                    }

                    public void burst(final int n)
                    {
                        for (int i = 0; i < n; i++)
                        {
                            k.send(new ProducerRecord<>(trigger, "k", "{\"n\":" + i + "}"));
                        }
                        k.flush();
                    }

                    public void close()
                    {
                        k.close();
                    }
                };
            }
            case "postgres" ->
            {
                final Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort +
                    "/postgres", "postgres", pgPassword);
                try (Statement st = c.createStatement())
                {
                    st.execute("create table if not exists " + trigger + " (id serial primary key, sent_us bigint)");
                }
                final PreparedStatement insert = c.prepareStatement("insert into " + trigger +
                    " (sent_us) values (?)");
                yield new Producer()
                {
                    public void send(final int i, final long sentUs) throws Exception
                    {
                        insert.setLong(1, sentUs);
                        insert.execute();
                    }

                    public void burst(final int n) throws Exception
                    {
                        try (Statement st = c.createStatement())
                        {
                            for (int done = 0; done < n; done += 1_000)
                            {
                                st.execute("insert into " + trigger + " (sent_us) select 0 from generate_series(1, " +
                                    Math.min(1_000, n - done) + ")");
                            }
                        }
                    }

                    public void close() throws Exception
                    {
                        c.close();
                    }
                };
            }
            default ->
            {
                final Jedis j = new Jedis(new HostAndPort("127.0.0.1", redisPort),
                    DefaultJedisClientConfig.builder().password(redisPassword).build());
                yield new Producer()
                {
                    public void send(final int i, final long sentUs)
                    {
                        j.xadd(trigger, StreamEntryID.NEW_ENTRY, Map.of("sentUs", Long.toString(sentUs)));
                    }

                    public void burst(final int n)
                    {
                        final Pipeline p = j.pipelined();
                        for (int i = 0; i < n; i++)
                        {
                            p.xadd(trigger, StreamEntryID.NEW_ENTRY, Map.of("n", Integer.toString(i)));
                        }
                        p.sync();
                    }

                    public void close()
                    {
                        j.close();
                    }
                };
            }
        };
    }

    private void create(final String source, final String trigger, final String action, final ObjectNode extra)
        throws Exception
    {
        final ObjectNode p = extra.deepCopy();
        switch (source)
        {
            case "kafka" -> p.put("brokers", kafka).put("topic", trigger).put("isJSONData", true);
            case "postgres" -> p.put("port", pgPort).put("user", "postgres").put("password", pgPassword)
                .put("tables", "public." + trigger.toLowerCase(java.util.Locale.ROOT));
            default -> p.put("port", redisPort).put("password", redisPassword).put("stream", trigger);
        }
        put("/triggers/" + trigger + "?overwrite=true", "{\"annotations\":[{\"key\":\"feed\",\"value\":\"" +
            feed(source) + "\"}]}");
        put("/rules/" + trigger + "Rule?overwrite=true", "{\"trigger\":\"/_/" + trigger + "\",\"action\":\"/_/" +
            action + "\"}");
        final JsonNode r = lifecycle(source, trigger, "CREATE", p);
        if (!r.path("response").path("success").asBoolean())
        {
            throw new IllegalStateException("CREATE of " + trigger + " failed: " + r);
        }
    }

    private void delete(final String source, final String trigger) throws Exception
    {
        lifecycle(source, trigger, "DELETE", Json.MAPPER.createObjectNode());
    }

    private void awaitDelivered(final String source, final String trigger, final int events) throws Exception
    {
        final long deadline = System.currentTimeMillis() + 300_000;
        while (System.currentTimeMillis() < deadline)
        {
            final JsonNode status = lifecycle(source, trigger, "READ", Json.MAPPER.createObjectNode())
                .path("response").path("result").path("status");
            if (status.path("delivered").asLong() >= events)
            {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        throw new IllegalStateException(trigger + " did not deliver " + events + " events within 300 s");
    }

    private JsonNode lifecycle(final String source, final String trigger, final String event, final ObjectNode p)
        throws Exception
    {
        p.put("lifecycleEvent", event).put("triggerName", "/guest/" + trigger);
        return send("POST", "/namespaces/whisk.system/actions" + feed(source).substring("/whisk.system".length()) +
            "?blocking=true", p.toString());
    }

    private static String feed(final String source)
    {
        return switch (source)
        {
            case "kafka" -> "/whisk.system/messaging/kafkaFeed";
            case "postgres" -> "/whisk.system/postgresql/changesFeed";
            default -> "/whisk.system/redis/streamFeed";
        };
    }

    private static long nowUs()
    {
        final java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private static String action(final String code)
    {
        return "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":" + Json.MAPPER.valueToTree(code) + "}}";
    }

    private void put(final String path, final String body) throws Exception
    {
        send("PUT", "/namespaces/_" + path, body);
    }

    private JsonNode get(final String path) throws Exception
    {
        return send("GET", "/namespaces/_" + path, null);
    }

    private JsonNode send(final String method, final String path, final String body) throws Exception
    {
        final String answer = api.call(method, "/api/v1" + path, body).body();
        return answer.isEmpty() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(answer);
    }
}
