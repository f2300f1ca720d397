package dev.whisk.core.activation;

import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.wire.Fields;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * The compact binary form of an {@link Activation}: used on the wire from invoker to scheduler and in the activation
 * store. Fixed fields first, then length-prefixed strings; the id is two longs, not 32 characters.
 *
 * <pre>
 *   byte version | long idHi | long idLo | long start | long end | byte status | byte timedOut
 *   int timeout | int memory | int logs | int concurrency | int waitTime | int initTime
 *   str namespace | str subject | str name | str version | str path | str kind | str cause
 *   bytes result | int logCount | str log...
 * </pre>
 */
public final class ActivationCodec
{
    public static final byte VERSION = 1;
    private static final int FIXED_LENGTH = 1 + 8 * 4 + 2 + 4 * 6;

    private ActivationCodec()
    {
    }

    /** Writes {@code a} at {@code offset}; returns the number of bytes written. The buffer must be expandable. */
    public static int encode(final Activation a, final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putByte(offset, VERSION);
        buffer.putLong(offset + 1, ActivationId.parseHi(a.activationId()));
        buffer.putLong(offset + 9, ActivationId.parseLo(a.activationId()));
        buffer.putLong(offset + 17, a.startMs());
        buffer.putLong(offset + 25, a.endMs());
        buffer.putByte(offset + 33, (byte)a.status().code());
        buffer.putByte(offset + 34, (byte)(a.timedOut() ? 1 : 0));
        final ActionLimits l = a.limits();
        buffer.putInt(offset + 35, l.timeout());
        buffer.putInt(offset + 39, l.memory());
        buffer.putInt(offset + 43, l.logs());
        buffer.putInt(offset + 47, l.concurrency());
        buffer.putInt(offset + 51, a.waitTimeMs());
        buffer.putInt(offset + 55, a.initTimeMs());
        int at = offset + FIXED_LENGTH;
        at = Fields.putString(buffer, at, a.namespace());
        at = Fields.putString(buffer, at, a.subject());
        at = Fields.putString(buffer, at, a.name());
        at = Fields.putString(buffer, at, a.version());
        at = Fields.putString(buffer, at, a.path());
        at = Fields.putString(buffer, at, a.kind());
        at = Fields.putString(buffer, at, a.cause());
        at = Fields.putBytes(buffer, at, a.result());
        final List<String> logs = a.logs();
        buffer.putInt(at, logs.size());
        at += Integer.BYTES;
        for (int i = 0, n = logs.size(); i < n; i++)
        {
            at = Fields.putString(buffer, at, logs.get(i));
        }
        return at - offset;
    }

    /**
     * @throws IllegalArgumentException when the bytes are not a record of a known version or are cut short.
     */
    public static Activation decode(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < FIXED_LENGTH || buffer.getByte(offset) != VERSION)
        {
            throw new IllegalArgumentException("not an activation record of version " + VERSION);
        }
        try
        {
            final String id = ActivationId.toString(buffer.getLong(offset + 1), buffer.getLong(offset + 9));
            final long start = buffer.getLong(offset + 17);
            final long end = buffer.getLong(offset + 25);
            final ActivationStatus status = ActivationStatus.ofCode(buffer.getByte(offset + 33));
            final boolean timedOut = buffer.getByte(offset + 34) != 0;
            final ActionLimits limits = new ActionLimits(buffer.getInt(offset + 35), buffer.getInt(offset + 39),
                buffer.getInt(offset + 43), buffer.getInt(offset + 47));
            final int waitTime = buffer.getInt(offset + 51);
            final int initTime = buffer.getInt(offset + 55);
            int at = offset + FIXED_LENGTH;
            final String namespace = Fields.getString(buffer, at);
            at = Fields.skip(buffer, at);
            final String subject = Fields.getString(buffer, at);
            at = Fields.skip(buffer, at);
            final String name = Fields.getString(buffer, at);
            at = Fields.skip(buffer, at);
            final String version = Fields.getString(buffer, at);
            at = Fields.skip(buffer, at);
            final String path = Fields.getString(buffer, at);
            at = Fields.skip(buffer, at);
            final String kind = Fields.getString(buffer, at);
            at = Fields.skip(buffer, at);
            final String cause = Fields.getString(buffer, at);
            at = Fields.skip(buffer, at);
            final byte[] result = Fields.getBytes(buffer, at);
            at = Fields.skip(buffer, at);
            final int logCount = buffer.getInt(at);
            at += Integer.BYTES;
            if (logCount < 0 || logCount > length)
            {
                throw new IllegalArgumentException("log count " + logCount + " is out of range");
            }
            final List<String> logs = new ArrayList<>(logCount);
            for (int i = 0; i < logCount; i++)
            {
                logs.add(Fields.getString(buffer, at));
                at = Fields.skip(buffer, at);
            }
            if (at - offset > length)
            {
                throw new IllegalArgumentException("activation record overruns its length " + length);
            }
            return new Activation(id, namespace, subject, name, version, path, kind, start, end, cause, status,
                result, logs, limits, timedOut, waitTime, initTime);
        }
        catch (final IndexOutOfBoundsException ex)
        {
            throw new IllegalArgumentException("activation record is cut short", ex);
        }
    }
}
