package dev.whisk.pool;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.whisk.core.json.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-written shape check says what the platform's Jackson says of the same bytes: on cases picked by hand, on
 * random JSON documents, and on those documents with a byte changed, removed or added.
 */
class JsonShapeTest
{
    /** What RunResults asked Jackson before: the top level of the document, the whole of it checked. */
    private static JsonShape.Shape jackson(final byte[] body)
    {
        if (body.length == 0)
        {
            return JsonShape.Shape.INVALID;
        }
        try (JsonParser p = Json.MAPPER.getFactory().createParser(body))
        {
            final JsonToken first = p.nextToken();
            if (first == JsonToken.START_ARRAY)
            {
                p.skipChildren();
                return p.nextToken() == null ? JsonShape.Shape.ARRAY : JsonShape.Shape.INVALID;
            }
            if (first != JsonToken.START_OBJECT)
            {
                p.skipChildren();
                return first == null || p.nextToken() != null ? JsonShape.Shape.INVALID : JsonShape.Shape.SCALAR;
            }
            boolean hasError = false;
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                hasError |= "error".equals(p.currentName());
                p.nextToken();
                p.skipChildren();
            }
            if (p.nextToken() != null)
            {
                return JsonShape.Shape.INVALID;
            }
            return hasError ? JsonShape.Shape.OBJECT_WITH_ERROR : JsonShape.Shape.OBJECT;
        }
        catch (final IOException ex)
        {
            return JsonShape.Shape.INVALID;
        }
    }

    private static void same(final String text)
    {
        final byte[] body = text.getBytes(StandardCharsets.UTF_8);
        assertThat(JsonShape.of(body)).as("%s", text).isEqualTo(jackson(body));
    }

    @Test
    void casesPickedByHand()
    {
        final String[] cases = {"{}", "[]", "{\"error\":\"x\"}", "{\"a\":1,\"error\":{}}", "{\"a\":{\"error\":1}}",
            "{\"\\u0065rror\":true}", "{\"errors\":1}", " \n{ \"a\" : [ 1 , 2.5e-3 , -0 , true , null ] } \t",
            "1", "\"s\"", "true", "null", "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\"}", "{\"a\" 1}", "{1:2}",
            "[01]", "[1.]", "[.5]", "[1e]", "[-]", "[tru]", "[nul]", "[truex]", "{\"a\":1}{}", "{} x", "[1 2]",
            "\"\\x\"", "\"\\u12g4\"", "\"tab\there\"", "\"caf\u00e9 \ud83d\ude00\"", "{\"a\":\"\\\"}\"}", "[\"]\"]",
            "//c\n{}", "{'a':1}", "[NaN]", "[1,2,[3,[4,{\"b\":[]}]]]", "{\"a\":[{}]}", "[\"a\"\"b\"]"};
        for (final String c : cases)
        {
            same(c);
        }
        assertThat(JsonShape.of(null)).isEqualTo(JsonShape.Shape.INVALID);
    }

    @Test
    void nestingUpToJacksonsLimitAndNoFurther()
    {
        final int limit = JsonShape.MAX_DEPTH;
        same("[".repeat(limit) + "]".repeat(limit));
        same("[".repeat(limit + 1) + "]".repeat(limit + 1));
        same("{\"a\":".repeat(limit - 1) + "{}" + "}".repeat(limit - 1));
        same("[".repeat(70) + "{\"x\":" + "[".repeat(10) + "1" + "]".repeat(10) + "}" + "]".repeat(70));
        assertThat(JsonShape.of(("[".repeat(limit) + "]".repeat(limit)).getBytes(StandardCharsets.UTF_8)))
            .isEqualTo(JsonShape.Shape.ARRAY);
    }

    @Test
    void randomDocumentsAndTheirMutationsAgreeWithJackson()
    {
        final SplittableRandom random = new SplittableRandom(7);
        final String noise = "{}[],:\"\\ 0123456789-+.eEtrufalsn\n";
        for (int i = 0; i < 3_000; i++)
        {
            final StringBuilder doc = new StringBuilder();
            value(doc, random, 0);
            final String text = doc.toString();
            same(text);
            for (int m = 0; m < 5; m++)
            {
                final StringBuilder mutated = new StringBuilder(text);
                final int at = random.nextInt(mutated.length() + 1);
                switch (random.nextInt(3))
                {
                    case 0 -> mutated.insert(at, noise.charAt(random.nextInt(noise.length())));
                    case 1 ->
                    {
                        if (at < mutated.length() && !Character.isSurrogate(mutated.charAt(at)))
                        {
                            mutated.deleteCharAt(at);
                        }
                    }
                    default ->
                    {
                        if (at < mutated.length() && !Character.isSurrogate(mutated.charAt(at)))
                        {
                            mutated.setCharAt(at, noise.charAt(random.nextInt(noise.length())));
                        }
                    }
                }
                same(mutated.toString());
            }
        }
    }

    private static void value(final StringBuilder out, final SplittableRandom random, final int depth)
    {
        final int kind = depth > 4 ? 2 + random.nextInt(4) : random.nextInt(6);
        switch (kind)
        {
            case 0 ->
            {
                out.append('{');
                final int n = random.nextInt(4);
                for (int i = 0; i < n; i++)
                {
                    if (i > 0)
                    {
                        out.append(',');
                    }
                    out.append(random.nextInt(8) == 0 ? "\"error\"" : "\"k" + i + "\"").append(':');
                    value(out, random, depth + 1);
                }
                out.append('}');
            }
            case 1 ->
            {
                out.append('[');
                final int n = random.nextInt(4);
                for (int i = 0; i < n; i++)
                {
                    if (i > 0)
                    {
                        out.append(random.nextBoolean() ? "," : " , ");
                    }
                    value(out, random, depth + 1);
                }
                out.append(']');
            }
            case 2 -> out.append('"').append(new String[] {"", "a", "\\n", "\\u00e9", "\u00e9", "\ud83d\ude00", "\\\"",
                "x y"}[random.nextInt(8)]).append('"');
            case 3 -> out.append(new String[] {"0", "-1", "12.5", "1e10", "-0.5E-3", "100"}[random.nextInt(6)]);
            case 4 -> out.append(new String[] {"true", "false", "null"}[random.nextInt(3)]);
            default -> out.append(random.nextBoolean() ? " " : "").append("7");
        }
    }
}
