package dev.whisk.invoker;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.entity.Exec;
import dev.whisk.core.entity.Param;
import dev.whisk.core.entity.SemVer;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.pool.ActionCode;
import dev.whisk.storage.FileEntityStore;
import dev.whisk.storage.WriteResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The code an invoker initializes a container with, both ways it gets it: from the entity store in the same process
 * ({@link StoreCodeSource}), and over the controller's {@link CodeEndpoint} from another process
 * ({@link HttpCodeSource}). A real store on disk and a real HTTP server on a loopback port; no Docker.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ActionCodeFetchTest
{
    private static final String TOKEN = "a-shared-secret-of-the-invokers";
    private static final String CODE = "function main(p) { return { env: process.env.API_KEY }; }";
    private static final long REVISION = 1_765_000_000_000L;

    @TempDir
    Path dir;

    private FileEntityStore store;
    private StoreCodeSource local;
    private CodeEndpoint endpoint;
    private String baseUrl;

    @BeforeEach
    void start() throws Exception
    {
        store = FileEntityStore.open(dir.resolve("entities"));
        final WhiskAction hello = new WhiskAction("guest", "hello", SemVer.INITIAL, false,
            Exec.code("nodejs:20", CODE, "main"), List.of(),
            List.of(new Param("API_KEY", TextNode.valueOf("k-1"), true), new Param("N", IntNode.valueOf(3), true),
                Param.of("greeting", TextNode.valueOf("not an init parameter"))),
            ActionLimits.DEFAULT, REVISION);
        assertThat(store.put(hello, null).get(10, TimeUnit.SECONDS)).isEqualTo(WriteResult.OK);
        local = new StoreCodeSource(store, Map.of("nodejs:20", "whisk/action-nodejs-v20:test"));
        endpoint = new CodeEndpoint(new InetSocketAddress("127.0.0.1", 0), TOKEN, local);
        baseUrl = "http://127.0.0.1:" + endpoint.address().getPort();
    }

    @AfterEach
    void stop()
    {
        if (endpoint != null)
        {
            endpoint.close();
        }
        if (store != null)
        {
            store.close();
        }
    }

    @Test
    void anInvokerInAnotherProcessGetsTheSameCodeAsOneBesideTheStore()
    {
        final ActionCode expected = new ActionCode("nodejs:20", "whisk/action-nodejs-v20:test", CODE, "main", false,
            Map.of("API_KEY", "k-1", "N", "3"));
        assertThat(local.fetch("guest/hello", SemVer.INITIAL, REVISION)).isEqualTo(expected);
        assertThat(new HttpCodeSource(baseUrl + "/", TOKEN).fetch("guest/hello", SemVer.INITIAL, REVISION))
            .isEqualTo(expected);
    }

    @Test
    void anotherRevisionAVanishedActionOrAKindWithoutImageHasNoCode()
    {
        final HttpCodeSource remote = new HttpCodeSource(baseUrl, TOKEN);
        assertThat(remote.fetch("guest/hello", SemVer.INITIAL, REVISION - 1)).isNull();
        assertThat(remote.fetch("guest/hello", "0.0.2", REVISION)).isNull();
        assertThat(remote.fetch("guest/gone", SemVer.INITIAL, REVISION)).isNull();
        assertThat(new StoreCodeSource(store, Map.of()).fetch("guest/hello", SemVer.INITIAL, REVISION)).isNull();
    }

    @Test
    void theEndpointRefusesAWrongTokenAndABadRevision() throws Exception
    {
        assertThatThrownBy(() -> new HttpCodeSource(baseUrl, "not-the-secret").fetch("guest/hello", SemVer.INITIAL,
            REVISION)).isInstanceOf(IllegalStateException.class).hasMessageContaining("answered 401");

        final HttpResponse<String> noToken = get("/code?path=guest/hello&version=0.0.1&revision=" + REVISION, null);
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(noToken.body()).isEqualTo("{\"error\":\"invoker token required\"}");
        assertThat(noToken.headers().firstValue("Content-Type")).hasValue("application/json");

        final HttpResponse<String> badRevision = get("/code?path=guest/hello&version=0.0.1&revision=latest", TOKEN);
        assertThat(badRevision.statusCode()).isEqualTo(400);
        assertThat(badRevision.body()).isEqualTo("{\"error\":\"revision must be a number\"}");
    }

    private HttpResponse<String> get(final String pathAndQuery, final String token)
        throws IOException, InterruptedException
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).GET();
        if (token != null)
        {
            request.header("X-Whisk-Invoker-Token", token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
