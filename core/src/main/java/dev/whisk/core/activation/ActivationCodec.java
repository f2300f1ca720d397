package dev.whisk.core.activation;

import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.wire.Fields;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The compact binary form of an {@link Activation}: used on the wire from invoker to scheduler and in the activation
 * store. Version 2 (written) puts the fields the store indexes first, then varints and varint-length-prefixed UTF-8;
 * version 1 (fixed-width ints, int length prefixes) is still read, so logs written before stay readable.
 *
 * <pre>
 *   v2: byte 2 | long idHi | long idLo | long start | str namespace | str path
 *       | zigzag-varlong (end - start) | byte status | byte timedOut | varint timeout, memory, logs, concurrency
 *       | zigzag-varint waitTime, initTime | str subject, name, version, kind, cause | bytes result
 *       | varint logCount | str log...
 *   str/bytes: varint (length + 1), 0 for null, then the bytes.
 * </pre>
 * Example: a 1 KB-result record with one 40-byte log line is about 1.2 KB, against about 1.5 KB as REST JSON.
 */
public final class ActivationCodec
{
    public static final byte VERSION = 2;
    public static final byte VERSION_1 = 1;
    private static final int V1_FIXED_LENGTH = 1 + 8 * 4 + 2 + 4 * 6;
    private static final int ID_HI_OFFSET = 1;
    private static final int ID_LO_OFFSET = 9;
    private static final int START_OFFSET = 17;
    private static final int V2_HEADER_LENGTH = 25;

    private ActivationCodec()
    {
    }

    /** The fields the activation store indexes, read without decoding the whole record; reused by its owner. */
    public static final class Key
    {
        public long idHi;
        public long idLo;
        public long startMs;
        public String namespace;
        public String path;
    }

    /** Writes {@code a} at {@code offset}; returns the number of bytes written. The buffer must be expandable. */
    public static int encode(final Activation a, final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putByte(offset, VERSION);
        buffer.putLong(offset + ID_HI_OFFSET, ActivationId.parseHi(a.activationId()));
        buffer.putLong(offset + ID_LO_OFFSET, ActivationId.parseLo(a.activationId()));
        buffer.putLong(offset + START_OFFSET, a.startMs());
        int at = offset + V2_HEADER_LENGTH;
        at = putString(buffer, at, a.namespace());
        at = putString(buffer, at, a.path());
        at = putVarLong(buffer, at, zigzag(a.endMs() - a.startMs()));
        buffer.putByte(at++, (byte)a.status().code());
        buffer.putByte(at++, (byte)(a.timedOut() ? 1 : 0));
        final ActionLimits l = a.limits();
        at = putVarLong(buffer, at, zigzag(l.timeout()));
        at = putVarLong(buffer, at, zigzag(l.memory()));
        at = putVarLong(buffer, at, zigzag(l.logs()));
        at = putVarLong(buffer, at, zigzag(l.concurrency()));
        at = putVarLong(buffer, at, zigzag(a.waitTimeMs()));
        at = putVarLong(buffer, at, zigzag(a.initTimeMs()));
        at = putString(buffer, at, a.subject());
        at = putString(buffer, at, a.name());
        at = putString(buffer, at, a.version());
        at = putString(buffer, at, a.kind());
        at = putString(buffer, at, a.cause());
        at = putBytes(buffer, at, a.result());
        final List<String> logs = a.logs();
        at = putVarLong(buffer, at, logs.size());
        for (int i = 0, n = logs.size(); i < n; i++)
        {
            at = putString(buffer, at, logs.get(i));
        }
        return at - offset;
    }

