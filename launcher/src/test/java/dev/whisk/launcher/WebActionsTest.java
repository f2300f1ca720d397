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

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Web actions on the real platform, called as plain HTTP without credentials. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@NeedsDocker
class WebActionsTest
{
    private static final String ECHO = "function main(p) { return p; }";
    private static final HttpClient HTTP = Http.client();

    @RegisterExtension
    static final TestPlatform platform = TestPlatform.standalone();
    static final Api guest = platform.guest();

    @BeforeAll
    static void start() throws Exception
    {
        assertThat(guest.putAction("echo", ECHO, "\"annotations\":[{\"key\":\"web-export\",\"value\":true}]," +
            "\"parameters\":[{\"key\":\"fixed\",\"value\":\"yes\"}]").status()).isEqualTo(200);
    }

    @Test
    void jsonExtensionMergesQueryAndBodyOverParametersAndAddsTheRequestFields() throws Exception
    {
        final HttpResponse<String> r = send("POST", "/api/v1/web/guest/default/echo.json/some/path?a=1&b=2",
            "application/json", "{\"b\":\"body\"}".getBytes(StandardCharsets.UTF_8), null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        assertThat(r.headers().firstValue("x-openwhisk-activation-id")).isPresent();
        final JsonNode args = Json.MAPPER.readTree(r.body());
        assertThat(args.path("fixed").asText()).isEqualTo("yes");
        assertThat(args.path("a").asText()).isEqualTo("1");
        assertThat(args.path("b").asText()).isEqualTo("body");
        assertThat(args.path("__ow_method").asText()).isEqualTo("post");
        assertThat(args.path("__ow_path").asText()).isEqualTo("/some/path");
        assertThat(args.path("__ow_headers").path("content-type").asText()).isEqualTo("application/json");
        assertThat(args.has("__ow_user")).isFalse();
    }

    @Test
    void httpExtensionSendsTheActionsStatusHeadersAndBase64DecodedBinaryBody() throws Exception
    {
        final byte[] png = {(byte)0x89, 'P', 'N', 'G', 0, 1, 2, (byte)0xff};
        final String code = "function main(p) { return { statusCode: 201, headers: { 'content-type': 'image/png'," +
            " 'x-custom': 'v', 'set-cookie': ['a=1', 'b=2'] }, body: '" + Base64.getEncoder().encodeToString(png) +
            "' }; }";
        guest.putAction("img", code, "\"annotations\":[{\"key\":\"web-export\",\"value\":true}]");
        final HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(
            URI.create(platform.apiHost() + "/api/v1/web/guest/default/img.http")).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.headers().firstValue("content-type")).hasValue("image/png");
        assertThat(r.headers().firstValue("x-custom")).hasValue("v");
        assertThat(r.headers().allValues("set-cookie")).containsExactly("a=1", "b=2");
        assertThat(r.body()).isEqualTo(png);

        final HttpResponse<String> noExtension = send("GET", "/api/v1/web/guest/default/img", null, null, null);
        assertThat(noExtension.statusCode()).isEqualTo(201);
    }

    @Test
    void textAndHtmlExtensionsRenderOneField() throws Exception
    {
        guest.putAction("page", "function main(p) { return { body: '<b>' + (p.name || 'x') + '</b>' }; }",
            "\"annotations\":[{\"key\":\"web-export\",\"value\":true}]");
        final HttpResponse<String> html = send("GET", "/api/v1/web/guest/default/page.html?name=Ann", null, null,
            null);
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.headers().firstValue("content-type").orElse("")).startsWith("text/html");
        assertThat(html.body()).isEqualTo("<b>Ann</b>");
        final HttpResponse<String> text = send("GET", "/api/v1/web/guest/default/page.text", null, null, null);
        assertThat(text.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        assertThat(text.body()).isEqualTo("<b>x</b>");
        final HttpResponse<String> json = send("GET", "/api/v1/web/guest/default/page.svg", null, null, null);
        assertThat(json.statusCode()).isEqualTo(200);
    }

    @Test
    void onlyWebExportedActionsAnswerAndUnknownOnesGiveTheSame404() throws Exception
    {
        guest.putAction("hidden", ECHO, null);
        final HttpResponse<String> hidden = send("GET", "/api/v1/web/guest/default/hidden.json", null, null, null);
        final HttpResponse<String> absent = send("GET", "/api/v1/web/guest/default/absent.json", null, null, null);
        final HttpResponse<String> noNamespace = send("GET", "/api/v1/web/nobody/default/echo.json", null, null, null);
        assertThat(hidden.statusCode()).isEqualTo(404);
        assertThat(absent.statusCode()).isEqualTo(404);
        assertThat(noNamespace.statusCode()).isEqualTo(404);
        assertThat(Json.MAPPER.readTree(hidden.body()).path("error").asText())
            .isEqualTo(Json.MAPPER.readTree(absent.body()).path("error").asText());
    }

