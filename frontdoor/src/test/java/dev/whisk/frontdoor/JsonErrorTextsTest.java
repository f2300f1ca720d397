package dev.whisk.frontdoor;

import dev.whisk.testkit.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad JSON is refused in the client's words: no Jackson class, constraint getter, token constant or source
 * description in any error text; JSON nested as deep as OpenWhisk allows (1000 levels) is taken, deeper is a clean
 * 400.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class JsonErrorTextsTest
{
    @RegisterExtension
    final TestServer server = new TestServer();

    @Test
    void malformedBodiesAreDescribedWithoutNamingClasses() throws Exception
    {
        final Http alice = server.alice();
        final List<Http.Reply> replies = List.of(
            alice.put("/namespaces/_/actions/a", "{\"exec\":"),
            alice.put("/namespaces/_/actions/a", "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":x}}"),
            alice.put("/namespaces/_/triggers/t", "{\"parameters\": [1, }"),
            alice.put("/namespaces/_/packages/p", "\"just a string\" trailing"),
            alice.put("/namespaces/_/rules/r", "{\"trigger\": \"\\uZZZZ\"}"),
            alice.put("/namespaces/_/triggers/deep", nested(1001)));
        for (final Http.Reply r : replies)
        {
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.error()).as("error text").startsWith("The request content was malformed")
                .doesNotContain("com.fasterxml", "jackson", "Jackson", "StreamRead", "JsonToken", "`", "Source:",
                    "REDACTED", "dev.whisk", "java.lang");
        }
        assertThat(replies.get(replies.size() - 1).error()).contains("nesting depth").contains("1000");
    }

    @Test
    void jsonNestedAsDeepAsOpenWhiskAllowsIsTaken() throws Exception
    {
        final Http.Reply deep = server.alice().put("/namespaces/_/triggers/deep",
            "{\"parameters\":[{\"key\":\"x\",\"value\":" + nested(990) + "}]}");
        assertThat(deep.status()).as(deep.body()).isEqualTo(200);
        final Http.Reply back = server.alice().get("/namespaces/_/triggers/deep");
        assertThat(back.status()).isEqualTo(200);
        assertThat(back.body()).contains("[".repeat(990));
    }

    /** {@code depth} arrays, one inside the other. */
    static String nested(final int depth)
    {
        return "[".repeat(depth) + "]".repeat(depth);
    }
}
