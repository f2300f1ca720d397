package dev.whisk.storage;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class NamespaceActivationsTest
{
    private static final String[] PATHS = {"ns/a", "ns/pkg/a", "other/pkg/b", "ns/b"};

    @Test
    void selectsExactlyWhatASortOfEveryEntryWouldAcrossManyChunks()
    {
        final Random random = new Random(1234);
        final NamespaceActivations index = new NamespaceActivations();
        final List<Entry> entries = new ArrayList<>();
        final int total = NamespaceActivations.CHUNK_LENGTH * 5 + 17;
        for (int i = 0; i < total; i++)
        {
            // Mostly increasing, with jitter and an occasional record that started long ago.
            final long startMs = random.nextInt(20) == 0 ? random.nextInt(total) : 10 * i - random.nextInt(300);
            final String path = PATHS[random.nextInt(PATHS.length)];
            index.add(startMs, path, 1000L + i);
            entries.add(new Entry(startMs, path, 1000L + i, i));
        }

        for (int q = 0; q < 300; q++)
        {
            final long since = random.nextBoolean() ? 0 : random.nextInt(10 * total);
            final long upto = random.nextBoolean() ? Long.MAX_VALUE : since + random.nextInt(10 * total);
            final String name = switch (random.nextInt(4))
            {
                case 0 -> "a";
                case 1 -> "pkg/a";
                case 2 -> "pkg/b";
                default -> null;
            };
            final int skip = random.nextInt(3) == 0 ? random.nextInt(200) : 0;
            final int limit = random.nextInt(250);
            final ActivationQuery query = new ActivationQuery("ns", name, since, upto, skip, limit);

            final List<Long> expected = expected(entries, query);

            assertThat(index.select(query, 0)).as("%s", query).containsExactly(toArray(expected, skip, limit));
            assertThat(index.count(query, 0)).as("%s", query).isEqualTo(expected.size());
        }
    }

    @Test
    void breaksTiesOnStartByLaterAppendFirst()
    {
        final NamespaceActivations index = new NamespaceActivations();
        index.add(5, "ns/a", 1);
        index.add(7, "ns/a", 2);
        index.add(5, "ns/a", 3);

        assertThat(index.select(ActivationQuery.newest("ns", 10), 0)).containsExactly(2, 3, 1);
        assertThat(index.select(ActivationQuery.newest("ns", 0), 0)).isEmpty();
    }

    @Test
    void matchesNameAgainstThePathWithoutItsFirstSegment()
    {
        assertThat(NamespaceActivations.isNamed("guest/demo/hello", "demo/hello")).isTrue();
        assertThat(NamespaceActivations.isNamed("guest/hello", "hello")).isTrue();
        assertThat(NamespaceActivations.isNamed("guest/demo/hello", "hello")).isFalse();
        assertThat(NamespaceActivations.isNamed("guest/hello", "guest/hello")).isFalse();
        assertThat(NamespaceActivations.isNamed("hello", "hello")).isFalse();
        assertThat(NamespaceActivations.isNamed(null, "hello")).isFalse();
    }

    @Test
    void anEmptyIndexSelectsAndCountsNothing()
    {
        final NamespaceActivations index = new NamespaceActivations();

        assertThat(index.select(ActivationQuery.newest("ns", 30), 0)).isEmpty();
        assertThat(index.count(ActivationQuery.newest("ns", 30), 0)).isZero();
    }

    private static List<Long> expected(final List<Entry> entries, final ActivationQuery query)
    {
        return entries.stream()
            .filter(e -> e.startMs >= query.sinceMs() && e.startMs <= query.uptoMs())
            .filter(e -> query.name() == null || NamespaceActivations.isNamed(e.path, query.name()))
            .sorted(Comparator.comparingLong(Entry::startMs).thenComparingInt(Entry::sequence).reversed())
            .map(Entry::position)
            .toList();
    }

    private static long[] toArray(final List<Long> all, final int skip, final int limit)
    {
        final int from = Math.min(skip, all.size());
        final int to = (int)Math.min(all.size(), (long)skip + limit);
        final long[] out = new long[to - from];
        for (int i = from; i < to; i++)
        {
            out[i - from] = all.get(i);
        }
        return out;
    }

    private record Entry(long startMs, String path, long position, int sequence)
    {
    }
}
