package dev.whisk.scheduler;

import dev.whisk.core.activation.ActivationId;
import dev.whisk.core.wire.ActivationRef;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.core.wire.MessageHeader;
import dev.whisk.storage.FileActivationStore;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recovery streams the journal in bounded memory: a journal of about 200 MB, almost all of it requests with big
 * params that have their records, is recovered by a child JVM with a 128 MB heap, which finds exactly the pending
 * requests (the undispatched ones to dispatch again, the dispatched ones to record as unfinished).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RecoveryMemoryTest
{
    private static final int REQUESTS = 1_600;
    private static final int PARAM_BYTES = 128 * 1024;
    private static final long HI = 0x77L;

    @TempDir
    Path dir;

    @Test
    void aLongJournalOfFinishedRequestsRecoversInASmallHeap() throws Exception
    {
        final TreeSet<String> toDispatch = new TreeSet<>();
        final TreeSet<String> unfinished = new TreeSet<>();
        final byte[] params = new byte[PARAM_BYTES];
        Arrays.fill(params, (byte)'x');
        params[0] = '"';
        params[params.length - 1] = '"';
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(PARAM_BYTES + 1024);
        try (FileActivationStore store = FileActivationStore.open(dir);
            ChronicleJournal journal = new ChronicleJournal(dir.resolve("journal")))
        {
            for (long lo = 1; lo <= REQUESTS; lo++)
            {
                final InvokeRequest r = JournalRetentionTest.request(lo);
                r.idHi = HI;
                r.params = params;
                journal.append(buffer, 0, r.encode(buffer, 0));
                final boolean pending = lo % 200 == 7 || lo % 200 == 8;
                final boolean dispatched = !pending || lo % 200 == 8;
                if (dispatched)
                {
                    journal.append(buffer, 0, ActivationRef.encode(buffer, 0, MessageHeader.DISPATCHED, HI, lo, 0));
                }
                final String id = ActivationId.toString(HI, lo);
                if (!pending)
                {
                    while (!store.append(WhiskErrors.of(id, r, "done", 1, 2, 0)))
                    {
                        Thread.onSpinWait();
                    }
                }
                else if (dispatched)
                {
                    unfinished.add(id);
                }
                else
                {
                    toDispatch.add(id);
                }
            }
        }
        final long journalBytes;
        try (var files = Files.walk(dir.resolve("journal")))
        {
            journalBytes = files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".cq4"))
                .mapToLong(f -> f.toFile().length()).sum();
        }
        assertThat(journalBytes).as("a journal of about 200 MB").isGreaterThan(200L * 1024 * 1024);

        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx128m");
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle"))
            {
                cmd.add(arg);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(RecoveryProbe.class.getName());
        cmd.add(dir.toString());
        final Path log = dir.resolve("probe.log");
        final long startNs = System.nanoTime();
        final Process probe = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(probe.waitFor(3, TimeUnit.MINUTES)).as("recovery finished").isTrue();
        final String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(probe.exitValue()).as("recovery in a 128 MB heap:\n%s", out).isZero();
        System.out.printf("recovery of a %d MB journal (%d requests) in a child JVM with -Xmx128m: %d ms%n",
            journalBytes / (1024 * 1024), REQUESTS, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
        long maxHeapMb = -1;
        final TreeSet<String> dispatchSeen = new TreeSet<>();
        final TreeSet<String> unfinishedSeen = new TreeSet<>();
        for (final String line : out.split("\n"))
        {
            if (line.startsWith("dispatch "))
            {
                dispatchSeen.add(line.substring(9).trim());
            }
            else if (line.startsWith("unfinished "))
            {
                unfinishedSeen.add(line.substring(11).trim());
            }
            else if (line.startsWith("maxHeapMb "))
            {
                maxHeapMb = Long.parseLong(line.substring(10).trim());
            }
        }
        assertThat(maxHeapMb).as("the child's heap").isBetween(1L, 128L);
        assertThat(dispatchSeen).as("pending requests never dispatched").isEqualTo(toDispatch).hasSize(8);
        assertThat(unfinishedSeen).as("pending requests dispatched before the stop").isEqualTo(unfinished)
            .hasSize(8);
    }
}
