package dev.whisk.storage;

import dev.whisk.core.entity.WhiskAction;
import dev.whisk.core.entity.WhiskEntity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.whisk.storage.Fixtures.action;
import static dev.whisk.storage.Fixtures.updated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class FileEntityStoreTest
{
    @TempDir
    Path dir;

    private FileEntityStore store;

    @BeforeEach
    void open()
    {
        store = FileEntityStore.open(dir);
    }

    @AfterEach
    void close()
    {
        store.close();
    }

    @Test
    void getsAnEntityOnceItsCreateCompletes()
    {
        final WhiskAction hello = action("guest", "hello", 1000);

        assertThat(put(hello, null)).isEqualTo(WriteResult.OK);

        assertThat(store.get("guest/hello")).isEqualTo(hello);
        assertThat(store.get("guest/other")).isNull();
    }

    @Test
    void createOverAnExistingIdConflictsAndLeavesTheStoredEntityAlone()
    {
        final WhiskAction original = action("guest", "hello", 1000);
        put(original, null);

        assertThat(put(action("guest", "hello", 2000), null)).isEqualTo(WriteResult.CONFLICT);

        assertThat(store.get("guest/hello")).isEqualTo(original);
    }

    @Test
    void updateWithTheCurrentRevisionSucceedsAndWithAStaleOneConflicts()
    {
        final WhiskAction v1 = action("guest", "hello", 1000);
        put(v1, null);
        final WhiskAction v2 = updated(v1, 2000);

        assertThat(put(v2, store.get("guest/hello"))).isEqualTo(WriteResult.OK);
        assertThat(put(updated(v1, 3000), v1)).isEqualTo(WriteResult.CONFLICT);

        assertThat(store.get("guest/hello")).isEqualTo(v2);
        assertThat(store.get("guest/hello").version()).isEqualTo("0.0.2");
    }

    @Test
    void updateOfAnIdThatDoesNotExistConflicts()
    {
        final WhiskAction ghost = action("guest", "ghost", 1000);

        assertThat(put(updated(ghost, 2000), ghost)).isEqualTo(WriteResult.CONFLICT);
        assertThat(store.get("guest/ghost")).isNull();
    }

    @Test
    void deleteLeavesADurableTombstone()
    {
        final WhiskAction hello = action("guest", "hello", 1000);
        put(hello, null);

        assertThat(store.delete("guest/hello", hello).join()).isEqualTo(WriteResult.OK);
        assertThat(store.get("guest/hello")).isNull();
        assertThat(store.delete("guest/hello", null).join()).isEqualTo(WriteResult.NOT_FOUND);

        reopen();
        assertThat(store.get("guest/hello")).isNull();
        assertThat(store.count("guest", "actions")).isZero();
    }

    @Test
    void deleteWithAStaleRevisionConflictsAndKeepsTheEntity()
    {
        final WhiskAction v1 = action("guest", "hello", 1000);
        put(v1, null);
        put(updated(v1, 2000), v1);

        assertThat(store.delete("guest/hello", v1).join()).isEqualTo(WriteResult.CONFLICT);
        assertThat(store.get("guest/hello")).isNotNull();
    }

    @Test
    void listsNewestUpdatedFirstIncludingPackageEntities()
    {
        put(action("guest", "a", 1000), null);
        put(action("guest/utils", "b", 3000), null);
        put(action("guest", "c", 2000), null);
        put(action("guest/utils", "d", 4000), null);
        put(action("guest2", "e", 5000), null);
        put(action("guestx/pkg", "f", 6000), null);

        assertThat(names(store.list("guest", "actions", 0, 30))).containsExactly("d", "b", "c", "a");
        assertThat(names(store.list("guest", "actions", 1, 2))).containsExactly("b", "c");
        assertThat(names(store.list("guest", "actions", 4, 2))).isEmpty();
        assertThat(names(store.list("guest/utils", "actions", 0, 30))).containsExactly("d", "b");
        assertThat(store.list("guest", "packages", 0, 30)).isEmpty();
        assertThat(store.count("guest", "actions")).isEqualTo(4);
        assertThat(store.count("guest2", "actions")).isEqualTo(1);
    }

    @Test
    void everythingSurvivesCloseAndReopen()
    {
        final WhiskAction a = action("guest", "a", 1000);
        final WhiskAction b = action("guest/pkg", "b", 2000);
        put(a, null);
        put(b, null);
        final WhiskAction a2 = updated(a, 3000);
        put(a2, a);

        reopen();

        assertThat(store.get("guest/a")).isEqualTo(a2);
        assertThat(store.get("guest/pkg/b")).isEqualTo(b);
        assertThat(names(store.list("guest", "actions", 0, 30))).containsExactly("a", "b");
        assertThat(put(updated(a2, 4000), store.get("guest/a"))).isEqualTo(WriteResult.OK);
    }

    @Test
    void recoversEveryCompleteWriteFromATornLog() throws IOException
    {
        put(action("guest", "a", 1000), null);
        put(action("guest", "b", 2000), null);
        store.close();
        final Path file = dir.resolve(FileEntityStore.FILE_NAME);
        final long validLength = Files.size(file);
        Files.write(file, new byte[] {42, 0, 0, 0, 1, 2, 3, '{', '"'}, StandardOpenOption.APPEND);

        store = FileEntityStore.open(dir);

        assertThat(names(store.list("guest", "actions", 0, 30))).containsExactly("b", "a");
        assertThat(Files.size(file)).isEqualTo(validLength);
        assertThat(put(action("guest", "c", 3000), null)).isEqualTo(WriteResult.OK);
        reopen();
        assertThat(store.count("guest", "actions")).isEqualTo(3);
    }

    @Test
    void exactlyOneOfManyConcurrentUpdatesFromTheSameRevisionWins() throws Exception
    {
        final WhiskAction v1 = action("guest", "hello", 1000);
        put(v1, null);
        final int writers = 8;
        final CountDownLatch start = new CountDownLatch(1);
        final ExecutorService pool = Executors.newFixedThreadPool(writers);
        try
        {
            final List<Future<WriteResult>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++)
            {
                final WhiskAction next = updated(v1, 2000 + i);
                results.add(pool.submit(() ->
                {
                    start.await();
                    return store.put(next, v1).get(10, TimeUnit.SECONDS);
                }));
            }
            start.countDown();

            final List<WriteResult> outcomes = new ArrayList<>();
            for (final Future<WriteResult> result : results)
            {
                outcomes.add(result.get());
            }
            assertThat(outcomes).containsOnlyOnce(WriteResult.OK);
            assertThat(outcomes).filteredOn(r -> r == WriteResult.CONFLICT).hasSize(writers - 1);
            assertThat(store.get("guest/hello").updated()).isBetween(2000L, 2000L + writers - 1);
        }
        finally
        {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void writesAfterCloseFailWithoutChangingState()
    {
        store.close();

        final CompletableFuture<WriteResult> result = store.put(action("guest", "late", 1000), null);

        assertThat(result).isCompletedExceptionally();
        assertThatThrownBy(result::join).hasCauseInstanceOf(IllegalStateException.class);
        reopen();
        assertThat(store.get("guest/late")).isNull();
    }

    private WriteResult put(final WhiskEntity entity, final WhiskEntity expected)
    {
        return store.put(entity, expected).join();
    }

    private void reopen()
    {
        store.close();
        store = FileEntityStore.open(dir);
    }

    private static List<String> names(final List<WhiskEntity> entities)
    {
        return entities.stream().map(WhiskEntity::name).toList();
    }
}
