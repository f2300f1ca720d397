package dev.whisk.core.activation;

import java.util.concurrent.ThreadLocalRandom;

/** Activation ids: 32 lowercase hex characters, a random 128-bit value held as two longs on the hot path. */
public final class ActivationId
{
    public static final int LENGTH = 32;
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private ActivationId()
    {
    }

    public static long randomHalf()
    {
        return ThreadLocalRandom.current().nextLong();
    }

    public static String toString(final long hi, final long lo)
    {
        final byte[] out = new byte[LENGTH];
        writeHex(hi, out, 0);
        writeHex(lo, out, 16);
        return new String(out, java.nio.charset.StandardCharsets.US_ASCII);
    }

    public static String random()
    {
        return toString(randomHalf(), randomHalf());
    }

    public static boolean isValid(final String id)
    {
        if (id == null || id.length() != LENGTH)
        {
            return false;
        }
        for (int i = 0; i < LENGTH; i++)
        {
            final char c = id.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            {
                return false;
            }
        }
        return true;
    }

    public static long parseHi(final String id)
    {
        return Long.parseUnsignedLong(id, 0, 16, 16);
    }

    public static long parseLo(final String id)
    {
        return Long.parseUnsignedLong(id, 16, 32, 16);
    }

    private static void writeHex(final long v, final byte[] out, final int at)
    {
        for (int i = 0; i < 16; i++)
        {
            out[at + i] = HEX[(int)(v >>> (60 - 4 * i)) & 0xF];
        }
    }
}
