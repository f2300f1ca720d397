package dev.whisk.storage;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ActivationIdIndexTest
{
    @Test
    void findsEveryIdAmongManyAndNoOther()
    {
        final ActivationIdIndex index = new ActivationIdIndex();
        final Random random = new Random(5);
        final long[] his = new long[200_000];
        final long[] los = new long[his.length];
        for (int i = 0; i < his.length; i++)
        {
            his[i] = random.nextLong();
            los[i] = random.nextLong();
            index.put(his[i], los[i], i * 100L);
        }

        for (int i = 0; i < his.length; i++)
        {
            assertThat(index.get(his[i], los[i])).isEqualTo(i * 100L);
        }
        assertThat(index.get(1, 2)).isEqualTo(-1);
        assertThat(index.capacity()).isLessThanOrEqualTo(1 << 20);
    }

    @Test
    void aLaterPutOfTheSameIdWinsAndIdsBelowTheFloorAreGone()
    {
        final ActivationIdIndex index = new ActivationIdIndex();
        index.put(7, 8, 10);
        index.put(7, 8, 20);
        index.put(9, 9, 5);

        assertThat(index.get(7, 8)).isEqualTo(20);
        index.purge(6);
        assertThat(index.get(9, 9)).isEqualTo(-1);
        assertThat(index.get(7, 8)).isEqualTo(20);
    }

    @Test
    void aRebuildAfterAPurgeKeepsOnlyLiveIdsAndShrinks()
    {
        final ActivationIdIndex index = new ActivationIdIndex();
        for (int i = 0; i < 100_000; i++)
        {
            index.put(i, -i, i);
        }
        final int grown = index.capacity();
        index.purge(99_990);
        for (int i = 100_000; i < 200_000; i++)
        {
            index.put(i, -i, i);
        }

        assertThat(index.get(5, -5)).isEqualTo(-1);
        assertThat(index.get(99_995, -99_995)).isEqualTo(99_995);
        assertThat(index.get(199_999, -199_999)).isEqualTo(199_999);
        assertThat(index.capacity()).isLessThanOrEqualTo(grown * 2);
    }
}
