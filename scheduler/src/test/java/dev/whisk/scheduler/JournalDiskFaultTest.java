package dev.whisk.scheduler;

import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.testkit.Tmpfs;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The journal on a file system that runs out of space (a small tmpfs, real SIGBUS on the mapped file): an append
 * that cannot be backed fails with {@link JournalUnavailableException}, not an {@link InternalError}; what was
 * appended before is intact and nothing half-written is read back; once space is freed, appends work again.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class JournalDiskFaultTest
{
    @RegisterExtension
    final Tmpfs tmpfs = new Tmpfs(16);
    private Path mount;

    @Test
    void aJournalWriteOnAFullDiskFailsCleanlyAndWorksAgainWhenSpaceReturns() throws Exception
    {
        mount = tmpfs.path();
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64 * 1024);
        final byte[] params = new byte[20 * 1024];
        Arrays.fill(params, (byte)'x');
        final List<Long> appended = new ArrayList<>();
        final Path filler = mount.resolve("filler");
        try (ChronicleJournal journal = new ChronicleJournal(mount.resolve("journal")))
        {
            append(journal, buffer, params, 0);
            appended.add(0L);
            Tmpfs.fill(filler, Files.getFileStore(mount).getUsableSpace() - 2 * 1024 * 1024);
            JournalUnavailableException failure = null;
            for (long lo = 1; lo < 2_000 && failure == null; lo++)
            {
                try
                {
                    append(journal, buffer, params, lo);
                    appended.add(lo);
                }
                catch (final JournalUnavailableException ex)
                {
                    failure = ex;
                }
            }
            assertThat(failure).as("the full disk was met").isNotNull();
            assertThat(failure).hasMessageContaining("could not write").hasCauseInstanceOf(InternalError.class);
            System.out.printf("journal on a full tmpfs: %d appends of 20 KB, then: %s%n", appended.size(),
                failure.getMessage());
            Files.delete(filler);
            for (long lo = 5_000; lo < 5_010; lo++)
            {
                append(journal, buffer, params, lo);
                appended.add(lo);
            }
            final List<Long> read = new ArrayList<>();
            journal.replay(m -> read.add(new InvokeRequest().decode(m, 0, m.capacity()).idLo));
            assertThat(read).as("every message appended, none half-written").isEqualTo(appended);
        }
    }

    private static void append(final ChronicleJournal journal, final ExpandableArrayBuffer buffer,
        final byte[] params, final long lo)
    {
        final InvokeRequest r = JournalRetentionTest.request(lo);
        r.params = params;
        journal.append(buffer, 0, r.encode(buffer, 0));
    }
}
