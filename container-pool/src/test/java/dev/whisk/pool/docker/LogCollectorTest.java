package dev.whisk.pool.docker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class LogCollectorTest
{
    @TempDir
    Path dir;

    private static String line(final String stream, final String text, final String time)
    {
        return "{\"log\":\"" + text + "\\n\",\"stream\":\"" + stream + "\",\"time\":\"" + time + "\"}\n";
    }

    @Test
    void eachActivationGetsItsLinesUpToBothSentinelsAndTheNextStartsAfterThem() throws Exception
    {
        final Path file = dir.resolve("c-json.log");
        Files.writeString(file,
            line("stdout", "first", "2026-01-01T00:00:00.1Z") +
            line("stderr", "oops", "2026-01-01T00:00:00.2Z") +
            line("stdout", LogCollector.SENTINEL, "2026-01-01T00:00:00.3Z") +
            line("stderr", LogCollector.SENTINEL, "2026-01-01T00:00:00.3Z") +
            line("stdout", "second", "2026-01-01T00:00:01.1Z") +
            line("stdout", LogCollector.SENTINEL, "2026-01-01T00:00:01.2Z") +
            line("stderr", LogCollector.SENTINEL, "2026-01-01T00:00:01.2Z"), StandardCharsets.UTF_8);

        final CollectedLogs one = LogCollector.collect(file, 0, 1 << 20, TimeUnit.SECONDS.toNanos(1), true);
        assertThat(one.complete()).isTrue();
        assertThat(one.lines()).containsExactly(
            "2026-01-01T00:00:00.1Z         stdout: first",
            "2026-01-01T00:00:00.2Z         stderr: oops");
        final CollectedLogs two = LogCollector.collect(file, one.nextOffset(), 1 << 20, TimeUnit.SECONDS.toNanos(1),
            true);
        assertThat(two.lines()).containsExactly("2026-01-01T00:00:01.1Z         stdout: second");
        assertThat(two.nextOffset()).isEqualTo(Files.size(file));
    }

    @Test
    void missingSentinelsEndWithTheSpecsWarningAfterTheWait() throws Exception
    {
        final Path file = dir.resolve("c-json.log");
        Files.writeString(file, line("stdout", "partial", "2026-01-01T00:00:00.1Z") +
            "{\"log\":\"half a li", StandardCharsets.UTF_8);
        final CollectedLogs logs = LogCollector.collect(file, 0, 1 << 20, TimeUnit.MILLISECONDS.toNanos(20), true);
        assertThat(logs.complete()).isFalse();
        assertThat(logs.lines()).hasSize(2);
        assertThat(logs.lines().get(1)).endsWith(
            "stderr: There was an issue while collecting your logs. Data might be missing.");
        assertThat(logs.nextOffset()).as("a half-written line is left for later").isLessThan(Files.size(file));
    }

    @Test
    void linesBeyondTheLimitAreDroppedWithTheTruncationLine() throws Exception
    {
        final Path file = dir.resolve("c-json.log");
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 10; i++)
        {
            sb.append(line("stdout", "0123456789", "2026-01-01T00:00:00.1Z"));
        }
        sb.append(line("stdout", LogCollector.SENTINEL, "t")).append(line("stderr", LogCollector.SENTINEL, "t"));
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE);
        final CollectedLogs logs = LogCollector.collect(file, 0, 35, TimeUnit.SECONDS.toNanos(1), true);
        assertThat(logs.lines()).hasSize(4);
        assertThat(logs.lines().get(3)).endsWith(
            "Logs were truncated because the total bytes size exceeds the limit of 35 bytes.");
        assertThat(logs.nextOffset()).isEqualTo(Files.size(file));
    }
}
