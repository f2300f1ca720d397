package dev.whisk.core.entity;

/**
 * Validation of simple entity names (namespaces, packages, actions, triggers, rules) against OpenWhisk's pattern:
 * a word character, then up to 254 of {@code [\w@ .&-]}, ending in a non-space.
 */
public final class EntityName
{
    public static final int MAX_LENGTH = 256;

    private EntityName()
    {
    }

    /**
     * Whether {@code name} matches {@code \A([\w]|[\w][\w@ .&-]{0,254}[\w@.&-])\z}, checked by hand: every request
     * checks its names, and a regex matcher per name was a tenth of the bytes a warm invoke allocated.
     */
    public static boolean isValid(final String name)
    {
        if (name == null)
        {
            return false;
        }
        final int n = name.length();
        if (n == 0 || n > MAX_LENGTH || !isWord(name.charAt(0)))
        {
            return false;
        }
        for (int i = 1; i < n - 1; i++)
        {
            final char c = name.charAt(i);
            if (!isWord(c) && !isPunctuation(c) && c != ' ')
            {
                return false;
            }
        }
        final char last = name.charAt(n - 1);
        return n == 1 || isWord(last) || isPunctuation(last);
    }

    /** Java's {@code \w}: ASCII letters, digits and the underscore. */
    private static boolean isWord(final char c)
    {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    private static boolean isPunctuation(final char c)
    {
        return c == '@' || c == '.' || c == '&' || c == '-';
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
