package dev.whisk.storage;

import dev.whisk.core.entity.NamespaceLimits;
import dev.whisk.storage.log.LogWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Changing a namespace's limits and deleting a namespace, durable across a reopen. */
@Timeout(30)
class SubjectAdministrationTest
{
    private static final String UUID = "23bc46b1-71f6-4ed5-8c54-816aa4f8c502";
    private static final String KEY = "k".repeat(64);
    private static final NamespaceLimits TIGHT = new NamespaceLimits(5, 2, 1);

    @TempDir
    Path dir;

    private FileSubjectStore store;

    @BeforeEach
    void open()
    {
        store = newStore();
        assertThat(store.create("alice", "alice", UUID, KEY, NamespaceLimits.DEFAULT).join())
            .isEqualTo(WriteResult.OK);
    }

    @AfterEach
    void close()
    {
        store.close();
    }

    @Test
    void newLimitsApplyAtTheNextAuthenticationAndSurviveAReopenWithTheSameKey()
    {
        assertThat(store.authenticate(UUID, KEY).limits()).isEqualTo(NamespaceLimits.DEFAULT);
        assertThat(store.setLimits("alice", TIGHT).join()).isEqualTo(WriteResult.OK);
        assertThat(store.authenticate(UUID, KEY).limits()).isEqualTo(TIGHT);
        assertThat(store.findByNamespace("alice").limits()).isEqualTo(TIGHT);

        store.close();
        store = newStore();
        assertThat(store.authenticate(UUID, KEY).limits()).isEqualTo(TIGHT);
        assertThat(store.authenticate(UUID, "x".repeat(64))).isNull();
    }

    @Test
    void aDeletedNamespaceNoLongerAuthenticatesAndCanBeCreatedAgain()
    {
        assertThat(store.authenticate(UUID, KEY)).isNotNull();
        assertThat(store.delete("alice").join()).isEqualTo(WriteResult.OK);
        assertThat(store.authenticate(UUID, KEY)).isNull();
        assertThat(store.hasNamespace("alice")).isFalse();

        store.close();
        store = newStore();
        assertThat(store.hasNamespace("alice")).isFalse();
        assertThat(store.authenticate(UUID, KEY)).isNull();
        assertThat(store.create("alice", "alice", UUID, KEY, NamespaceLimits.DEFAULT).join())
            .isEqualTo(WriteResult.OK);
        assertThat(store.authenticate(UUID, KEY)).isNotNull();
    }

    @Test
    void changesToAMissingNamespaceAreNotFoundAndWriteNothing()
    {
        assertThat(store.setLimits("nobody", TIGHT).join()).isEqualTo(WriteResult.NOT_FOUND);
        assertThat(store.delete("nobody").join()).isEqualTo(WriteResult.NOT_FOUND);
        assertThat(store.namespaces()).containsExactly("alice");
    }

    private FileSubjectStore newStore()
    {
        return new FileSubjectStore(new SubjectStoreConfig(dir, 1_000, 16, LogWriter::defaultIdleStrategy));
    }
}
