package dev.whisk.pool.docker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ContainerLogReaderTest
{
    private static final String A = "a".repeat(32);
    private static final String B = "b".repeat(32);

    @TempDir
    Path dir;

    private static String line(final String stream, final String text)
    {
        return "{\"log\":\"" + text + "\\n\",\"stream\":\"" + stream + "\",\"time\":\"2026-01-01T00:00:00.1Z\"}\n";
    }

    @Test
    void interleavedTaggedLinesOfOverlappingRunsAreFiledUnderTheirOwnActivation() throws Exception
    {
        final Path file = dir.resolve("c-json.log");
        Files.writeString(file,
            line("stdout", A + " start a") +
            line("stdout", B + " start b") +
            line("stderr", B + " end b") +
            line("stdout", B + " " + ContainerLogReader.SENTINEL) +
            line("stderr", B + " " + ContainerLogReader.SENTINEL) +
            line("stderr", A + " end a") +
            line("stdout", A + " " + ContainerLogReader.SENTINEL) +
            line("stderr", A + " " + ContainerLogReader.SENTINEL), StandardCharsets.UTF_8);
        final ContainerLogReader reader = new ContainerLogReader(file, 0);

        final CollectedLogs b = reader.collect(B, 1 << 20, TimeUnit.SECONDS.toNanos(1), true);
        final CollectedLogs a = reader.collect(A, 1 << 20, TimeUnit.SECONDS.toNanos(1), true);

        assertThat(b.complete()).isTrue();
        assertThat(b.lines()).containsExactly(
            "2026-01-01T00:00:00.1Z         stdout: start b",
            "2026-01-01T00:00:00.1Z         stderr: end b");
        assertThat(a.complete()).isTrue();
        assertThat(a.lines()).containsExactly(
            "2026-01-01T00:00:00.1Z         stdout: start a",
            "2026-01-01T00:00:00.1Z         stderr: end a");
        assertThat(a.nextOffset()).isEqualTo(Files.size(file));
    }

    @Test
    void untaggedLinesGoToTheActivationBeingCollectedAsInOpenWhisk() throws Exception
    {
        final Path file = dir.resolve("c-json.log");
        Files.writeString(file,
            line("stdout", "plain write") +
            line("stdout", A + " tagged") +
            line("stdout", ContainerLogReader.SENTINEL) +
            line("stderr", ContainerLogReader.SENTINEL), StandardCharsets.UTF_8);

        final CollectedLogs a = new ContainerLogReader(file, 0).collect(A, 1 << 20, TimeUnit.SECONDS.toNanos(1),
            true);

        assertThat(a.lines()).containsExactly(
            "2026-01-01T00:00:00.1Z         stdout: plain write",
            "2026-01-01T00:00:00.1Z         stdout: tagged");
    }

    @Test
    void sentinelsAreRecognisedInTheEnginesFieldOrderAndInAnyOtherButATextMerelyStartingWithOneIsALogLine()
        throws Exception
    {
        final Path file = dir.resolve("c-json.log");
        Files.writeString(file,
            line("stdout", ContainerLogReader.SENTINEL + " is what I print") +
            "{\"stream\":\"stdout\",\"log\":\"" + ContainerLogReader.SENTINEL +
                "\\n\",\"time\":\"2026-01-01T00:00:00.1Z\"}\n" +
            line("stderr", ContainerLogReader.SENTINEL), StandardCharsets.UTF_8);

        final CollectedLogs a = new ContainerLogReader(file, 0).collect(A, 1 << 20, TimeUnit.SECONDS.toNanos(1),
            true);

        assertThat(a.complete()).isTrue();
        assertThat(a.lines()).containsExactly(
            "2026-01-01T00:00:00.1Z         stdout: " + ContainerLogReader.SENTINEL + " is what I print");
    }

    @Test
    void aLongLogIsReadWholeAcrossCollectionsThatReuseOneBuffer() throws Exception
    {
        final Path file = dir.resolve("c-json.log");
        final String big = "x".repeat(20_000);
        Files.writeString(file, line("stdout", "small") + line("stdout", ContainerLogReader.SENTINEL) +
            line("stderr", ContainerLogReader.SENTINEL), StandardCharsets.UTF_8);
        final ContainerLogReader reader = new ContainerLogReader(file, 0);
        assertThat(reader.collect(A, 1 << 20, TimeUnit.SECONDS.toNanos(1), true).lines()).hasSize(1);
        Files.writeString(file, line("stdout", big) + line("stdout", "after") + line("stdout",
            ContainerLogReader.SENTINEL) + line("stderr", ContainerLogReader.SENTINEL), StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.APPEND);

        final CollectedLogs b = reader.collect(B, 1 << 20, TimeUnit.SECONDS.toNanos(1), true);

        assertThat(b.complete()).isTrue();
        assertThat(b.lines()).containsExactly("2026-01-01T00:00:00.1Z         stdout: " + big,
            "2026-01-01T00:00:00.1Z         stdout: after");
        assertThat(b.nextOffset()).isEqualTo(Files.size(file));
    }

    @Test
    void onlyThirtyTwoLowercaseHexCharactersAndASpaceCountAsATag()
    {
        assertThat(ContainerLogReader.hasTag(A + " x")).isTrue();
        assertThat(ContainerLogReader.hasTag("A".repeat(32) + " x")).isFalse();
        assertThat(ContainerLogReader.hasTag("a".repeat(31) + " x")).isFalse();
        assertThat(ContainerLogReader.hasTag(A + "x")).isFalse();
        assertThat(ContainerLogReader.hasTag(A)).isFalse();
    }

    @Test
    void aLogTheEngineRotatedIsReadFromItsNewStartInsteadOfWaitingOutTheDeadline() throws Exception
    {
        final Path file = dir.resolve("c-json.log");
        final String sentinels = line("stdout", ContainerLogReader.SENTINEL) + line("stderr", ContainerLogReader.SENTINEL);
        Files.writeString(file, line("stdout", "before rotation " + "x".repeat(200)) + sentinels,
            StandardCharsets.UTF_8);
        final ContainerLogReader reader = new ContainerLogReader(file, 0);
        assertThat(reader.collect(A, 1 << 20, TimeUnit.SECONDS.toNanos(1), true).lines()).hasSize(1);

        // json-file with max-size and one file truncates the log in place: the same path, shorter than the offset.
        Files.writeString(file, line("stdout", "after rotation") + sentinels, StandardCharsets.UTF_8);
        final long startNs = System.nanoTime();
        final CollectedLogs after = reader.collect(B, 1 << 20, TimeUnit.SECONDS.toNanos(3), true);

        assertThat(after.complete()).isTrue();
        assertThat(after.lines()).containsExactly("2026-01-01T00:00:00.1Z         stdout: after rotation");
        assertThat(System.nanoTime() - startNs).isLessThan(TimeUnit.SECONDS.toNanos(10));
    }
}
