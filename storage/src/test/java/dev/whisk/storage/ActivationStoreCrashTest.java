package dev.whisk.storage;

import dev.whisk.core.activation.Activation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kill -9 for real: a child JVM ({@link CrashWriter}) appends under load and reports each durable record; the test
 * SIGKILLs it at a random point, reopens the store and reads back every record reported durable, five times over the
 * same directory (so each round also recovers the torn tail the last one left).
 */
@Timeout(180)
class ActivationStoreCrashTest
{
    private static final int ROUNDS = 5;
    private static final long ROUND_BASE = 10_000_000L;

    @TempDir
    Path dir;

    @Test
    void everyRecordReportedDurableBeforeASigkillIsReadBackIntact() throws Exception
    {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final List<Long> allDurable = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++)
        {
            final int killAfter = 200 + random.nextInt(3000);
            final List<Long> durable = runAndKill(round * ROUND_BASE, killAfter);
            assertThat(durable).as("seed %d round %d", seed, round).hasSizeGreaterThanOrEqualTo(killAfter);
            allDurable.addAll(durable);

            try (FileActivationStore store = new FileActivationStore(CrashWriter.config(dir)))
            {
                final List<Long> lostOrDamaged = new ArrayList<>();
                for (final long counter : allDurable)
                {
                    final Activation expected = CrashWriter.record(counter);
                    if (!isIntact(store.get(expected.namespace(), expected.activationId()), expected))
                    {
                        lostOrDamaged.add(counter);
                    }
                }
                assertThat(lostOrDamaged).as("seed %d round %d", seed, round).isEmpty();
                assertThat(store.unreadableRecords()).isZero();
                assertThat(store.recoveredRecords()).isGreaterThanOrEqualTo(allDurable.size());
            }
        }
    }

    private List<Long> runAndKill(final long base, final int killAfter) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith("--add-") || argument.startsWith("-Dchronicle") || argument.startsWith("-Xmx"))
            {
                command.add(argument);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CrashWriter.class.getName());
        command.add(dir.toString());
        command.add(Long.toString(base));
        final Process child = new ProcessBuilder(command)
            .redirectError(dir.resolve("child-" + base + ".err").toFile())
            .start();
        final ConcurrentLinkedQueue<Long> durable = new ConcurrentLinkedQueue<>();
        final Thread reader = new Thread(() -> readDurable(child, durable), "crash-reader");
        reader.start();
        try
        {
            await().atMost(60, TimeUnit.SECONDS).until(() -> durable.size() >= killAfter || !child.isAlive());
            assertThat(child.isAlive()).as("child still writing").isTrue();
        }
        finally
        {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
            reader.join(TimeUnit.SECONDS.toMillis(30));
        }
        return new ArrayList<>(durable);
    }

    /** Takes only complete {@code <counter>;} lines: a line cut by the kill is not a report. */
    private static void readDurable(final Process child, final ConcurrentLinkedQueue<Long> durable)
    {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII)))
        {
            String line;
            while ((line = in.readLine()) != null)
            {
                if (line.endsWith(";") && line.length() > 1 && line.chars().limit(line.length() - 1)
                    .allMatch(Character::isDigit))
                {
                    durable.add(Long.parseLong(line, 0, line.length() - 1, 10));
                }
            }
        }
        catch (final IOException ex)
        {
            // The pipe breaks when the child dies; everything read before is complete.
        }
    }

    private static boolean isIntact(final Activation actual, final Activation expected)
    {
        return actual != null && actual.activationId().equals(expected.activationId()) &&
            actual.namespace().equals(expected.namespace()) && actual.path().equals(expected.path()) &&
            actual.subject().equals(expected.subject()) && actual.startMs() == expected.startMs() &&
            actual.endMs() == expected.endMs() && actual.status() == expected.status() &&
            Arrays.equals(actual.result(), expected.result()) && actual.logs().equals(expected.logs()) &&
            actual.limits().equals(expected.limits()) && actual.waitTimeMs() == expected.waitTimeMs() &&
            actual.initTimeMs() == expected.initTimeMs();
    }
}
