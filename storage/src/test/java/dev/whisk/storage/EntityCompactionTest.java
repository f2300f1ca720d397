package dev.whisk.storage;

import dev.whisk.core.entity.WhiskAction;
import dev.whisk.core.entity.WhiskEntity;
import dev.whisk.storage.log.LogWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static dev.whisk.storage.Fixtures.action;
import static dev.whisk.storage.Fixtures.updated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class EntityCompactionTest
{
    private static final int UPDATES = 300;

    @TempDir
    Path dir;

    private FileEntityStore store;

    @AfterEach
    void close()
    {
        store.close();
    }

    @Test
    void staleRevisionsAndTombstonesAreCompactedAwayWhileReadersAndWritersGoOn() throws Exception
    {
        store = newStore();
        final WhiskAction keep = action("guest", "keep", 1);
        final WhiskAction gone = action("guest", "gone", 1);
        assertThat(store.put(keep, null).join()).isEqualTo(WriteResult.OK);
        final long recordBytes = Files.size(dir.resolve(FileEntityStore.FILE_NAME));
        assertThat(store.put(gone, null).join()).isEqualTo(WriteResult.OK);
        assertThat(store.delete(gone.docId(), gone).join()).isEqualTo(WriteResult.OK);

        final AtomicBoolean reading = new AtomicBoolean(true);
        final AtomicLong missedReads = new AtomicLong();
        final Thread reader = new Thread(() ->
        {
            while (reading.get())
            {
                if (store.get("guest/hot") == null)
                {
                    missedReads.incrementAndGet();
                }
            }
        }, "test-reader");
        WhiskAction hot = action("guest", "hot", 1);
        assertThat(store.put(hot, null).join()).isEqualTo(WriteResult.OK);
        reader.start();
        for (int i = 0; i < UPDATES; i++)
        {
            final WhiskAction next = updated(hot, 2 + i);
            assertThat(store.put(next, hot).join()).isEqualTo(WriteResult.OK);
            hot = next;
        }
        await().until(() -> store.compactions() >= 1);
        reading.set(false);
        reader.join();

        assertThat(missedReads.get()).isZero();
        assertThat(Files.size(dir.resolve(FileEntityStore.FILE_NAME))).isLessThan(recordBytes * (UPDATES / 2));
        assertThat(store.get("guest/hot")).isEqualTo(hot);
        assertThat(Files.exists(dir.resolve(FileEntityStore.FILE_NAME + FileEntityStore.COMPACTING_SUFFIX)))
            .isFalse();

        final WhiskAction after = updated(hot, 10_000);
        assertThat(store.put(after, hot).join()).isEqualTo(WriteResult.OK);
        store.close();
        store = newStore();

        assertThat(store.get("guest/hot")).isEqualTo(after);
        assertThat(store.get("guest/keep")).isEqualTo(keep);
        assertThat(store.get("guest/gone")).isNull();
        assertThat(store.corruptRegions()).isZero();
        assertThat(store.unreadableRecords()).isZero();
    }

    @Test
    void aCompactionLeftHalfDoneByACrashIsDiscardedOnOpen() throws IOException
    {
        store = newStore();
        final WhiskEntity hello = action("guest", "hello", 1);
        assertThat(store.put(hello, null).join()).isEqualTo(WriteResult.OK);
        store.close();
        final Path leftover = dir.resolve(FileEntityStore.FILE_NAME + FileEntityStore.COMPACTING_SUFFIX);
        Files.write(leftover, new byte[] {1, 2, 3});

        store = newStore();

        assertThat(Files.exists(leftover)).isFalse();
        assertThat(store.get("guest/hello")).isEqualTo(hello);
    }

    private FileEntityStore newStore()
    {
        return new FileEntityStore(new EntityStoreConfig(dir, 1024, LogWriter::defaultIdleStrategy, 8 * 1024, 50));
    }
}
