package dev.whisk.pool;

/**
 * How many pre-warmed, un-initialized runtime containers the pool keeps ready for one (kind, memory).
 *
 * @param kind     runtime kind, e.g. {@code nodejs:20}.
 * @param memoryMb the memory limit of each, in MB.
 * @param count    how many to keep started.
 */
public record StemCell(String kind, int memoryMb, int count)
{
    public StemCell
    {
        if (kind == null || kind.isEmpty())
        {
            throw new IllegalArgumentException("stem cell kind is empty");
        }
        if (memoryMb < 128 || count < 0)
        {
            throw new IllegalArgumentException("stem cell " + kind + " needs memoryMb >= 128 and count >= 0, got "
                + memoryMb + " MB x " + count);
        }
    }

    /** Parses {@code kind:memoryMb:count}, e.g. {@code nodejs:20:256:2} (the kind itself holds a colon). */
    public static StemCell parse(final String text)
    {
        final int last = text.lastIndexOf(':');
        final int middle = last > 0 ? text.lastIndexOf(':', last - 1) : -1;
        if (middle <= 0)
        {
            throw new IllegalArgumentException("stem cell '" + text + "' is not kind:memoryMb:count");
        }
        try
        {
            return new StemCell(text.substring(0, middle), Integer.parseInt(text.substring(middle + 1, last)),
                Integer.parseInt(text.substring(last + 1)));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("stem cell '" + text + "' is not kind:memoryMb:count");
        }
    }
}