    /**
     * @throws IllegalArgumentException when the bytes are not a record of a known version or are cut short.
     */
    public static Activation decode(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length >= 1 && buffer.getByte(offset) == VERSION_1)
        {
            return decodeV1(buffer, offset, length);
        }
        if (length < V2_HEADER_LENGTH || buffer.getByte(offset) != VERSION)
        {
            throw new IllegalArgumentException("not an activation record of version " + VERSION_1 + " or " + VERSION);
        }
        try
        {
            final Reader r = new Reader(buffer, offset + V2_HEADER_LENGTH, offset + length);
            final String id = ActivationId.toString(buffer.getLong(offset + ID_HI_OFFSET),
                buffer.getLong(offset + ID_LO_OFFSET));
            final long start = buffer.getLong(offset + START_OFFSET);
            final String namespace = r.string();
            final String path = r.string();
            final long end = start + unzigzag(r.varLong());
            final ActivationStatus status = ActivationStatus.ofCode(r.oneByte());
            final boolean timedOut = r.oneByte() != 0;
            final ActionLimits limits = new ActionLimits(r.varInt(), r.varInt(), r.varInt(), r.varInt());
            final int waitTime = r.varInt();
            final int initTime = r.varInt();
            final String subject = r.string();
            final String name = r.string();
            final String version = r.string();
            final String kind = r.string();
            final String cause = r.string();
            final byte[] result = r.bytes();
            final long logCount = r.varLong();
            if (logCount < 0 || logCount > length)
            {
                throw new IllegalArgumentException("log count " + logCount + " is out of range");
            }
            final List<String> logs = new ArrayList<>((int)logCount);
            for (int i = 0; i < logCount; i++)
            {
                logs.add(r.string());
            }
            return new Activation(id, namespace, subject, name, version, path, kind, start, end, cause, status,
                result, logs, limits, timedOut, waitTime, initTime);
        }
        catch (final IndexOutOfBoundsException ex)
        {
            throw new IllegalArgumentException("activation record is cut short", ex);
        }
    }

    /**
     * Reads only the indexed fields into {@code key}.
     *
     * @throws IllegalArgumentException when the bytes are not a record of a known version or are cut short.
     */
    public static void decodeKey(final DirectBuffer buffer, final int offset, final int length, final Key key)
    {
        if (length >= 1 && buffer.getByte(offset) == VERSION_1)
        {
            final Activation a = decodeV1(buffer, offset, length);
            key.idHi = ActivationId.parseHi(a.activationId());
            key.idLo = ActivationId.parseLo(a.activationId());
            key.startMs = a.startMs();
            key.namespace = a.namespace();
            key.path = a.path();
            return;
        }
        if (length < V2_HEADER_LENGTH || buffer.getByte(offset) != VERSION)
        {
            throw new IllegalArgumentException("not an activation record of version " + VERSION_1 + " or " + VERSION);
        }
        try
        {
            final Reader r = new Reader(buffer, offset + V2_HEADER_LENGTH, offset + length);
            key.idHi = buffer.getLong(offset + ID_HI_OFFSET);
            key.idLo = buffer.getLong(offset + ID_LO_OFFSET);
            key.startMs = buffer.getLong(offset + START_OFFSET);
            key.namespace = r.string();
            key.path = r.string();
        }
        catch (final IndexOutOfBoundsException ex)
        {
            throw new IllegalArgumentException("activation record is cut short", ex);
        }
    }

    private static long zigzag(final long value)
    {
        return (value << 1) ^ (value >> 63);
    }

    private static long unzigzag(final long value)
    {
        return (value >>> 1) ^ -(value & 1);
    }

    private static int putVarLong(final MutableDirectBuffer buffer, final int offset, final long value)
    {
        int at = offset;
        long v = value;
        while ((v & ~0x7FL) != 0)
        {
            buffer.putByte(at++, (byte)((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        buffer.putByte(at++, (byte)v);
        return at;
    }

    private static int putString(final MutableDirectBuffer buffer, final int offset, final String value)
    {
        if (value == null)
        {
            return putVarLong(buffer, offset, 0);
        }
        return putBytes(buffer, offset, value.getBytes(StandardCharsets.UTF_8));
    }

    private static int putBytes(final MutableDirectBuffer buffer, final int offset, final byte[] value)
    {
        if (value == null)
        {
            return putVarLong(buffer, offset, 0);
        }
        final int at = putVarLong(buffer, offset, value.length + 1L);
        buffer.putBytes(at, value);
        return at + value.length;
    }

    /** Walks a v2 record's variable part, refusing to read past its end. */
    private static final class Reader
    {
        private final DirectBuffer buffer;
        private final int limit;
        private int at;

        Reader(final DirectBuffer buffer, final int at, final int limit)
        {
            this.buffer = buffer;
            this.at = at;
            this.limit = limit;
        }

        byte oneByte()
        {
            check(1);
            return buffer.getByte(at++);
        }

        long varLong()
        {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                final byte b = oneByte();
                value |= (long)(b & 0x7F) << shift;
                if (b >= 0)
                {
                    return value;
                }
            }
            throw new IllegalArgumentException("varint at " + at + " is longer than 10 bytes");
        }

        int varInt()
        {
            final long value = unzigzag(varLong());
            if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)
            {
                throw new IllegalArgumentException("value " + value + " does not fit an int");
            }
            return (int)value;
        }

        String string()
        {
            final int length = prefixedLength();
            if (length < 0)
            {
                return null;
            }
            final String value = buffer.getStringWithoutLengthUtf8(at, length);
            at += length;
            return value;
        }

        byte[] bytes()
        {
            final int length = prefixedLength();
            if (length < 0)
            {
                return null;
            }
            final byte[] value = new byte[length];
            buffer.getBytes(at, value);
            at += length;
            return value;
        }

        private int prefixedLength()
        {
            final long prefix = varLong();
            if (prefix == 0)
            {
                return -1;
            }
            final long length = prefix - 1;
            if (length < 0 || length > limit - at)
            {
                throw new IllegalArgumentException("field length " + length + " at " + at + " overruns the record");
            }
            return (int)length;
        }

        private void check(final int bytes)
        {
            if (at + bytes > limit)
            {
                throw new IllegalArgumentException("activation record is cut short at " + at);
            }
        }
    }

    private static Activation decodeV1(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < V1_FIXED_LENGTH)
        {
            throw new IllegalArgumentException("not an activation record of version " + VERSION_1);
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
            int at = offset + V1_FIXED_LENGTH;
            final String[] strings = new String[7];
            for (int i = 0; i < strings.length; i++)
            {
                strings[i] = Fields.getString(buffer, at);
                at = Fields.skip(buffer, at);
            }
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
            return new Activation(id, strings[0], strings[1], strings[2], strings[3], strings[4], strings[5], start,
                end, strings[6], status, result, logs, limits, timedOut, waitTime, initTime);
        }
        catch (final IndexOutOfBoundsException ex)
        {
            throw new IllegalArgumentException("activation record is cut short", ex);
        }
    }
}
