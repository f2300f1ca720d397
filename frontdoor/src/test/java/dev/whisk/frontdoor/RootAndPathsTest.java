package dev.whisk.frontdoor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.testkit.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code GET /} answering the deployment's description as OpenWhisk's controller does, and paths split before they
 * are decoded: {@code /namespaces/%2Fguest/...} (what clients send for {@code /guest}) names namespace {@code guest}.
 */
class RootAndPathsTest
{
    @RegisterExtension
    static final TestServer server = new TestServer();

    @Test
    void theRootDescribesTheDeploymentWithItsRuntimesLikeOpenWhisksController() throws Exception
    {
        final Http anonymous = new Http("http://127.0.0.1:" + server.port(), null);
        final Http.Reply root = anonymous.get("/");
        assertThat(root.status()).isEqualTo(200);
        final JsonNode info = root.json();
        assertThat(info.path("description").asText()).isEqualTo("OpenWhisk");
        assertThat(info.path("support").path("github").asText()).startsWith("https://github.com/");
        assertThat(info.path("api_paths").toString()).isEqualTo("[\"/api/v1\"]");
        assertThat(info.path("limits").path("max_action_duration").asLong()).isEqualTo(300_000);
        assertThat(info.path("limits").path("max_action_memory").asLong()).isEqualTo(512L * 1024 * 1024);
        assertThat(info.path("limits").path("sequence_length").asInt()).isEqualTo(50);
        final JsonNode nodejs = info.path("runtimes").path("nodejs");
        assertThat(nodejs.isArray()).isTrue();
        assertThat(nodejs.get(0).path("kind").asText()).isEqualTo("nodejs:20");
        assertThat(nodejs.get(0).path("image").asText()).isEqualTo("whisk/action-nodejs-v20:latest");
        assertThat(nodejs.get(0).path("default").asBoolean()).isTrue();
        assertThat(nodejs.get(0).path("deprecated").asBoolean()).isFalse();

        final JsonNode v1 = anonymous.get("/api/v1").json();
        assertThat(info.path("build").asText()).isEqualTo(v1.path("build").asText()).isNotEmpty();
        assertThat(info.path("buildno").asText()).isEqualTo(v1.path("buildno").asText()).isNotEmpty();
        assertThat(anonymous.send("POST", "/", "{}").status()).isEqualTo(405);
    }

    @Test
    void aNamespaceSentWithItsLeadingSlashEncodedNamesTheNamespace() throws Exception
    {
        final Http alice = server.alice();
        assertThat(alice.put("/namespaces/%2Falice/packages/shelf", "{}").status()).isEqualTo(200);
        final Http.Reply list = alice.get("/namespaces/%2Falice/packages");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get(0).path("name").asText()).isEqualTo("shelf");
        assertThat(alice.get("/namespaces/alice/packages/shelf").status()).isEqualTo(200);
        assertThat(alice.get("/namespaces/%2Falice/actions").status()).isEqualTo(200);
        assertThat(alice.get("/namespaces/%2Falice/triggers").status()).isEqualTo(200);
        assertThat(alice.get("/namespaces/%2Falice/rules").status()).isEqualTo(200);
        assertThat(alice.get("/namespaces/%2Falice/activations").status()).isEqualTo(200);
        assertThat(alice.get("/namespaces/%2Fbob/triggers").status()).as("still another namespace")
            .isEqualTo(403);
    }

    @Test
    void aSegmentIsDecodedAfterSplittingSoAnEncodedSlashStaysInside() throws Exception
    {
        final Http.Reply slashInName = server.alice().get("/namespaces/_/packages/a%2Fb");
        assertThat(slashInName.status()).as("one segment holding a slash: a bad name, not a deeper path")
            .isEqualTo(400);
        assertThat(slashInName.error()).contains("illegal characters");
    }

    @Test
    void pathsAreSplitOnTheirRawSlashesAndEachSegmentDecoded()
    {
        assertThat(Paths.segments("/api/v1/namespaces/%2Fguest/packages", 2))
            .containsExactly("namespaces", "/guest", "packages");
        assertThat(Paths.segments("/api/v1/namespaces/guest/actions/", 2))
            .containsExactly("namespaces", "guest", "actions");
        assertThat(Paths.segments("/a//b", 0)).containsExactly("a", "", "b");
        assertThat(Paths.segments("/runtime/namespaces/_/logForwarding", 1))
            .containsExactly("namespaces", "_", "logForwarding");
        assertThat(Paths.segments("/x/a+b%20c%E2%82%AC", 1)).containsExactly("a+b c\u20ac");
        assertThatThrownBy(() -> Paths.segments("/x/a%2", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Paths.segments("/x/a%zz", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Paths.namespace("/guest")).isEqualTo("guest");
        assertThat(Paths.namespace("guest")).isEqualTo("guest");
        assertThat(Paths.namespace("/")).isEqualTo("/");
    }
}
