package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.core.json.Json;
import dev.whisk.launcher.node.Standalone;
import org.junit.jupiter.api.AfterAll;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real {@code openwhisk} npm client, unchanged, against the running platform: installed with npm into
 * {@code target/npm-client} (once; later runs reuse it), then a Node script drives actions, packages with a binding
 * from another namespace, triggers, rules, activations and namespaces, and prints what it saw as JSON.
 * Skipped when {@code npm} is missing or the install fails, unless {@code WHISK_REQUIRE_NPM=true}.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@NeedsDocker
class NpmClientTest
{
    @RegisterExtension
    static final TestPlatform platform = TestPlatform.standalone().before(dir -> otherAuth =
        ApiEndToEndTest.admin("user", "create", "npmother", "--data-dir", dir.toString()));
    static String otherAuth;
    static JsonNode seen;

    @BeforeAll
    static void start() throws Exception
    {
        final Path clientDir = installClient();
        final Path script = clientDir.resolve("drive-openwhisk.js");
        try (InputStream in = NpmClientTest.class.getResourceAsStream("/npm/drive-openwhisk.js"))
        {
            Files.write(script, in.readAllBytes());
        }
        final ProcessBuilder pb = new ProcessBuilder("node", script.toString()).directory(clientDir.toFile());
        final Map<String, String> env = pb.environment();
        env.put("APIHOST", platform.apiHost());
        env.put("AUTH", platform.guestAuth());
        env.put("OTHER_AUTH", otherAuth);
        env.put("NAMESPACE", "guest");
        env.remove("__OW_API_HOST");
        env.remove("__OW_API_KEY");
        env.remove("__OW_NAMESPACE");
        final Path out = clientDir.resolve("out.json");
        final Path err = clientDir.resolve("err.txt");
        final Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(4, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(err)).isZero();
        seen = Json.MAPPER.readTree(Files.readString(out));
    }

    @Test
    void actionsAndSequencesAreCreatedInvokedUpdatedWithoutCodeAndDeleted()
    {
        assertThat(seen.path("namespaces").get(0).asText()).isEqualTo("guest");
        assertThat(seen.path("createAction").asText()).isEqualTo("0.0.1");
        assertThat(seen.path("invokeResult").path("greeting").asText()).isEqualTo("Hello npm");
        assertThat(seen.path("invokeDefault").path("greeting").asText()).isEqualTo("Hello default");
        assertThat(seen.path("updateWithoutCode").path("version").asText()).isEqualTo("0.0.2");
        assertThat(seen.path("updateWithoutCode").path("kind").asText()).isEqualTo("nodejs:20");
        assertThat(seen.path("invokeUpdated").path("greeting").asText()).isEqualTo("Hello updated");
        assertThat(seen.path("actionList").toString()).contains("npmHello", "npmSeq");
        assertThat(seen.path("createSequence").asText()).isEqualTo("sequence");
        assertThat(seen.path("invokeSequence").path("greeting").asText()).isEqualTo("Hello seq");
        assertThat(seen.path("deleteAction").asText()).isEqualTo("npmHello");
        assertThat(seen.path("getDeleted").path("status").asInt()).isEqualTo(404);
    }

    @Test
    void activationsAreListedAndReadWithLogsAndResult()
    {
        final JsonNode nb = seen.path("nonBlocking");
        assertThat(nb.path("id").asText()).hasSize(32).isEqualTo(nb.path("recordId").asText());
        assertThat(nb.path("logs").toString()).contains("hi later");
        assertThat(nb.path("result").path("greeting").asText()).isEqualTo("Hello later");
        assertThat(seen.path("activationList").asInt()).isGreaterThanOrEqualTo(4);
        assertThat(seen.path("activationCount").path("activations").asInt()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void aSharedPackageIsBoundAndInvokedFromAnotherNamespaceWhilePrivateActionsStayHidden()
    {
        assertThat(seen.path("createPackage").asText()).isEqualTo("npmPkg");
        assertThat(seen.path("createPackagedAction").asText()).isEqualTo("guest/npmPkg");
        assertThat(seen.path("bindFromOtherNamespace").path("name").asText()).isEqualTo("npmPkg");
        final JsonNode result = seen.path("invokeThroughBinding");
        assertThat(result.path("p").asText()).isEqualTo("package");
        assertThat(result.path("b").asText()).isEqualTo("binding");
        assertThat(result.path("x").asInt()).isEqualTo(1);
        assertThat(seen.path("getBinding").toString()).contains("show");
        assertThat(seen.path("otherReadsPrivateAction").path("status").asInt()).isEqualTo(403);
        assertThat(seen.path("packageList").toString()).contains("npmPkg");
    }

    @Test
    void triggersAndRulesAreManagedAndAFireWithoutActiveRuleParses()
    {
        assertThat(seen.path("createTrigger").asText()).isEqualTo("npmTrigger");
        assertThat(seen.path("createRule").asText()).isEqualTo("active");
        assertThat(seen.path("disableRule").asText()).isEqualTo("inactive");
        assertThat(seen.path("fireWithoutActiveRule").path("failed").asBoolean()).isFalse();
        assertThat(seen.path("enableRule").asText()).isEqualTo("active");
        assertThat(seen.path("triggerRules").toString()).contains("guest/npmRule");
        assertThat(seen.path("ruleList").toString()).contains("npmRule");
        assertThat(seen.path("namespaceGet").path("rules").asInt()).isEqualTo(1);
        assertThat(seen.path("namespaceGet").path("triggers").asInt()).isEqualTo(1);
        assertThat(seen.path("deleteRule").asText()).isEqualTo("npmRule");
        assertThat(seen.path("deleteTrigger").asText()).isEqualTo("npmTrigger");
    }

    /** {@code npm install --prefix target/npm-client openwhisk}, once. */
    static Path installClient() throws IOException, InterruptedException
    {
        final boolean required = "true".equalsIgnoreCase(System.getenv("WHISK_REQUIRE_NPM"));
        final Path dir = Path.of("target", "npm-client").toAbsolutePath();
        if (Files.exists(dir.resolve("node_modules/openwhisk/package.json")))
        {
            return dir;
        }
        Files.createDirectories(dir);
        final List<String> command = new ArrayList<>(List.of("npm", "install", "--no-audit", "--no-fund",
            "--prefix", dir.toString(), "openwhisk@3"));
        final Process p;
        try
        {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            if (required)
            {
                throw ex;
            }
            Assumptions.abort("npm is not installed: " + ex.getMessage());
            return dir;
        }
        final String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        final boolean ok = p.waitFor(3, TimeUnit.MINUTES) && p.exitValue() == 0;
        if (!ok)
        {
            if (required)
            {
                throw new IllegalStateException("npm install openwhisk failed:\n" + log);
            }
            Assumptions.abort("npm install openwhisk failed:\n" + log);
        }
        return dir;
    }
}
