package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.testkit.ChildJvm;
import dev.whisk.testkit.NeedsDocker;
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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.whisk.launcher.CrashChecks.isUp;
import static dev.whisk.launcher.CrashChecks.tail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * At-least-once across a crash: a standalone platform consuming a stream (a Kafka topic; a PostgreSQL table's
 * inserts, one transaction each) is killed with SIGKILL while events stream in, more arrive while it is down, and
 * it is started again on the same data. Every event is delivered (it is in some fire's trigger record); events
 * whose fire was not yet durable at the kill are delivered again, and the duplicate count is printed.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
@NeedsDocker
class FeedCrashTest
{
    private static Engines.Engine kafka;
    private static Engines.Engine pg;

    @RegisterExtension
    static final BeforeAllCallback ENGINES = (ExtensionContext context) ->
    {
        kafka = Engines.kafka(context);
        pg = Engines.postgres(context);
    };

    private static final int BEFORE_KILL = 200;
    private static final int WHILE_DOWN = 50;

    @TempDir
    Path dir;
    private final String label = "feedcrash-" + ProcessHandle.current().pid();
    /** The platform stopping removes its containers too, and Docker answers 409 to a second removal meanwhile. */
    @RegisterExtension
    final ChildJvm.Processes processes = ChildJvm.processes(() -> await().atMost(Duration.ofSeconds(60))
        .ignoreExceptions().until(() ->
        {
            TestPlatform.removeContainersOf(label);
            return TestPlatform.containersOf(label) == 0;
        }));

    /** Writes event {@code i} to the engine. */
    private interface Writer extends AutoCloseable
    {
        void write(int i) throws Exception;

        @Override
        void close() throws Exception;
    }

    @Test
    void everyKafkaRecordIsDeliveredAcrossAPlatformKill() throws Exception
    {
        KafkaFeedTest.createTopic(kafka.address(), "stream", 2);
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.address());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        final KafkaProducer<String, String> producer = new KafkaProducer<>(p);
        crash(Feeds.KAFKA, Feeds.params().put("brokers", kafka.address()).put("topic", "stream"), new Writer()
        {
            public void write(final int i)
            {
                producer.send(new ProducerRecord<>("stream", Integer.toString(i), "v" + i));
                producer.flush();
            }

            public void close()
            {
                producer.close();
            }
        });
    }

    @Test
    void everyPostgresChangeIsDeliveredAcrossAPlatformKill() throws Exception
    {
        PostgresFeedTest.sql(pg, "create table if not exists crash (id int primary key, v text)");
        final Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres",
            "postgres", "secret");
        final PreparedStatement insert = c.prepareStatement("insert into crash values (?, ?)");
        crash(Feeds.POSTGRES, Feeds.params().put("port", pg.port()).put("user", "postgres").put("password", "secret")
            .put("tables", "public.crash"), new Writer()
        {
            public void write(final int i) throws Exception
            {
                insert.setInt(1, i);
                insert.setString(2, "v" + i);
                insert.execute();
            }

            public void close() throws Exception
            {
                c.close();
            }
        });
    }

    private void crash(final String feed, final ObjectNode params, final Writer writer) throws Exception
    {
        TestPlatform.requireDockerAndImage();
        final int port = ChildJvm.freeTcpPort();
        final Path data = dir.resolve("data");
        final List<String> args = List.of("standalone", "--port", Integer.toString(port), "--data-dir",
            data.toString(), "--invoker-label", label, "--no-demo");
        Process platform = start(args, "platform-1");
        final Path credential = data.resolve("credentials").resolve("guest");
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(credential) && isUp(port));
        final Api api = new Api("http://127.0.0.1:" + port, Files.readString(credential,
            StandardCharsets.UTF_8).trim());
        final Api.Reply created = Feeds.create(api, "guest", "stream", feed, params.put("batchSize", 5));
        assertThat(created.status()).as(created.body()).isEqualTo(200);

        try (writer)
        {
            final Thread streaming = new Thread(() ->
            {
                try
                {
                    for (int i = 0; i < BEFORE_KILL; i++)
                    {
                        writer.write(i);
                        if (i % 10 == 9)
                        {
                            // a steady stream, so that the kill lands mid-stream: pacing, not waiting for a result
                            TimeUnit.MILLISECONDS.sleep(50);
                        }
                    }
                }
                catch (final Exception stopped)
                {
                    Thread.currentThread().interrupt();
                }
            }, "test-producer");
            streaming.start();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> Feeds.ids(api, "stream").size() >= 40);
            final int deliveredBeforeKill = new HashSet<>(Feeds.ids(api, "stream")).size();
            platform.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            processes.remove(platform);
            streaming.join(TimeUnit.SECONDS.toMillis(60));
            for (int i = BEFORE_KILL; i < BEFORE_KILL + WHILE_DOWN; i++)
            {
                writer.write(i);
            }
            System.out.println("feed-crash " + feed + ": killed with at least " + deliveredBeforeKill +
                " delivered");
        }
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
        {
            TestPlatform.removeContainersOf(label);
            return TestPlatform.containersOf(label) == 0;
        });

        start(args, "platform-2");
        await().atMost(Duration.ofSeconds(90)).until(() -> isUp(port));
        final int total = BEFORE_KILL + WHILE_DOWN;
        try
        {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> new HashSet<>(Feeds.ids(api, "stream")).size() >= total);
        }
        catch (final org.awaitility.core.ConditionTimeoutException ex)
        {
            throw new AssertionError("delivered " + new HashSet<>(Feeds.ids(api, "stream")).size() + " of " + total +
                "\n--- platform-1:\n" + tail(dir.resolve("platform-1.log")) + "\n--- platform-2:\n" +
                tail(dir.resolve("platform-2.log")), ex);
        }
        final List<String> ids = Feeds.ids(api, "stream");
        final Set<String> values = new HashSet<>();
        for (final JsonNode e : Feeds.events(api, "stream"))
        {
            values.add(e.has("after") ? e.path("after").path("v").asText() : e.path("value").asText());
        }
        assertThat(values).as("no event lost").hasSize(total);
        assertThat(new HashSet<>(ids)).hasSize(total);
        System.out.println("feed-crash " + feed + ": events=" + total + " deliveries=" + ids.size() +
            " duplicates=" + (ids.size() - new HashSet<>(ids).size()));
        final Api.Reply deleted = Feeds.lifecycle(api, "guest", "stream", feed, "DELETE", null);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
    }

    private Process start(final List<String> args, final String name) throws IOException
    {
        final Process p = ChildJvm.whisk(args, dir.resolve(name + ".log").toFile());
        processes.add(p);
        return p;
    }
}
