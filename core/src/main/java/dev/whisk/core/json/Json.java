package dev.whisk.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one Jackson configuration of the platform: strict on input, compact on output, and the wording of its parse
 * failures for clients ({@link #problem}).
 */
public final class Json
{
    /**
     * How deep JSON may nest: OpenWhisk's JSON parser (spray-json) allows 1000 levels, so a result or a parameter
     * that OpenWhisk takes is taken here too. Jackson reads trees without recursion; writing one of 1000 levels needs
     * far less stack than a thread has.
     */
    public static final int MAX_NESTING_DEPTH = 1000;

    /** Thread-safe once configured; shared. */
    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .maxStringLength(64 * 1024 * 1024)
                .build())
            .build())
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build();

    private static final java.util.regex.Pattern FROM_CONSTRAINT =
        java.util.regex.Pattern.compile(",? +from `[^`]*`");
    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("`?JsonToken\\.([A-Z_]+)`?");
    private static final java.util.regex.Pattern QUALIFIED =
        java.util.regex.Pattern.compile("`(?:[a-zA-Z_$][\\w$]*\\.)+([A-Za-z_$][\\w$]*)(\\[\\])?`");
    private static final java.util.regex.Pattern ANY_CLASS =
        java.util.regex.Pattern.compile("\\b(?:com\\.fasterxml|dev\\.whisk|java\\.(?:lang|util))\\.[\\w.$]+");

    private Json()
    {
    }

    /**
     * What was wrong with JSON a client sent, in words for that client: Jackson's own text without the names of
     * Jackson's or our classes (a constraint's getter, a target type, a token constant), with the line and column
     * where it was found. For example "Document nesting depth (1001) exceeds the maximum allowed (1000) at line 1,
     * column 1001".
     */
    public static String problem(final java.io.IOException failure)
    {
        if (!(failure instanceof com.fasterxml.jackson.core.JacksonException jackson))
        {
            return "the JSON could not be read";
        }
        String text = clean(jackson.getOriginalMessage());
        final com.fasterxml.jackson.core.JsonLocation at = jackson.getLocation();
        if (at != null && at.getLineNr() > 0)
        {
            text += " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        }
        return text;
    }

    /** {@code message} with any class name, constraint getter or token constant put in plain words. */
    public static String clean(final String message)
    {
        if (message == null || message.isEmpty())
        {
            return "the JSON is not valid";
        }
        if (message.startsWith("Trailing token"))
        {
            return "trailing content after the JSON value";
        }
        String text = FROM_CONSTRAINT.matcher(message).replaceAll("");
        text = TOKEN.matcher(text).replaceAll(m -> tokenWord(m.group(1)));
        text = QUALIFIED.matcher(text).replaceAll(m -> typeWord(m.group(1), m.group(2) != null));
        text = ANY_CLASS.matcher(text).replaceAll("value");
        final int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).trim();
    }

    private static String tokenWord(final String token)
    {
        return switch (token)
        {
            case "START_OBJECT", "END_OBJECT" -> "an object";
            case "START_ARRAY", "END_ARRAY" -> "an array";
            case "VALUE_STRING" -> "a string";
            case "VALUE_NUMBER_INT", "VALUE_NUMBER_FLOAT" -> "a number";
            case "VALUE_TRUE", "VALUE_FALSE" -> "a boolean";
            case "VALUE_NULL" -> "null";
            case "FIELD_NAME" -> "a field name";
            default -> "a value";
        };
    }

    private static String typeWord(final String simpleName, final boolean array)
    {
        if (array)
        {
            return "an array";
        }
        return switch (simpleName)
        {
            case "String", "char", "Character" -> "a string";
            case "int", "Integer", "long", "Long", "short", "Short", "double", "Double", "float", "Float",
                 "BigDecimal", "BigInteger", "Number" -> "a number";
            case "boolean", "Boolean" -> "a boolean";
            case "List", "ArrayList", "Collection", "ArrayNode", "Set" -> "an array";
            case "Map", "LinkedHashMap", "HashMap", "ObjectNode" -> "an object";
            default -> "a value of the expected shape";
        };
    }
}
