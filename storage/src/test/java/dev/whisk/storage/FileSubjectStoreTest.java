package dev.whisk.storage;

import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.NamespaceLimits;
import dev.whisk.storage.log.LogWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class FileSubjectStoreTest
{
    private static final String UUID = "23bc46b1-71f6-4ed5-8c54-816aa4f8c502";
    private static final String KEY = "123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP";

    @TempDir
    Path dir;

    private FileSubjectStore store;

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
    void authenticatesTheRightKeyAsTheNamespacesIdentity()
    {
        create("guest-subject", "guest", UUID, KEY);

        final Identity identity = store.authenticate(UUID, KEY);

        assertThat(identity).isNotNull();
        assertThat(identity.subject()).isEqualTo("guest-subject");
        assertThat(identity.namespace()).isEqualTo("guest");
        assertThat(identity.uuid()).isEqualTo(UUID);
        assertThat(identity.apiKey()).isEqualTo(UUID + ":" + KEY);
        assertThat(identity.limits()).isEqualTo(NamespaceLimits.DEFAULT);
        assertThat(store.authenticate(UUID, KEY)).as("cached on the second check").isEqualTo(identity);
    }

    @Test
    void refusesAWrongKeyBeforeAndAfterTheRightOneWasCached()
    {
        create("guest-subject", "guest", UUID, KEY);

        assertThat(store.authenticate(UUID, KEY + "x")).isNull();
        assertThat(store.authenticate(UUID, KEY)).isNotNull();
        assertThat(store.authenticate(UUID, KEY + "x")).isNull();
        assertThat(store.authenticate(UUID, "")).isNull();
        assertThat(store.authenticate(UUID, null)).isNull();
    }

    @Test
    void answersTheCheapQuestionsOnlyAfterTheSlowHashDecided()
    {
        create("guest-subject", "guest", UUID, KEY);
        final String unknown = "00000000-0000-0000-0000-000000000000";

        assertThat(store.verified(UUID, KEY)).as("not hashed yet").isNull();
        assertThat(store.isKnownWrong(UUID, KEY + "x")).isFalse();
        assertThat(store.isKnownWrong(unknown, KEY)).isFalse();

        assertThat(store.authenticate(UUID, KEY + "x")).isNull();
        assertThat(store.authenticate(unknown, KEY)).isNull();
        assertThat(store.authenticate(UUID, KEY)).isNotNull();

        assertThat(store.verified(UUID, KEY)).isNotNull();
        assertThat(store.verified(UUID, KEY + "x")).isNull();
        assertThat(store.isKnownWrong(UUID, KEY + "x")).isTrue();
        assertThat(store.isKnownWrong(unknown, KEY)).as("an unknown uuid's failure is remembered alike").isTrue();
        assertThat(store.isKnownWrong(UUID, KEY)).isFalse();
    }

    @Test
    void aFailureOfAUuidThatIsCreatedLaterDoesNotCount()
    {
        final String later = "11111111-1111-1111-1111-111111111111";
        assertThat(store.authenticate(later, KEY)).isNull();
        assertThat(store.isKnownWrong(later, KEY)).isTrue();

        create("later-subject", "later", later, KEY);

        assertThat(store.isKnownWrong(later, KEY)).as("the uuid has a subject now").isFalse();
        assertThat(store.authenticate(later, KEY)).isNotNull();
    }

    @Test
    void refusesAnUnknownUuid()
    {
        create("guest-subject", "guest", UUID, KEY);

        assertThat(store.authenticate("00000000-0000-0000-0000-000000000000", KEY)).isNull();
        assertThat(store.authenticate(null, KEY)).isNull();
    }

    @Test
    void conflictsOnAnExistingNamespaceOrUuid()
    {
        create("guest-subject", "guest", UUID, KEY);

        assertThat(store.create("other", "guest", "another-uuid", "k", NamespaceLimits.DEFAULT).join())
            .isEqualTo(WriteResult.CONFLICT);
        assertThat(store.create("other", "other-ns", UUID, "k", NamespaceLimits.DEFAULT).join())
            .isEqualTo(WriteResult.CONFLICT);
        assertThat(store.namespaces()).containsExactly("guest");
        assertThat(store.authenticate("another-uuid", "k")).isNull();
    }

    @Test
    void subjectsSurviveReopen()
    {
        create("guest-subject", "guest", UUID, KEY);
        create("whisk.system", "whisk.system", "789c46b1-71f6-4ed5-8c54-816aa4f8c502", "system-key");

        store.close();
        store = newStore();

        assertThat(store.namespaces()).containsExactly("guest", "whisk.system");
        assertThat(store.hasNamespace("guest")).isTrue();
        assertThat(store.hasNamespace("nobody")).isFalse();
        assertThat(store.authenticate(UUID, KEY).namespace()).isEqualTo("guest");
        assertThat(store.authenticate("789c46b1-71f6-4ed5-8c54-816aa4f8c502", "system-key").namespace())
            .isEqualTo("whisk.system");
        assertThat(store.findByNamespace("guest").uuid()).isEqualTo(UUID);
        assertThat(store.findByNamespace("guest").apiKey()).isNull();
    }

    @Test
    void neverWritesTheKeyInClearText() throws IOException
    {
        create("guest-subject", "guest", UUID, KEY);
        store.close();

        final String file = Files.readString(dir.resolve(FileSubjectStore.FILE_NAME), StandardCharsets.ISO_8859_1);

        assertThat(file).contains(UUID).doesNotContain(KEY).doesNotContain(KEY.substring(0, 16));
    }

    private void create(final String subject, final String namespace, final String uuid, final String key)
    {
        assertThat(store.create(subject, namespace, uuid, key, NamespaceLimits.DEFAULT).join())
            .isEqualTo(WriteResult.OK);
    }

    private FileSubjectStore newStore()
    {
        return new FileSubjectStore(new SubjectStoreConfig(dir, 1_000, 16, LogWriter::defaultIdleStrategy));
    }
}
