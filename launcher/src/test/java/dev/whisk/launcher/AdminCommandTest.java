package dev.whisk.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code whisk admin} on a data directory, as an operator runs it while the platform is stopped. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AdminCommandTest
{
    @TempDir
    Path dataDir;
    @TempDir
    Path work;

    @Test
    void usersAreCreatedShownListedLimitedAndDeleted() throws Exception
    {
        final WhiskCli cli = new WhiskCli(work);
        final WhiskCli.Run created = cli.run(admin("user", "create", "team1", "--invocations-per-minute", "10"));
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out().trim()).matches("[0-9a-f-]{36}:[A-Za-z0-9]{64}");

        final WhiskCli.Run got = cli.run(admin("user", "get", "team1"));
        assertThat(got.json().path("uuid").asText()).isEqualTo(created.out().trim().substring(0, 36));
        assertThat(got.json().path("limits").path("invocationsPerMinute").asInt()).isEqualTo(10);
        assertThat(got.out()).doesNotContain(created.out().trim().substring(37));

        assertThat(cli.run(admin("user", "create", "team2")).exit()).isZero();
        assertThat(cli.run(admin("user", "list")).out().lines()).containsExactly("team1", "team2");

        final WhiskCli.Run set = cli.run(admin("limits", "set", "team1", "--concurrent-invocations", "3",
            "--max-action-memory", "1024"));
        assertThat(set.exit()).as(set.err()).isZero();
        final WhiskCli.Run limits = cli.run(admin("limits", "get", "team1"));
        assertThat(limits.json().path("concurrentInvocations").asInt()).isEqualTo(3);
        assertThat(limits.json().path("invocationsPerMinute").asInt()).isEqualTo(10);
        assertThat(limits.json().path("maxActionMemoryMb").asInt()).isEqualTo(1024);
        assertThat(cli.run(admin("limits", "set", "team1", "--max-action-memory", "0")).exit()).isZero();
        assertThat(cli.run(admin("limits", "get", "team1")).json().has("maxActionMemoryMb")).isFalse();

        assertThat(cli.run(admin("user", "delete", "team1")).exit()).isZero();
        final WhiskCli.Run gone = cli.run(admin("user", "get", "team1"));
        assertThat(gone.exit()).isEqualTo(2);
        assertThat(gone.err()).contains("namespace 'team1' does not exist");
        assertThat(cli.run(admin("user", "list")).out().lines()).containsExactly("team2");
    }

    @Test
    void badRequestsFailWithClearMessagesAndNonZeroExits() throws Exception
    {
        final WhiskCli cli = new WhiskCli(work);
        assertThat(cli.run(admin("user", "create", "dup")).exit()).isZero();
        final WhiskCli.Run dup = cli.run(admin("user", "create", "dup"));
        assertThat(dup.exit()).isEqualTo(3);
        assertThat(dup.err()).contains("already exists");

        final WhiskCli.Run badName = cli.run(admin("user", "create", "bad name!"));
        assertThat(badName.exit()).isEqualTo(1);
        assertThat(badName.err()).contains("not a valid namespace name");

        final WhiskCli.Run negative = cli.run(admin("limits", "set", "dup", "--fires-per-minute", "-1"));
        assertThat(negative.exit()).isEqualTo(1);
        assertThat(negative.err()).contains("must not be negative");

        assertThat(cli.run(admin("limits", "set", "nobody", "--fires-per-minute", "1")).exit()).isEqualTo(2);
        assertThat(cli.run(admin("user", "delete", "nobody")).exit()).isEqualTo(2);
    }

    private List<String> admin(final String... args)
    {
        final List<String> all = new ArrayList<>(List.of("admin"));
        all.addAll(List.of(args));
        all.add("--data-dir");
        all.add(dataDir.toString());
        return all;
    }
}
