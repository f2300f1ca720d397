package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.core.json.Json;
import dev.whisk.launcher.node.Standalone;
import org.junit.jupiter.api.AfterAll;
import dev.whisk.testkit.Http;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * API gateway routes on the real platform: the {@code openwhisk} npm client's own {@code routes} operations (create,
 * get, list, delete) and a call of the created route over HTTP; {@code wsk api}-shaped raw requests; a route's
 * response type, path parameters, CORS preflight and wrong verb; and routes still served after a restart.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
@NeedsDocker
class RoutesTest
{
    private static final HttpClient HTTP = Http.client();
    private static final String MGMT = "/web/whisk.system/apimgmt/";
    private static final String WEB = "\"annotations\":[{\"key\":\"web-export\",\"value\":true}]";
    private static final String ECHO = "function main(p) { return { who: p.who, x: p.x, method: p.__ow_method }; }";

    @RegisterExtension
    static final TestPlatform platform = TestPlatform.standalone();
    static final Api guest = platform.guest();

    @BeforeAll
    static void start() throws Exception
    {
        assertThat(guest.putAction("routed", ECHO, WEB).status()).isEqualTo(200);
        assertThat(guest.putAction("page", "function main(p) { return { statusCode: 201, headers: " +
            "{ 'content-type': 'text/plain', 'x-from': 'route' }, body: 'id ' + p.id }; }", WEB).status())
            .isEqualTo(200);
    }

    @Test
    void theNpmClientsRoutesCreateGetListCallAndDelete() throws Exception
    {
        final Path clientDir = NpmClientTest.installClient();
        final Path script = clientDir.resolve("drive-routes.js");
        try (InputStream in = RoutesTest.class.getResourceAsStream("/npm/drive-routes.js"))
        {
            Files.write(script, in.readAllBytes());
        }
        final ProcessBuilder pb = new ProcessBuilder("node", script.toString()).directory(clientDir.toFile());
        final Map<String, String> env = pb.environment();
        env.put("APIHOST", platform.apiHost());
        env.put("AUTH", platform.guestAuth());
        env.put("NAMESPACE", "guest");
        env.remove("__OW_API_HOST");
        env.remove("__OW_API_KEY");
        final Path out = clientDir.resolve("routes-out.json");
        final Path err = clientDir.resolve("routes-err.txt");
        final Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(err)).isZero();
        final JsonNode seen = Json.MAPPER.readTree(Files.readString(out));

