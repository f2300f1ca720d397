package dev.whisk.core.entity;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Objects;

/**
 * One {@code {key, value}} entry of an entity's parameters or annotations. An {@code init} parameter is handed to the
 * runtime as environment at {@code /init} instead of as an argument.
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
public record Param(@JsonInclude(JsonInclude.Include.ALWAYS) String key,
                    @JsonInclude(JsonInclude.Include.ALWAYS) JsonNode value,
                    boolean init)
{
    public Param
    {
        Objects.requireNonNull(key, "key");
    }

    public static Param of(final String key, final JsonNode value)
    {
        return new Param(key, value, false);
    }

    /** The value of {@code key} in {@code params}, or {@code null}. */
    public static JsonNode find(final List<Param> params, final String key)
    {
        for (int i = 0, n = params.size(); i < n; i++)
        {
            final Param p = params.get(i);
            if (p.key.equals(key))
            {
                return p.value;
            }
        }
        return null;
    }

    /** True when the annotation {@code key} is present with the boolean value true. */
    public static boolean isTrue(final List<Param> params, final String key)
    {
        final JsonNode v = find(params, key);
        return v != null && v.isBoolean() && v.booleanValue();
    }
}
