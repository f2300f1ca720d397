package dev.whisk.frontdoor;

import dev.whisk.testkit.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Adobe I/O Runtime's {@code /runtime/namespaces/{ns}/logForwarding}, as {@code aio runtime activation logs} reads
 * it first: the platform's own store by default, settable to it, other destinations refused with a clean 400, and
 * only the namespace's own key may read or set it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LogForwardingApiTest
{
    @RegisterExtension
    static final TestServer server = new TestServer();
    static final Http alice = server.aliceAtRoot();

    @Test
    void getAnswersThePlatformsOwnStoreAndPutSetsIt() throws Exception
    {
        final Http.Reply got = alice.get("/runtime/namespaces/alice/logForwarding");
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.json().has("adobe_io_runtime")).isTrue();
        final Http.Reply put = alice.put("/runtime/namespaces/alice/logForwarding", "{\"adobe_io_runtime\":{}}");
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.json().has("adobe_io_runtime")).isTrue();
        final Http.Reply errors = alice.get("/runtime/namespaces/alice/logForwarding/errors");
        assertThat(errors.status()).isEqualTo(200);
        assertThat(errors.json().path("destination").asText()).isEqualTo("adobe_io_runtime");
        assertThat(errors.json().path("errors").isArray()).isTrue();
    }

    @Test
    void otherDestinationsAndBadBodiesAreRefusedAndTheSettingIsUnchanged() throws Exception
    {
        final Http.Reply splunk = alice.put("/runtime/namespaces/alice/logForwarding",
            "{\"splunk_hec\":{\"host\":\"h\",\"port\":8088,\"index\":\"i\",\"hec_token\":\"t\"}}");
        assertThat(splunk.status()).isEqualTo(400);
        assertThat(splunk.error()).contains("splunk_hec");
        assertThat(alice.put("/runtime/namespaces/alice/logForwarding", "not json").status()).isEqualTo(400);
        assertThat(alice.put("/runtime/namespaces/alice/logForwarding", "{}").status()).isEqualTo(400);
        assertThat(alice.send("POST", "/runtime/namespaces/alice/logForwarding", "{}").status()).isEqualTo(405);
        assertThat(alice.get("/runtime/namespaces/alice/logForwarding").json().has("adobe_io_runtime")).isTrue();
    }

    @Test
    void onlyTheNamespacesOwnKeyReadsIt() throws Exception
    {
        assertThat(alice.get("/runtime/namespaces/bob/logForwarding").status()).isEqualTo(403);
        final Http anonymous = new Http("http://127.0.0.1:" + server.frontDoor.localAddress().getPort(), null);
        assertThat(anonymous.get("/runtime/namespaces/alice/logForwarding").status()).isEqualTo(401);
        assertThat(alice.get("/runtime/namespaces/alice/other").status()).isEqualTo(404);
    }
}