        assertThat(seen.path("create").path("value").path("gwApiUrl").asText())
            .isEqualTo(platform.apiHost() + "/api/guest/npm");
        assertThat(seen.path("create").path("value").path("apidoc").path("paths").path("/greet/{who}").path("get")
            .path("x-openwhisk").path("action").asText()).isEqualTo("routed");
        assertThat(seen.path("get").path("apis")).hasSize(1);
        assertThat(seen.path("get").path("apis").get(0).path("value").path("apidoc").path("paths").has("/greet"))
            .isTrue();
        assertThat(npmApi(seen.path("list"))).isNotNull();
        assertThat(npmApi(seen.path("listFiltered")).path("value").path("apidoc").path("paths")
            .has("/greet/{who}")).isFalse();
        assertThat(seen.path("call").path("status").asInt()).as(seen.toString()).isEqualTo(200);
        assertThat(seen.path("call").path("body").path("who").asText()).isEqualTo("npm user");
        assertThat(seen.path("call").path("body").path("x").asText()).isEqualTo("1");
        assertThat(seen.path("call").path("body").path("method").asText()).isEqualTo("get");
        assertThat(seen.path("deleteOne").path("failed").asBoolean()).as(seen.toString()).isFalse();
        assertThat(npmApi(seen.path("listAfterDeleteOne")).path("value").path("apidoc").path("paths")
            .has("/greet")).isFalse();
        assertThat(seen.path("delete").path("failed").asBoolean()).isFalse();
        assertThat(npmApi(seen.path("listAfterDelete"))).isNull();
        assertThat(seen.path("callAfterDelete").path("status").asInt()).isEqualTo(404);
    }

    @Test
    void wskShapedRequestsCreateAnHttpRouteWhoseActionSetsStatusHeadersAndBody() throws Exception
    {
        // wsk api create /wsk /items/{id} get page --response-type http
        final Api.Reply created = guest.post(MGMT + "createApi.http?responsetype=http", apidoc("/wsk",
            "/items/{id}", "get", "page"));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        final HttpResponse<String> r = call("GET", "/api/guest/wsk/items/42");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.body()).isEqualTo("id 42");
        assertThat(r.headers().firstValue("x-from")).hasValue("route");
        assertThat(r.headers().firstValue("access-control-allow-origin")).hasValue("*");

        final HttpResponse<String> preflight = HTTP.send(HttpRequest.newBuilder(
            URI.create(platform.apiHost() + "/api/guest/wsk/items/42"))
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .header("Access-Control-Request-Headers", "x-custom").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("access-control-allow-headers")).hasValue("x-custom");
        assertThat(call("POST", "/api/guest/wsk/items/42").statusCode()).isEqualTo(405);
        assertThat(call("GET", "/api/guest/wsk/items").statusCode()).isEqualTo(404);
        assertThat(call("GET", "/api/nobody/wsk/items/42").statusCode()).isEqualTo(404);

        // wsk api get /wsk --format json prints the swagger document
        final JsonNode doc = guest.get(MGMT + "getApi.http?basepath=/wsk").json().path("apis").get(0)
            .path("value").path("apidoc");
        assertThat(doc.path("basePath").asText()).isEqualTo("/wsk");
        assertThat(doc.path("paths").path("/items/{id}").path("get").path("x-openwhisk").path("url").asText())
            .isEqualTo(platform.apiHost() + "/api/v1/web/guest/default/page.http");
    }

    @Test
    void routesAreServedAfterARestart(@TempDir final Path otherDir) throws Exception
    {
        Standalone first = TestPlatform.start(otherDir);
        try
        {
            final Api api = new Api(first.apiHost(), first.guestAuth());
            assertThat(api.putAction("routed", ECHO, WEB).status()).isEqualTo(200);
            assertThat(api.post(MGMT + "createApi.http", apidoc("/kept", "/k/{who}", "post", "routed")).status())
                .isEqualTo(200);
        }
        finally
        {
            first.close();
        }
        final Standalone second = TestPlatform.start(otherDir);
        try
        {
            final HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                URI.create(second.apiHost() + "/api/guest/kept/k/again"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"x\":\"body\"}"))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            final JsonNode body = Json.MAPPER.readTree(r.body());
            assertThat(body.path("who").asText()).isEqualTo("again");
            assertThat(body.path("x").asText()).isEqualTo("body");
        }
        finally
        {
            second.close();
        }
    }

    /** The {@code /npm} API of a getApi answer (other tests add their own APIs to the namespace), or null. */
    private static JsonNode npmApi(final JsonNode answer)
    {
        for (final JsonNode api : answer.path("apis"))
        {
            if ("API:guest:/npm".equals(api.path("id").asText()))
            {
                return api;
            }
        }
        return null;
    }

    static String apidoc(final String basepath, final String relpath, final String verb, final String action)
    {
        return "{\"apidoc\":{\"namespace\":\"_\",\"gatewayBasePath\":\"" + basepath + "\",\"gatewayPath\":\"" +
            relpath + "\",\"gatewayMethod\":\"" + verb + "\",\"id\":\"API:_:" + basepath + "\",\"action\":{" +
            "\"name\":\"" + action + "\",\"namespace\":\"_\",\"backendMethod\":\"GET\",\"backendUrl\":" +
            "\"http://h/api/v1/web/_/default/" + action + ".http\",\"authkey\":\"x\"}}}";
    }

    private static HttpResponse<String> call(final String method, final String path) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create(platform.apiHost() + path))
            .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(90)).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
