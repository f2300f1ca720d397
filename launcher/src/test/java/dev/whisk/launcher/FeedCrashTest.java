package dev.whisk.launcher;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
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
import java.time.Duration;
import java.util.ArrayList;
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
 * At-least-once across a crash: a standalone platform consuming a Kafka topic is killed with SIGKILL while records
 * stream in, more arrive while it is down, and it is started again on the same data. Every record is delivered
 * (its id is in some fire's trigger record); records whose fire was not yet durable at the kill are delivered again,
 * and the duplicate count is reported.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class FeedCrashTest
{
    private static Engines.Engine kafka;

    @RegisterExtension
    static final BeforeAllCallback ENGINE = (ExtensionContext context) -> kafka = Engines.kafka(context);

    private static final int BEFORE_KILL = 200;
    private static final int WHILE_DOWN = 50;

    @TempDir
    Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final String label = "feedcrash-" + ProcessHandle.current().pid();

    @AfterEach
    void stop() throws InterruptedException
    {
        ChildJvm.stopAll(processes);
        TestPlatform.removeContainersOf(label);
    }

    @Test
    void everyRecordIsDeliveredAcrossAPlatformKill() throws Exception
    {
        TestPlatform.requireDockerAndImage();
        KafkaFeedTest.createTopic(kafka.address(), "stream", 2);
        final int port = ChildJvm.freeTcpPort();
        final Path data = dir.resolve("data");
        final List<String> args = List.of("standalone", "--port", Integer.toString(port), "--data-dir",
            data.toString(), "--invoker-label", label, "--no-demo");
        Process platform = start(args, "platform-1");
        final Path credential = data.resolve("credentials").resolve("guest");
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(credential) && isUp(port));
        final Api api = new Api("http://127.0.0.1:" + port, Files.readString(credential,
            StandardCharsets.UTF_8).trim());
        final Api.Reply created = Feeds.create(api, "guest", "stream", Feeds.KAFKA, Feeds.params()
            .put("brokers", kafka.address()).put("topic", "stream").put("batchSize", 5));
        assertThat(created.status()).as(created.body()).isEqualTo(200);

        try (KafkaProducer<String, String> producer = producer())
        {
            final Thread streaming = new Thread(() ->
            {
                for (int i = 0; i < BEFORE_KILL; i++)
                {
                    producer.send(new ProducerRecord<>("stream", Integer.toString(i), "v" + i));
                    if (i % 10 == 9)
                    {
                        producer.flush();
                        try
                        {
                            // a steady stream, so that the kill lands mid-stream: pacing, not waiting for a result
                            TimeUnit.MILLISECONDS.sleep(50);
                        }
                        catch (final InterruptedException ex)
                        {
                            return;
                        }
                    }
                }
                producer.flush();
            }, "test-producer");
            streaming.start();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> Feeds.ids(api, "stream").size() >= 40);
            platform.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            processes.remove(platform);
            final int deliveredBeforeKill = new HashSet<>(Feeds.ids(api, "stream")).size();
            System.out.println("feed-crash: killed with " + deliveredBeforeKill + " records delivered");
            streaming.join(TimeUnit.SECONDS.toMillis(60));
            for (int i = BEFORE_KILL; i < BEFORE_KILL + WHILE_DOWN; i++)
            {
                producer.send(new ProducerRecord<>("stream", Integer.toString(i), "v" + i));
            }
            producer.flush();
        }
        TestPlatform.removeContainersOf(label);

        platform = start(args, "platform-2");
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
        final Set<String> distinct = new HashSet<>(ids);
        final Set<String> values = new HashSet<>();
        Feeds.events(api, "stream").forEach(e -> values.add(e.path("value").asText()));
        assertThat(values).as("no record lost").hasSize(total);
        assertThat(distinct).hasSize(total);
        System.out.println("feed-crash: records=" + total + " deliveries=" + ids.size() + " duplicates=" +
            (ids.size() - distinct.size()));
    }

    private static KafkaProducer<String, String> producer()
    {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.address());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    private Process start(final List<String> args, final String name) throws IOException
    {
        final Process p = ChildJvm.whisk(args, dir.resolve(name + ".log").toFile());
        processes.add(p);
        return p;
    }
}
