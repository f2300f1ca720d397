package dev.whisk.launcher;

import dev.whisk.core.json.Json;
import dev.whisk.launcher.node.Standalone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An action reaches the platform through {@code __OW_API_HOST}, as OpenWhisk's actions do: a zip action bundling
 * the real {@code openwhisk} npm client invokes another action and reads the answer. Inside a container
 * {@code 127.0.0.1} is the container itself, so this passes only when the API listens on the network's gateway.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@NeedsDocker
class ActionCallsPlatformTest
{
    @RegisterExtension
    static final TestPlatform platform = TestPlatform.standalone().before(dir -> clientDir = NpmClientTest.installClient());
    static Path clientDir;

    @Test
    void anActionInvokesAnotherActionThroughTheNpmClient() throws Exception
    {
        final Api api = new Api(platform.apiHost(), platform.guestAuth());
        assertThat(api.putAction("callee", "function main(p) { return { doubled: p.x * 2 }; }", null).status())
            .isEqualTo(200);
        final String index = """
            const openwhisk = require('openwhisk');
            exports.main = async function (p) {
              const ow = openwhisk();
              const r = await ow.actions.invoke({ name: 'callee', blocking: true, result: true, params: { x: p.x } });
              return { apiHost: process.env.__OW_API_HOST, answer: r };
            };
            """;
        final String zip = Base64.getEncoder().encodeToString(zipWithNodeModules(index));
        final String body = "{\"exec\":{\"kind\":\"nodejs:20\",\"binary\":true,\"code\":\"" + zip + "\"}," +
            "\"annotations\":[{\"key\":\"provide-api-key\",\"value\":true}]}";
        final Api.Reply put = api.put("/namespaces/_/actions/caller?overwrite=true", body);
        assertThat(put.status()).as(put.body()).isEqualTo(200);

        final Api.Reply r = api.post("/namespaces/_/actions/caller?blocking=true&result=true", "{\"x\":21}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("answer").path("doubled").asInt()).isEqualTo(42);
        assertThat(r.json().path("apiHost").asText()).startsWith("http://").doesNotContain("127.0.0.1");
        assertThat(Json.MAPPER.readTree(api.get("/namespaces/_/activations?name=callee&limit=5").body()).size())
            .isGreaterThanOrEqualTo(1);
    }

    /** {@code index.js} with the installed {@code node_modules} beside it, as a zip action. */
    private static byte[] zipWithNodeModules(final String index) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes))
        {
            zip.putNextEntry(new ZipEntry("index.js"));
            zip.write(index.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            final Path modules = clientDir.resolve("node_modules");
            final List<Path> files;
            try (Stream<Path> walk = Files.walk(modules))
            {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            }
            for (final Path f : files)
            {
                zip.putNextEntry(new ZipEntry("node_modules/" + modules.relativize(f).toString().replace('\\', '/')));
                zip.write(Files.readAllBytes(f));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
