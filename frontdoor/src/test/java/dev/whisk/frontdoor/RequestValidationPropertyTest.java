package dev.whisk.frontdoor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.core.entity.EntityName;
import dev.whisk.core.json.Json;
import dev.whisk.testkit.Fixture;
import dev.whisk.testkit.Http;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated malformed, mistyped and oversized requests against the real front door: every answer is a clean 4xx
 * (a JSON body with an {@code error} text and a {@code code}), and the stored entities are exactly as before.
 */
class RequestValidationPropertyTest
{
    private static final String GOOD_CODE =
        "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"function main(p){return p}\"}}";
    private static Path dir;
    private static TestServer server;
    private static Http alice;

    @BeforeContainer
    static void start() throws Exception
    {
        dir = Files.createTempDirectory("frontdoor-properties");
        server = new TestServer(dir);
        alice = server.alice();
        assertThat(alice.put("/namespaces/_/actions/existing", GOOD_CODE).status()).isEqualTo(200);
        assertThat(alice.put("/namespaces/_/packages/pkg", "{}").status()).isEqualTo(200);
        assertThat(alice.put("/namespaces/_/triggers/trig", "{}").status()).isEqualTo(200);
    }

    @AfterContainer
    static void stop()
    {
        if (server != null)
        {
            server.close();
        }
        Fixture.deleteTree(dir);
    }

    @Property(tries = 300)
    void bodiesThatAreNotJsonObjectsAreRefusedEverywhere(@ForAll("notJsonObjects") final String body,
        @ForAll("entityRoutes") final String route) throws Exception
    {
        final String before = snapshot();
        assertCleanClientError(alice.put(route + "?overwrite=true", body));
        assertThat(snapshot()).isEqualTo(before);
    }

    @Property(tries = 300)
    void mistypedActionFieldsAreRefused(@ForAll("mistypedActions") final String body) throws Exception
    {
        final String before = snapshot();
        assertCleanClientError(alice.put("/namespaces/_/actions/existing?overwrite=true", body));
        assertCleanClientError(alice.put("/namespaces/_/actions/fresh", body));
        assertThat(snapshot()).isEqualTo(before);
    }

    @Property(tries = 300)
    void invalidNamesAreRefused(@ForAll("invalidNames") final String name,
        @ForAll("entityCollections") final String collection) throws Exception
    {
        final String before = snapshot();
        final String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        assertCleanClientError(alice.put("/namespaces/_/" + collection + "/" + encoded, GOOD_CODE));
        assertThat(snapshot()).isEqualTo(before);
    }

    @Property(tries = 200)
    void listPagingOutsideItsRangesIsRefusedWithTheSpecsText(@ForAll("pagingValues") final String limit)
        throws Exception
    {
        final Http.Reply reply = alice.get("/namespaces/_/actions?limit=" +
            URLEncoder.encode(limit, StandardCharsets.UTF_8));
        Integer parsed = null;
        try
        {
            parsed = Integer.parseInt(limit);
        }
        catch (final NumberFormatException ex)
        {
            // not an integer: the 400 below
        }
        if (parsed != null && parsed >= 0 && parsed <= 200)
        {
            assertThat(reply.status()).isEqualTo(200);
        }
        else
        {
            assertCleanClientError(reply);
            assertThat(reply.error()).isEqualTo(parsed == null ?
                "The value '" + limit + "' is not an integer for actions." :
                "The value '" + parsed + "' is not in the range of 0 to 200 for actions.");
        }
    }

