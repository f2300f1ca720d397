package dev.whisk.frontdoor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.testkit.Http;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API gateway's management surface as the {@code openwhisk} npm client and {@code wsk api} call it
 * ({@code /api/v1/web/whisk.system/apimgmt/...}): OpenWhisk's answer shapes, bad input refused with a 4xx that stores
 * nothing, one namespace never seeing or removing another's routes, and routes surviving a restart. Calling the
 * routes runs actions and is exercised by the launcher's {@code RoutesTest}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RoutesApiTest
{
    private static final String MGMT = "/web/whisk.system/apimgmt/";
    private static final String WEB = "\"annotations\":[{\"key\":\"web-export\",\"value\":true}]";

    @RegisterExtension
    static final TestServer server = new TestServer(true, null);

    @BeforeAll
    static void start() throws Exception
    {
        putAction(server.alice(), "hello", WEB);
        putAction(server.alice(), "plain", "\"annotations\":[]");
        putAction(server.bob(), "hello", WEB);
    }

    static void putAction(final Http client, final String name, final String annotations) throws Exception
    {
        final Http.Reply r = client.put("/namespaces/_/actions/" + name,
            "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"function main(p){return p}\"}," + annotations + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    /** The body the npm client's {@code routes.create} sends. */
    static String apidoc(final String basepath, final String relpath, final String verb, final String action)
    {
        return "{\"apidoc\":{\"namespace\":\"_\",\"gatewayBasePath\":\"" + basepath + "\",\"gatewayPath\":\"" +
            relpath + "\",\"gatewayMethod\":\"" + verb + "\",\"id\":\"API:_:" + basepath + "\",\"action\":{" +
            "\"name\":\"" + action + "\",\"namespace\":\"_\",\"backendMethod\":\"GET\",\"backendUrl\":" +
            "\"http://h/api/v1/web/_/default/" + action + ".http\",\"authkey\":\"x\"}}}";
    }

    static Http.Reply create(final Http client, final String query, final String body) throws Exception
    {
        return client.post(MGMT + "createApi.http" + query, body);
    }

    @Test
    void createAnswersTheSwaggerOfTheApiAndGetListsIt() throws Exception
    {
        final Http alice = server.alice();
        final Http.Reply created = create(alice, "?responsetype=http",
            apidoc("/shapes", "/books/{id}", "get", "hello"));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        final JsonNode api = created.json();
        assertThat(api.path("id").asText()).isEqualTo("API:alice:/shapes");
        assertThat(api.path("value").path("gwApiActivated").asBoolean()).isTrue();
        assertThat(api.path("value").path("gwApiUrl").asText()).endsWith("/api/alice/shapes");
        final JsonNode doc = api.path("value").path("apidoc");
        assertThat(doc.path("swagger").asText()).isEqualTo("2.0");
        assertThat(doc.path("basePath").asText()).isEqualTo("/shapes");
        final JsonNode op = doc.path("paths").path("/books/{id}").path("get");
        assertThat(op.path("x-openwhisk").path("action").asText()).isEqualTo("hello");
        assertThat(op.path("x-openwhisk").path("namespace").asText()).isEqualTo("alice");
        assertThat(op.path("x-openwhisk").path("url").asText()).endsWith("/api/v1/web/alice/default/hello.http");

        assertThat(create(alice, "", apidoc("/shapes", "/books", "post", "hello")).status()).isEqualTo(200);
        final Http.Reply listed = alice.get(MGMT + "getApi.http");
        assertThat(listed.status()).isEqualTo(200);
        final JsonNode apis = listed.json().path("apis");
        assertThat(apis).hasSize(1);
        assertThat(apis.get(0).path("value").path("apidoc").path("paths").path("/books").has("post")).isTrue();
        final JsonNode narrowed = alice.get(MGMT + "getApi.http?basepath=/shapes&relpath=/books&operation=POST")
            .json().path("apis").get(0).path("value").path("apidoc").path("paths");
        assertThat(narrowed.has("/books/{id}")).isFalse();
        assertThat(narrowed.path("/books").has("post")).isTrue();
    }

    @Test
    void deleteRemovesOneOperationThenTheWholeApi() throws Exception
    {
        final Http alice = server.alice();
        assertThat(create(alice, "", apidoc("/gone", "/a", "get", "hello")).status()).isEqualTo(200);
        assertThat(create(alice, "", apidoc("/gone", "/a", "put", "hello")).status()).isEqualTo(200);
        assertThat(alice.delete(MGMT + "deleteApi.http?basepath=/gone&relpath=/a&operation=put&force=true")
            .status()).isEqualTo(200);
        final JsonNode paths = alice.get(MGMT + "getApi.http?basepath=/gone").json().path("apis").get(0)
            .path("value").path("apidoc").path("paths");
        assertThat(paths.path("/a").has("get")).isTrue();
        assertThat(paths.path("/a").has("put")).isFalse();
        assertThat(alice.delete(MGMT + "deleteApi.http?basepath=/gone&force=true").status()).isEqualTo(200);
        assertThat(alice.get(MGMT + "getApi.http?basepath=/gone").json().path("apis")).isEmpty();
        final Http.Reply again = alice.delete(MGMT + "deleteApi.http?basepath=/gone");
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.error()).contains("/gone");
    }

    @Test
    void badInputIsAClean4xxAndStoresNothing() throws Exception
    {
        final Http alice = server.newNamespace("careful", dev.whisk.core.entity.NamespaceLimits.DEFAULT);
        putAction(alice, "hello", WEB);
        putAction(alice, "plain", "\"annotations\":[]");
        assertBad(alice, "", apidoc("no-slash", "/a", "get", "hello"), 400, "base path");
        assertBad(alice, "", apidoc("/a/../b", "/a", "get", "hello"), 400, "base path");
        assertBad(alice, "", apidoc("/v1", "/a", "get", "hello"), 400, "reserved");
        assertBad(alice, "", apidoc("/ok", "/a b", "get", "hello"), 400, "relative path");
        assertBad(alice, "", apidoc("/ok", "/a//b", "get", "hello"), 400, "relative path");
        assertBad(alice, "", apidoc("/ok", "/a", "fetch", "hello"), 400, "verb");
        assertBad(alice, "?responsetype=xml", apidoc("/ok", "/a", "get", "hello"), 400, "response type");
        assertBad(alice, "", apidoc("/ok", "/a", "get", "missing"), 404, "");
        assertBad(alice, "", apidoc("/ok", "/a", "get", "plain"), 400, "is not a web action");
        assertBad(alice, "", apidoc("/ok", "/a", "get", "hello").replace("\"namespace\":\"_\",\"backend",
            "\"namespace\":\"bob\",\"backend"), 403, "bob");
        assertBad(alice, "", "{\"apidoc\":{\"namespace\":\"_\"}}", 400, "gatewayBasePath");
        assertBad(alice, "", "not json", 400, "malformed");
        assertBad(alice, "", "", 400, "apidoc");
        assertThat(alice.get(MGMT + "getApi.http").json().path("apis")).isEmpty();
        assertThat(alice.delete(MGMT + "deleteApi.http").status()).isEqualTo(400);
        assertThat(alice.get(MGMT + "getApi.http?limit=x").status()).isEqualTo(400);
        assertThat(alice.get(MGMT + "nothing.http").status()).isEqualTo(404);
        assertThat(new Http(server.baseUrl(), null).get(MGMT + "getApi.http").status()).isEqualTo(401);
    }

    private static void assertBad(final Http client, final String query, final String body, final int status,
        final String says) throws Exception
    {
        final Http.Reply r = create(client, query, body);
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().has("code")).isTrue();
        assertThat(r.error().toLowerCase(java.util.Locale.ROOT)).contains(says.toLowerCase(java.util.Locale.ROOT));
    }

    @Test
    void aNamespaceSeesAndRemovesOnlyItsOwnRoutes() throws Exception
    {
        final Http alice = server.alice();
        final Http bob = server.bob();
        assertThat(create(alice, "", apidoc("/mine", "/x", "get", "hello")).status()).isEqualTo(200);
        assertThat(create(bob, "", apidoc("/mine", "/y", "get", "hello")).status()).isEqualTo(200);
        final JsonNode bobs = bob.get(MGMT + "getApi.http?basepath=/mine").json().path("apis");
        assertThat(bobs).hasSize(1);
        assertThat(bobs.get(0).path("value").path("apidoc").path("paths").has("/x")).isFalse();
        assertThat(bob.delete(MGMT + "deleteApi.http?basepath=/mine&relpath=/x").status()).isEqualTo(404);
        assertThat(alice.get(MGMT + "getApi.http?basepath=/mine").json().path("apis").get(0).path("value")
            .path("apidoc").path("paths").has("/x")).isTrue();
        // A route is served under its owner's namespace only.
        assertThat(new Http("http://127.0.0.1:" + server.frontDoor.localAddress().getPort() + "/api", null)
            .get("/bob/mine/x").status()).isEqualTo(404);
    }

    @Test
    void routesSurviveARestart(@TempDir final Path other) throws Exception
    {
        final String auth;
        try (TestServer first = new TestServer(other, true))
        {
            putAction(first.alice(), "hello", WEB);
            auth = first.aliceAuth;
            assertThat(create(first.alice(), "?responsetype=text", apidoc("/kept", "/p/{id}", "post", "hello"))
                .status()).isEqualTo(200);
        }
        assertThat(Files.exists(other.resolve("routes").resolve("routes.json"))).isTrue();
        try (TestServer second = new TestServer(other, true))
        {
            final JsonNode apis = new Http(second.baseUrl(), auth).get(MGMT + "getApi.http").json().path("apis");
            assertThat(apis).hasSize(1);
            final JsonNode op = apis.get(0).path("value").path("apidoc").path("paths").path("/p/{id}").path("post");
            assertThat(op.path("x-openwhisk").path("url").asText()).endsWith("/hello.text");
        }
    }
}