    @Test
    void finalParametersAndOwFieldsCannotBeOverriddenByTheRequest() throws Exception
    {
        guest.putAction("locked", ECHO, "\"annotations\":[{\"key\":\"web-export\",\"value\":true}," +
            "{\"key\":\"final\",\"value\":true}],\"parameters\":[{\"key\":\"role\",\"value\":\"user\"}]");
        final HttpResponse<String> override = send("GET", "/api/v1/web/guest/default/locked.json?role=admin", null,
            null, null);
        assertThat(override.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(override.body()).path("error").asText())
            .isEqualTo("Request defines parameters that are not allowed (e.g., reserved properties).");
        final HttpResponse<String> ow = send("GET", "/api/v1/web/guest/default/echo.json?__ow_method=put", null,
            null, null);
        assertThat(ow.statusCode()).isEqualTo(400);
        assertThat(send("GET", "/api/v1/web/guest/default/locked.json?other=1", null, null, null).statusCode())
            .isEqualTo(200);
    }

    @Test
    void requireWhiskAuthAsksForAValidCredential() throws Exception
    {
        guest.putAction("guarded", ECHO, "\"annotations\":[{\"key\":\"web-export\",\"value\":true}," +
            "{\"key\":\"require-whisk-auth\",\"value\":true}]");
        assertThat(send("GET", "/api/v1/web/guest/default/guarded.json", null, null, null).statusCode())
            .isEqualTo(401);
        final HttpResponse<String> authed = send("GET", "/api/v1/web/guest/default/guarded.json", null, null,
            platform.guestAuth());
        assertThat(authed.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(authed.body()).path("__ow_user").asText()).isEqualTo("guest");

        guest.putAction("secretHeader", ECHO, "\"annotations\":[{\"key\":\"web-export\",\"value\":true}," +
            "{\"key\":\"require-whisk-auth\",\"value\":\"s3cret\"}]");
        assertThat(send("GET", "/api/v1/web/guest/default/secretHeader.json", null, null, null).statusCode())
            .isEqualTo(401);
        final HttpResponse<String> withHeader = HTTP.send(HttpRequest.newBuilder(URI.create(platform.apiHost() +
            "/api/v1/web/guest/default/secretHeader.json")).header("X-Require-Whisk-Auth", "s3cret").GET().build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(withHeader.statusCode()).isEqualTo(200);
    }

    @Test
    void rawHttpPassesQueryAndBodyUnparsed() throws Exception
    {
        guest.putAction("raw", ECHO, "\"annotations\":[{\"key\":\"web-export\",\"value\":true}," +
            "{\"key\":\"raw-http\",\"value\":true}]");
        final HttpResponse<String> r = send("POST", "/api/v1/web/guest/default/raw.json?x=1&y=2", "text/plain",
            "hello".getBytes(StandardCharsets.UTF_8), null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        final JsonNode args = Json.MAPPER.readTree(r.body());
        assertThat(args.path("__ow_query").asText()).isEqualTo("x=1&y=2");
        assertThat(args.path("__ow_body").asText()).isEqualTo("hello");
        assertThat(args.has("x")).isFalse();
    }

    @Test
    void aWebActionInAPackageAnswersUnderThePackageName() throws Exception
    {
        guest.put("/namespaces/_/packages/site", "{\"parameters\":[{\"key\":\"from\",\"value\":\"package\"}]}");
        guest.putAction("site/home", ECHO, "\"annotations\":[{\"key\":\"web-export\",\"value\":true}]");
        final HttpResponse<String> r = send("GET", "/api/v1/web/guest/site/home.json", null, null, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(r.body()).path("from").asText()).isEqualTo("package");
    }

    @Test
    void preflightOptionsAreAnsweredWithWebCorsHeaders() throws Exception
    {
        final HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(platform.apiHost() +
            "/api/v1/web/guest/default/echo.json")).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .header("Access-Control-Request-Headers", "x-custom, content-type").build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("access-control-allow-origin")).hasValue("*");
        assertThat(r.headers().firstValue("access-control-allow-methods"))
            .hasValue("OPTIONS, GET, DELETE, POST, PUT, HEAD, PATCH");
        assertThat(r.headers().firstValue("access-control-allow-headers")).hasValue("x-custom, content-type");
    }

    private static HttpResponse<String> send(final String method, final String path, final String contentType,
        final byte[] body, final String auth) throws Exception
    {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(platform.apiHost() + path))
            .timeout(Duration.ofSeconds(90))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() :
                HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null)
        {
            b.header("Content-Type", contentType);
        }
        if (auth != null)
        {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                auth.getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
