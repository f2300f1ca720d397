package dev.whisk.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.core.json.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The client's JSON against the platform's own Jackson configuration: the same documents parse to the same values and
 * print the same text, compact and pretty, and what Jackson refuses the client refuses.
 */
class JsonValueTest
{
    private static final List<String> DOCUMENTS = List.of(
        "{}", "[]", "0", "-0", "7", "-12", "2147483648", "9223372036854775807", "-9223372036854775808",
        "92233720368547758070", "1.5", "-0.0", "1e3", "1E-7", "6.02214076e23", "1.0", "123456789.123456789",
        "true", "false", "null", "\"\"", "\"plain\"", "\"quote \\\" backslash \\\\ slash \\/\"",
        "\"\\b\\f\\n\\r\\t \\u0001 \\u001f \\u007f \\u00e9 \\u20ac \\ud83d\\ude00\"", "\"caf\u00e9 \u2028\"",
        "{\"a\":1}", "{\"a\":{}}", "{\"a\":[]}", "[{}]", "[[]]", "[1,[2,[3,[]]],{}]",
        "{\"greeting\":\"Hello, World!\"}",
        "{\"a\":[{\"b\":1,\"c\":[true,null]},{\"d\":{\"e\":\"f\"}}],\"g\":{\"h\":[[1,2],[3]]}}",
        "  {\n\t\"spaced\" :  [ 1 , 2 ]\r\n}  ",
        "{\"dup\":1,\"other\":2,\"dup\":3}",
        "{\"namespace\":\"guest\",\"name\":\"hello\",\"annotations\":[{\"key\":\"exec\",\"value\":\"nodejs:20\"}]," +
            "\"limits\":{\"timeout\":60000,\"memory\":256},\"exec\":{\"kind\":\"nodejs:20\",\"binary\":false}}");

    private static final List<String> NOT_JSON = List.of(
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{a:1}", "{'a':1}", "01", "+1", ".5", "1.", "1e", "-", "--1",
        "NaN", "Infinity", "tru", "nul", "\"unterminated", "\"bad \\x escape\"", "\"\\u12\"", "\"tab\there\"",
        "1 2", "{} {}", "[1] x", "// comment\n1", "{\"a\" 1}", "[1 2]", "\"a\"\"b\"");

    @Test
    void printsWhatJacksonPrints() throws Exception
    {
        for (final String doc : DOCUMENTS)
        {
            final JsonNode jackson = Json.MAPPER.readTree(doc);
            final JsonValue ours = JsonValue.parse(doc);
            assertThat(ours.toString()).as("compact %s", doc).isEqualTo(jackson.toString());
            assertThat(ours.toPrettyString()).as("pretty %s", doc).isEqualTo(jackson.toPrettyString());
            assertThat(ours.asText()).as("asText %s", doc).isEqualTo(jackson.asText());
            assertThat(ours.size()).as("size %s", doc).isEqualTo(jackson.size());
        }
    }

    @Test
    void refusesWhatJacksonRefuses() throws Exception
    {
        for (final String doc : NOT_JSON)
        {
            assertThatThrownBy(() -> JsonValue.parse(doc)).as(doc).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not JSON: ");
            final Throwable jackson = catchThrowable(() -> Json.MAPPER.readTree(doc));
            final boolean jacksonRefused = jackson != null || Json.MAPPER.readTree(doc).isMissingNode();
            assertThat(jacksonRefused).as("Jackson refuses %s too", doc).isTrue();
        }
        final String deep = "[".repeat(201) + "]".repeat(201);
        assertThatThrownBy(() -> JsonValue.parse(deep)).hasMessageContaining("nested deeper than 200");
        assertThat(JsonValue.parse("[".repeat(200) + "]".repeat(200)).size()).isEqualTo(1);
    }

    @Test
    void aFlagValueIsItsJsonWhenItIsJsonAndElseTheText()
    {
        assertThat(JsonValue.parseOrText("World").toString()).isEqualTo("\"World\"");
        assertThat(JsonValue.parseOrText("5").toString()).isEqualTo("5");
        assertThat(JsonValue.parseOrText(" 5 ").toString()).isEqualTo("5");
        assertThat(JsonValue.parseOrText("true").toString()).isEqualTo("true");
        assertThat(JsonValue.parseOrText("{\"a\":[1]}").path("a").path(0).asLong()).isEqualTo(1);
        assertThat(JsonValue.parseOrText("1 2").toString()).isEqualTo("\"1 2\"");
        assertThat(JsonValue.parseOrText("").toString()).isEqualTo("\"\"");
        assertThat(JsonValue.parseOrText("0123").toString()).isEqualTo("\"0123\"");
    }

    @Test
    void readsMembersAsJacksonsPathDoes()
    {
        final JsonValue v = JsonValue.parse("{\"s\":\"12\",\"n\":3.9,\"b\":true,\"z\":null,\"o\":{\"x\":[\"a\"]}}");
        assertThat(v.path("s").asLong()).isEqualTo(12);
        assertThat(v.path("s").asInt(-1)).isEqualTo(12);
        assertThat(v.path("n").asLong()).isEqualTo(3);
        assertThat(v.path("n").asText()).isEqualTo("3.9");
        assertThat(v.path("b").asBoolean()).isTrue();
        assertThat(v.path("b").asText()).isEqualTo("true");
        assertThat(v.path("z").isNull()).isTrue();
        assertThat(v.path("z").asText()).isEqualTo("null");
        assertThat(v.path("absent").isMissing()).isTrue();
        assertThat(v.path("absent").asText()).isEmpty();
        assertThat(v.path("absent").asInt(7)).isEqualTo(7);
        assertThat(v.path("absent").path("deeper").path(3).isMissing()).isTrue();
        assertThat(v.path("o").path("x").path(0).asText()).isEqualTo("a");
        assertThat(v.path("o").asText()).isEmpty();
        assertThat(v.has("z")).isTrue();
        assertThat(v.has("absent")).isFalse();
        assertThat(v.fields().keySet()).containsExactly("s", "n", "b", "z", "o");
        int elements = 0;
        for (final JsonValue ignored : v.path("s"))
        {
            elements++;
        }
        assertThat(elements).as("a string has no elements").isZero();
    }

    @Test
    void buildsRequestBodiesInOrder() throws Exception
    {
        final JsonValue body = JsonValue.object();
        body.putObject("exec").put("kind", "nodejs:20").put("code", "x\ny").put("binary", false);
        body.putArray("annotations").addObject().put("key", "web-export").set("value", JsonValue.of(true));
        body.putObject("limits").put("memory", 128);
        body.set("parameters", JsonValue.array().add("a").add(JsonValue.NULL));
        assertThat(body.toString()).isEqualTo("{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"x\\ny\"," +
            "\"binary\":false}," +
            "\"annotations\":[{\"key\":\"web-export\",\"value\":true}],\"limits\":{\"memory\":128}," +
            "\"parameters\":[\"a\",null]}");
        assertThat(Json.MAPPER.readTree(body.toString()).toPrettyString()).isEqualTo(body.toPrettyString());
    }
}
