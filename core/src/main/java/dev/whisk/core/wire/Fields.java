package dev.whisk.core.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Length-prefixed fields on Agrona buffers, shared by every codec here. A string or byte field is an int length
 * (-1 for null) followed by its bytes; all numbers are little-endian as Agrona writes them.
 */
public final class Fields
{
    public static final int NULL_LENGTH = -1;

    private Fields()
    {
    }

    /** Writes {@code value} at {@code offset} and returns the offset after it. */
    public static int putString(final MutableDirectBuffer buffer, final int offset, final String value)
    {
        if (value == null)
        {
            buffer.putInt(offset, NULL_LENGTH);
            return offset + Integer.BYTES;
        }
        final int length = buffer.putStringWithoutLengthUtf8(offset + Integer.BYTES, value);
        buffer.putInt(offset, length);
        return offset + Integer.BYTES + length;
    }

    public static int putBytes(final MutableDirectBuffer buffer, final int offset, final byte[] value)
    {
        if (value == null)
        {
            buffer.putInt(offset, NULL_LENGTH);
            return offset + Integer.BYTES;
        }
        buffer.putInt(offset, value.length);
        buffer.putBytes(offset + Integer.BYTES, value);
        return offset + Integer.BYTES + value.length;
    }

    /** Reads the string at {@code offset}; the reader advances by {@link #skip(DirectBuffer, int)}. */
    public static String getString(final DirectBuffer buffer, final int offset)
    {
        final int length = buffer.getInt(offset);
        if (length == NULL_LENGTH)
        {
            return null;
        }
        checkLength(buffer, offset, length);
        return buffer.getStringWithoutLengthUtf8(offset + Integer.BYTES, length);
    }

    public static byte[] getBytes(final DirectBuffer buffer, final int offset)
    {
        final int length = buffer.getInt(offset);
        if (length == NULL_LENGTH)
        {
            return null;
        }
        checkLength(buffer, offset, length);
        final byte[] out = new byte[length];
        buffer.getBytes(offset + Integer.BYTES, out);
        return out;
    }

    /** The offset after the length-prefixed field at {@code offset}. */
    public static int skip(final DirectBuffer buffer, final int offset)
    {
        final int length = buffer.getInt(offset);
        return offset + Integer.BYTES + (length == NULL_LENGTH ? 0 : length);
    }

    public static int utf8Length(final String s)
    {
        return s == null ? Integer.BYTES : Integer.BYTES + s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static void checkLength(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < 0 || (long)offset + Integer.BYTES + length > buffer.capacity())
        {
            throw new IllegalArgumentException(
                "field length " + length + " at offset " + offset + " exceeds buffer capacity " + buffer.capacity());
        }
    }
}
