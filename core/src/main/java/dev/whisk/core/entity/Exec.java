package dev.whisk.core.entity;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What an action runs: code of a runtime kind, a blackbox image, or a sequence of components.
 *
 * @param kind       runtime kind, {@code blackbox} or {@code sequence}.
 * @param code       source text, or base64 of an archive when {@code binary}.
 * @param main       entry point; {@code null} means the runtime's default, {@code main}.
 * @param binary     inferred from the code, never taken from the client.
 * @param image      docker image for {@code blackbox}.
 * @param components fully qualified component names for {@code sequence}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Exec(String kind, String code, String main, Boolean binary, String image, List<String> components)
{
    public static final String SEQUENCE = "sequence";
    public static final String BLACKBOX = "blackbox";
    private static final Pattern BASE64 =
        Pattern.compile("^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$");

    /** An exec for source or archive code, with {@code binary} inferred as OpenWhisk does. */
    public static Exec code(final String kind, final String code, final String main)
    {
        return new Exec(kind, code, main, isBinary(code), null, null);
    }

    /**
     * OpenWhisk's rule: binary iff the trimmed code is non-empty, a multiple of 4 long, and matches base64.
     */
    public static boolean isBinary(final String code)
    {
        if (code == null)
        {
            return false;
        }
        final String t = code.trim();
        return !t.isEmpty() && t.length() % 4 == 0 && BASE64.matcher(t).matches();
    }

    @JsonIgnore
    public boolean isSequence()
    {
        return SEQUENCE.equals(kind);
    }

    /** The exec without its code, for {@code code=false} reads and list items. */
    public Exec withoutCode()
    {
        return new Exec(kind, null, main, binary, image, components);
    }
}
