package dev.whisk.pool;

import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.Messages;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
@NeedsDocker
class BlackboxTest
{
    @Test
    void aBlackboxActionRunsInItsOwnImageAndNeverTakesAStemCell()
    {
        try (PoolHarness h = new PoolHarness(c -> c.withStemCells(List.of(new StemCell(PoolHarness.NODEJS, 256, 1)))))
        {
            h.awaitThat(() -> h.pool.metrics().prewarmedContainers() == 1);
            h.blackbox("guest/box", PoolHarness.IMAGE, "function main(p) { console.log('in the box');"
                + " return { echo: p.v }; }");

            final var done = h.run(h.job("guest", "guest/box", 1, "{\"v\":42}", PoolHarness.limits(256),
                "blackbox"));
            final var again = h.run(h.job("guest", "guest/box", 1, "{\"v\":43}", PoolHarness.limits(256),
                "blackbox"));

            assertThat(done.outcome().status()).isEqualTo(ActivationStatus.SUCCESS);
            assertThat(done.result()).isEqualTo("{\"echo\":42}");
            assertThat(done.logs()).singleElement().asString().endsWith("stdout: in the box");
            assertThat(again.result()).isEqualTo("{\"echo\":43}");
            assertThat(h.pool.metrics().prewarmStarts()).isZero();
            assertThat(h.pool.metrics().coldStarts()).isEqualTo(1);
            assertThat(h.pool.metrics().warmStarts()).isEqualTo(1);
        }
    }

    /** A server of OpenWhisk's protocol that, like most user images, prints no log sentinels. */
    private static final String PLAIN_SERVER = "const http = require('http'); let main;\n"
        + "http.createServer((req, res) => { let b = ''; req.on('data', (c) => { b += c; }); req.on('end', () => {\n"
        + "  const m = JSON.parse(b || '{}');\n"
        + "  if (req.url === '/init') { main = eval('(' + m.value.code + ')'); res.end('{\"OK\":true}'); return; }\n"
        + "  res.end(JSON.stringify(main(m.value || {}))); }); }).listen(8080);\n";

    @Test
    void theLogOfABlackboxImageThatPrintsNoSentinelsIsTakenAsItStandsWithoutAMissingLogsWarning(
        @TempDir final Path context) throws Exception
    {
        final String image = "whisk-test/no-sentinels:" + ProcessHandle.current().pid();
        Files.writeString(context.resolve("plain.js"), PLAIN_SERVER, StandardCharsets.UTF_8);
        // Our runtime image as a base, minus the label that marks our proxy: a stranger's image to the pool.
        Files.writeString(context.resolve("Dockerfile"), "FROM " + PoolHarness.IMAGE + "\nLABEL whisk.proxy.sha256=\n"
            + "COPY plain.js /app/plain.js\nCMD [\"/usr/bin/node\", \"/app/plain.js\"]\n", StandardCharsets.UTF_8);
        docker("build", "-q", "-t", image, context.toString());
        try (PoolHarness h = new PoolHarness(c -> c))
        {
            h.blackbox("guest/plain", image, "function main(p) { console.log('no sentinel here'); return { v: p.v }; }");

            final var done = h.run(h.job("guest", "guest/plain", 1, "{\"v\":7}", PoolHarness.limits(256),
                "blackbox"));

            assertThat(done.outcome().status()).isEqualTo(ActivationStatus.SUCCESS);
            assertThat(done.result()).isEqualTo("{\"v\":7}");
            assertThat(done.logs()).anySatisfy(line -> assertThat(line).endsWith("stdout: no sentinel here"));
            assertThat(done.logs()).noneSatisfy(line -> assertThat(line).contains(Messages.LOG_COLLECTION_FAILED));
        }
        finally
        {
            docker("rmi", "-f", image);
        }
    }

    private static void docker(final String... args) throws Exception
    {
        final java.util.List<String> cmd = new java.util.ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("docker %s: %s", String.join(" ", args), out).isZero();
    }
}
