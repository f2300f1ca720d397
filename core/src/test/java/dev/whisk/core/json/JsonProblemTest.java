package dev.whisk.core.json;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** Jackson's parse failures in a client's words: no class, getter or token constant, with where it happened. */
class JsonProblemTest
{
    @Test
    void nestingBeyondTheLimitIsDescribedPlainly()
    {
        final String text = problemOf("[".repeat(Json.MAX_NESTING_DEPTH + 1) + "]".repeat(Json.MAX_NESTING_DEPTH + 1));
        assertThat(text).contains("nesting depth").contains("1000")
            .doesNotContain("`", "StreamReadConstraints", "getMaxNestingDepth");
    }

    @Test
    void nestingUpToTheLimitIsTaken() throws IOException
    {
        final String deep = "[".repeat(Json.MAX_NESTING_DEPTH) + "]".repeat(Json.MAX_NESTING_DEPTH);
        assertThat(Json.MAPPER.readTree(deep).toString()).isEqualTo(deep);
    }

    @Test
    void syntaxErrorsNameNoClass()
    {
        for (final String bad : new String[] {"{\"a\":", "{\"a\": x}", "[1,}", "\"s\" trailing", "{\"a\":\"\\uZZ\"}"})
        {
            assertThat(problemOf(bad)).as(bad).doesNotContain("`", "com.fasterxml", "JsonToken", "Source:",
                "REDACTED", "StreamReadFeature");
        }
    }

    @Test
    void classNamesAndTokensArePutInWords()
    {
        assertThat(Json.clean("Cannot deserialize value of type `java.lang.String` from Object value " +
            "(token `JsonToken.START_OBJECT`)")).isEqualTo("Cannot deserialize value of type a string from Object " +
            "value (token an object)");
        assertThat(Json.clean("bound as `com.fasterxml.jackson.databind.JsonNode` here"))
            .isEqualTo("bound as a value of the expected shape here");
    }

    private static String problemOf(final String json)
    {
        try
        {
            Json.MAPPER.readTree(json);
        }
        catch (final IOException ex)
        {
            return Json.problem(ex);
        }
        throw new AssertionError("parsed: " + json);
    }
}
