package dev.whisk.core.wire;

import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;

/**
 * A message longer than one Aeron message may be ({@code maxMessageLength}, an eighth of the term length) travels as
 * {@link MessageHeader#PART}s, each a slice of the whole message's bytes, and is put together again on the other side.
 * An activation record with 10 MB of logs is such a message; raising the term length until it fits would map 8 times
 * the largest record for every publication and image (about 400 MB for 16 MB terms x 3 buffers), while parts cost
 * nothing until a large record is sent.
 *
 * <pre>
 *   header | long idHi | long idLo | int totalLength | int partOffset | bytes of the whole message
 * </pre>
 *
 * <p>The parts of one message are sent in order on one publication, one after the other, and Aeron delivers one
 * publication's messages in order, so the receiver keeps one assembly per publication (its session id). A part
 * that does not continue the assembly it finds (another activation, a gap after a sender gave up half way) starts
 * over or is dropped; a sender that resends a whole message later (a completion not yet acknowledged) repairs it.
 */
public final class MessageParts
{
    public static final int HEADER_LENGTH = MessageHeader.LENGTH + 8 + 8 + 4 + 4;
    /** No message is put together beyond this: the largest record the activation store takes. */
    public static final int MAX_TOTAL_LENGTH = 64 * 1024 * 1024;

    private static final int ID_HI_OFFSET = MessageHeader.LENGTH;
    private static final int ID_LO_OFFSET = ID_HI_OFFSET + 8;
    private static final int TOTAL_OFFSET = ID_LO_OFFSET + 8;
    private static final int PART_OFFSET = TOTAL_OFFSET + 4;

    private MessageParts()
    {
    }

    /**
     * Cuts {@code length} bytes of one message into parts no longer than {@code maxPartLength} each, header included.
     *
     * @throws IllegalArgumentException when {@code maxPartLength} leaves no room for bytes, or the message is longer
     *                                  than {@link #MAX_TOTAL_LENGTH}.
     */
    public static byte[][] split(final DirectBuffer buffer, final int offset, final int length, final long idHi,
        final long idLo, final int maxPartLength)
    {
        final int room = maxPartLength - HEADER_LENGTH;
        if (room <= 0)
        {
            throw new IllegalArgumentException("part length " + maxPartLength + " leaves no room after the " +
                HEADER_LENGTH + "-byte header");
        }
        if (length > MAX_TOTAL_LENGTH)
        {
            throw new IllegalArgumentException("message of " + length + " bytes exceeds max " + MAX_TOTAL_LENGTH);
        }
        final int count = (length + room - 1) / room;
        final byte[][] parts = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            final int from = i * room;
            final int size = Math.min(room, length - from);
            final org.agrona.concurrent.UnsafeBuffer part = new org.agrona.concurrent.UnsafeBuffer(
                new byte[HEADER_LENGTH + size]);
            MessageHeader.put(part, 0, MessageHeader.PART);
            part.putLong(ID_HI_OFFSET, idHi);
            part.putLong(ID_LO_OFFSET, idLo);
            part.putInt(TOTAL_OFFSET, length);
            part.putInt(PART_OFFSET, from);
            buffer.getBytes(offset + from, part, HEADER_LENGTH, size);
            parts[i] = part.byteArray();
        }
        return parts;
    }

    /**
     * Puts parts together again, one message at a time per sender (session). Owned by the thread that polls the
     * subscription. Holds at most one partial message per session, each at most {@link #MAX_TOTAL_LENGTH}.
     */
    public static final class Assembler
    {
        private final Int2ObjectHashMap<Assembly> bySession = new Int2ObjectHashMap<>();
        private long dropped;

        /**
         * Takes one part from sender {@code sessionId}.
         *
         * @return the whole message's bytes when this part completed it; else {@code null}.
         */
        public byte[] onPart(final int sessionId, final DirectBuffer buffer, final int offset, final int length)
        {
            if (length < HEADER_LENGTH)
            {
                dropped++;
                return null;
            }
            final long idHi = buffer.getLong(offset + ID_HI_OFFSET);
            final long idLo = buffer.getLong(offset + ID_LO_OFFSET);
            final int total = buffer.getInt(offset + TOTAL_OFFSET);
            final int from = buffer.getInt(offset + PART_OFFSET);
            final int size = length - HEADER_LENGTH;
            if (total <= 0 || total > MAX_TOTAL_LENGTH || from < 0 || size > total - from)
            {
                dropped++;
                return null;
            }
            Assembly a = bySession.get(sessionId);
            if (from == 0)
            {
                if (a != null)
                {
                    dropped += a.filled > 0 ? 1 : 0;
                }
                a = new Assembly(idHi, idLo, total);
                bySession.put(sessionId, a);
            }
            else if (a == null || a.idHi != idHi || a.idLo != idLo || a.bytes.length != total || a.filled != from)
            {
                // A gap: this message cannot be completed from here; its sender resends it whole, if at all.
                if (a != null)
                {
                    bySession.remove(sessionId);
                }
                dropped++;
                return null;
            }
            buffer.getBytes(offset + HEADER_LENGTH, a.bytes, from, size);
            a.filled += size;
            if (a.filled < total)
            {
                return null;
            }
            bySession.remove(sessionId);
            return a.bytes;
        }

        /** Parts dropped since start (gaps, malformed parts, messages given up half way). */
        public long dropped()
        {
            return dropped;
        }

        private static final class Assembly
        {
            final long idHi;
            final long idLo;
            final byte[] bytes;
            int filled;

            Assembly(final long idHi, final long idLo, final int total)
            {
                this.idHi = idHi;
                this.idLo = idLo;
                this.bytes = new byte[total];
            }
        }
    }
}
