package dev.whisk.core.entity;

import java.util.regex.Pattern;

/**
 * Validation of simple entity names (namespaces, packages, actions, triggers, rules) against OpenWhisk's pattern:
 * a word character, then up to 254 of {@code [\w@ .&-]}, ending in a non-space.
 */
public final class EntityName
{
    public static final int MAX_LENGTH = 256;
    private static final Pattern NAME = Pattern.compile("\\A([\\w]|[\\w][\\w@ .&-]{0,254}[\\w@.&-])\\z");

    private EntityName()
    {
    }

    public static boolean isValid(final String name)
    {
        return name != null && name.length() <= MAX_LENGTH && NAME.matcher(name).matches();
    }

    /**
     * @throws IllegalArgumentException with the spec's message when {@code name} is not a valid simple name.
     */
    public static String require(final String name)
    {
        if (!isValid(name))
        {
            throw new IllegalArgumentException(Messages.ILLEGAL_NAME);
        }
        return name;
    }
}
