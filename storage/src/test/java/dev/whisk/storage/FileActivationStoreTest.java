package dev.whisk.storage;

import dev.whisk.core.activation.Activation;
import dev.whisk.storage.log.AppendLog;
import dev.whisk.storage.log.LogWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static dev.whisk.storage.Fixtures.activation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class FileActivationStoreTest
{
    private static final String[] NAMESPACES = {"guest", "alice", "bob"};
    private static final String[] PATHS = {"%s/hello", "%s/demo/hello", "shared/demo/echo"};

    @TempDir
    Path dir;

    private FileActivationStore store;

    @BeforeEach
    void open()
    {
        store = newStore();
    }

    @AfterEach
    void close()
    {
        store.close();
    }

    @Test
    void getsARecordByIdOnceWrittenAndOnlyInItsNamespace()
    {
        final Activation a = activation("guest", "guest/hello", 1_000);

        assertThat(store.append(a)).isTrue();
        awaitVisible(a);

        assertThat(store.get("guest", a.activationId())).usingRecursiveComparison().isEqualTo(a);
        assertThat(store.get("alice", a.activationId())).isNull();
        assertThat(store.get("guest", "0123456789abcdef0123456789abcdef")).isNull();
    }

    @Test
    void listsNewestStartFirstWithSkipAndLimitAcrossManyRecords()
    {
        final List<Activation> all = appendMany(1000, 42);

        for (final String namespace : NAMESPACES)
        {
            final List<Activation> expected = newestFirst(all, namespace);

            assertThat(ids(store.list(ActivationQuery.newest(namespace, 30))))
                .containsExactlyElementsOf(ids(expected.subList(0, 30)));
            assertThat(ids(store.list(new ActivationQuery(namespace, null, 0, Long.MAX_VALUE, 25, 10))))
                .containsExactlyElementsOf(ids(expected.subList(25, 35)));
            assertThat(ids(store.list(new ActivationQuery(namespace, null, 0, Long.MAX_VALUE, 0, 5000))))
                .containsExactlyElementsOf(ids(expected));
            assertThat(store.list(new ActivationQuery(namespace, null, 0, Long.MAX_VALUE, 5000, 10))).isEmpty();
            assertThat(store.count(ActivationQuery.newest(namespace, 1))).isEqualTo(expected.size());
        }
        assertThat(store.list(ActivationQuery.newest("nobody", 30))).isEmpty();
        assertThat(store.count(ActivationQuery.newest("nobody", 30))).isZero();
    }

    @Test
    void filtersOnStartBetweenSinceAndUptoInclusive()
    {
        final List<Activation> all = appendMany(1000, 7);
        final long since = 100_000 + 200;
        final long upto = 100_000 + 600;

        final List<Activation> expected = newestFirst(all, "alice").stream()
            .filter(a -> a.startMs() >= since && a.startMs() <= upto)
            .toList();
        final ActivationQuery query = new ActivationQuery("alice", null, since, upto, 0, 200);

        assertThat(expected).isNotEmpty();
        assertThat(ids(store.list(query))).containsExactlyElementsOf(ids(expected.subList(0,
            Math.min(200, expected.size()))));
        assertThat(store.count(query)).isEqualTo(expected.size());
    }

    @Test
    void filtersOnNameBySimpleOrPackagedForm()
    {
        final List<Activation> all = appendMany(900, 11);

        final List<Activation> simple = newestFirst(all, "bob").stream()
            .filter(a -> a.path().equals("bob/hello")).toList();
        final List<Activation> packaged = newestFirst(all, "bob").stream()
            .filter(a -> a.path().equals("bob/demo/hello")).toList();
        final List<Activation> shared = newestFirst(all, "bob").stream()
            .filter(a -> a.path().equals("shared/demo/echo")).toList();

        assertThat(ids(store.list(query("bob", "hello")))).containsExactlyElementsOf(ids(simple));
        assertThat(ids(store.list(query("bob", "demo/hello")))).containsExactlyElementsOf(ids(packaged));
        assertThat(ids(store.list(query("bob", "demo/echo")))).containsExactlyElementsOf(ids(shared));
        assertThat(store.list(query("bob", "demo"))).isEmpty();
        assertThat(store.count(query("bob", "hello"))).isEqualTo(simple.size());
        assertThat(store.count(query("bob", "demo/hello"))).isEqualTo(packaged.size());
    }

    @Test
    void everythingSurvivesReopen()
    {
        final List<Activation> all = appendMany(1000, 3);

        store.close();
        store = newStore();

        for (final String namespace : NAMESPACES)
        {
            final List<Activation> expected = newestFirst(all, namespace);
            assertThat(ids(store.list(new ActivationQuery(namespace, null, 0, Long.MAX_VALUE, 0, 5000))))
                .containsExactlyElementsOf(ids(expected));
        }
        final Activation any = all.get(517);
        assertThat(store.get(any.namespace(), any.activationId())).usingRecursiveComparison().isEqualTo(any);

        final Activation after = activation("guest", "guest/hello", 500_000);
        assertThat(store.append(after)).isTrue();
        awaitVisible(after);
        store.close();
        store = newStore();
        assertThat(store.list(ActivationQuery.newest("guest", 1)).get(0).activationId())
            .isEqualTo(after.activationId());
    }

    @Test
    void closeWritesEverythingAppendedBeforeIt()
    {
        final List<Activation> all = new ArrayList<>();
        for (int i = 0; i < 200; i++)
        {
            final Activation a = activation("guest", "guest/hello", 1_000 + i);
            assertThat(store.append(a)).isTrue();
            all.add(a);
        }

        store.close();
        assertThat(store.append(activation("guest", "guest/hello", 5_000))).isFalse();
        store = newStore();

        assertThat(store.count(ActivationQuery.newest("guest", 1))).isEqualTo(200);
        assertThat(store.get("guest", all.get(199).activationId())).isNotNull();
    }

    @Test
    void skipsAndReportsACorruptRecordInTheMiddleOnReopen() throws IOException
    {
        final Activation first = activation("guest", "guest/hello", 1_000);
        final Activation second = activation("guest", "guest/hello", 2_000);
        final Activation third = activation("guest", "guest/hello", 3_000);
        store.append(first);
        store.append(second);
        store.append(third);
        store.close();

        final Path file = dir.resolve("activations").resolve(FileActivationStore.segmentFileName(0));
        final byte[] bytes = Files.readAllBytes(file);
        final int secondAt = AppendLog.HEADER_LENGTH + ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        bytes[secondAt + AppendLog.HEADER_LENGTH + 20] ^= 0x5A;
        Files.write(file, bytes);

        store = newStore();

        assertThat(store.corruptRegions()).isEqualTo(1);
        assertThat(store.get("guest", first.activationId())).isNotNull();
        assertThat(store.get("guest", second.activationId())).isNull();
        assertThat(store.get("guest", third.activationId())).isNotNull();
        assertThat(ids(store.list(ActivationQuery.newest("guest", 10))))
            .containsExactly(third.activationId(), first.activationId());
    }

    @Test
    void readersSeeOrderedPagesWhileTheWriterAppends() throws Exception
    {
        final int total = 5000;
        final Thread producer = new Thread(() ->
        {
            for (int i = 0; i < total; i++)
            {
                while (!store.append(activation("guest", "guest/hello", jitteredStartMs(i))))
                {
                    Thread.onSpinWait();
                }
            }
        }, "test-producer");
        producer.start();

        while (store.count(ActivationQuery.newest("guest", 1)) < total)
        {
            final List<Activation> page = store.list(ActivationQuery.newest("guest", 50));
            assertThat(page).hasSizeLessThanOrEqualTo(50);
            assertThat(page).extracting(Activation::startMs).isSortedAccordingTo(Comparator.reverseOrder());
        }
        producer.join();

        long newestStartMs = 0;
        for (int i = 0; i < total; i++)
        {
            newestStartMs = Math.max(newestStartMs, jitteredStartMs(i));
        }
        assertThat(store.list(ActivationQuery.newest("guest", 1)).get(0).startMs()).isEqualTo(newestStartMs);
    }

    private static long jitteredStartMs(final int i)
    {
        return 1_000 + i - (i % 7);
    }

    @Test
    void keepsItsSegmentUnderTheActivationsDirectory()
    {
        assertThat(Files.exists(dir.resolve("activations").resolve("00000000.log"))).isTrue();
    }

    /** Appends records with starts that arrive out of order by up to 50 ms, as completions do. */
    private List<Activation> appendMany(final int count, final long seed)
    {
        final Random random = new Random(seed);
        final List<Activation> all = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final String namespace = NAMESPACES[random.nextInt(NAMESPACES.length)];
            final String path = String.format(PATHS[random.nextInt(PATHS.length)], namespace);
            final long startMs = 100_000 + i - random.nextInt(50);
            final Activation a = activation(namespace, path, startMs);
            assertThat(store.append(a)).isTrue();
            all.add(a);
        }
        awaitVisible(all.get(count - 1));
        return all;
    }

    private void awaitVisible(final Activation a)
    {
        await().until(() -> store.get(a.namespace(), a.activationId()) != null);
    }

    private FileActivationStore newStore()
    {
        return new FileActivationStore(new ActivationStoreConfig(dir, 10, 4096, LogWriter::defaultIdleStrategy));
    }

    /** The expected order: start descending, and among equal starts the later append first. */
    private static List<Activation> newestFirst(final List<Activation> all, final String namespace)
    {
        final List<Activation> inNamespace = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--)
        {
            if (all.get(i).namespace().equals(namespace))
            {
                inNamespace.add(all.get(i));
            }
        }
        inNamespace.sort(Comparator.comparingLong(Activation::startMs).reversed());
        return inNamespace;
    }

    private static ActivationQuery query(final String namespace, final String name)
    {
        return new ActivationQuery(namespace, name, 0, Long.MAX_VALUE, 0, 1000);
    }

    private static List<String> ids(final List<Activation> activations)
    {
        return activations.stream().map(Activation::activationId).toList();
    }
}