    @Property(tries = 20)
    void invokeBodiesOverOneMegabyteAre413(@ForAll("oversizedLengths") final int length) throws Exception
    {
        final String before = snapshot();
        final Http.Reply reply = alice.post("/namespaces/_/actions/existing", "{\"a\":\"" +
            "x".repeat(length) + "\"}");
        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.error()).startsWith("Request larger than allowed: ").endsWith(" > 1048576 bytes.");
        assertThat(snapshot()).isEqualTo(before);
    }

    @Provide
    Arbitrary<String> notJsonObjects()
    {
        final Arbitrary<String> anyText = Arbitraries.strings().ofMaxLength(60)
            .filter(s -> !s.isBlank() && !isJsonObject(s));
        final Arbitrary<String> jsonNonObjects = Arbitraries.of("[]", "[1,2]", "1", "\"s\"", "true", "null",
            "{\"a\":1}{", "{\"a\":", "{'a':1}", "{\"a\":1} x", "{\"a\":1,}");
        return Arbitraries.oneOf(anyText, jsonNonObjects);
    }

    @Provide
    Arbitrary<String> entityRoutes()
    {
        return Arbitraries.of("/namespaces/_/actions/existing", "/namespaces/_/packages/pkg",
            "/namespaces/_/triggers/trig", "/namespaces/_/rules/rule", "/namespaces/_/actions/pkg/inner");
    }

    @Provide
    Arbitrary<String> entityCollections()
    {
        return Arbitraries.of("actions", "packages", "triggers", "rules");
    }

    @Provide
    Arbitrary<String> mistypedActions()
    {
        final Arbitrary<String> junk = Arbitraries.of("1", "\"x\"", "[]", "{}", "true", "null", "-5", "1.5",
            "{\"k\":1}", "[{\"key\":1}]", "[{\"value\":1}]");
        final Arbitrary<String> badExec = junk.filter(v -> !"null".equals(v)).map(v -> "{\"exec\":" + v + "}");
        final Arbitrary<String> badKind = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12)
            .filter(k -> !"blackbox".equals(k))
            .map(k -> "{\"exec\":{\"kind\":\"" + k + "\",\"code\":\"x\"}}");
        final Arbitrary<String> badLimit = Arbitraries.of("timeout", "memory", "logs", "concurrency")
            .flatMap(field -> Arbitraries.oneOf(
                Arbitraries.integers().between(-1_000_000, 99).filter(v -> !inRange(field, v)).map(String::valueOf),
                Arbitraries.integers().between(501, 2_000_000_000).filter(v -> !inRange(field, v))
                    .map(String::valueOf),
                junk.filter(v -> !"null".equals(v) && !"1".equals(v)))
                .map(v -> withExec("\"limits\":{\"" + field + "\":" + v + "}")));
        final Arbitrary<String> badParams = junk.filter(v -> !"null".equals(v) && !"[]".equals(v))
            .map(v -> withExec("\"parameters\":" + v));
        final Arbitrary<String> badFlags = junk.filter(v -> !"true".equals(v) && !"null".equals(v))
            .map(v -> withExec("\"publish\":" + v));
        final Arbitrary<String> badVersion = Arbitraries.of("\"1\"", "\"a.b.c\"", "1", "\"1.2\"", "[]")
            .map(v -> withExec("\"version\":" + v));
        return Arbitraries.oneOf(badExec, badKind, badLimit, badParams, badFlags, badVersion);
    }

    @Provide
    Arbitrary<String> invalidNames()
    {
        return Arbitraries.strings().ofMinLength(1).ofMaxLength(300)
            .withChars("ab_-. @&/\\\"'%$#!?*é~\t")
            .filter(n -> !EntityName.isValid(n) && !n.contains("/") && !".".equals(n) && !"..".equals(n));
    }

    @Provide
    Arbitrary<String> pagingValues()
    {
        return Arbitraries.oneOf(Arbitraries.integers().between(-1000, 1000).map(String::valueOf),
            Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(8));
    }

    @Provide
    Arbitrary<Integer> oversizedLengths()
    {
        return Arbitraries.integers().between(1024 * 1024, 3 * 1024 * 1024);
    }

    private static String withExec(final String field)
    {
        return "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"x\"}," + field + "}";
    }

    private static boolean inRange(final String field, final int v)
    {
        return switch (field)
        {
            case "timeout" -> v >= 100 && v <= 300_000;
            case "memory" -> v >= 128 && v <= 512;
            case "logs" -> v >= 0 && v <= 10;
            default -> v >= 1 && v <= 500;
        };
    }

    private static boolean isJsonObject(final String s)
    {
        try
        {
            final JsonNode n = Json.MAPPER.readTree(s);
            return n != null && n.isObject();
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    private static void assertCleanClientError(final Http.Reply reply)
    {
        assertThat(reply.status()).as(reply.body()).isBetween(400, 499);
        final JsonNode body = reply.json();
        assertThat(body.path("error").isTextual()).as(reply.body()).isTrue();
        assertThat(body.path("code").asText()).hasSize(32);
        assertThat(reply.body()).doesNotContain("Exception").doesNotContain("at dev.");
    }

    /** Every entity of the namespace with its version and stamp. */
    private static String snapshot()
    {
        final StringBuilder sb = new StringBuilder();
        for (final String c : List.of("actions", "packages", "triggers", "rules"))
        {
            server.entities.list("alice", c, 0, Integer.MAX_VALUE)
                .forEach(e -> sb.append(e.docId()).append('@').append(e.version()).append('@').append(e.updated())
                    .append('\n'));
        }
        return sb.toString();
    }
}
