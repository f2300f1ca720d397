package dev.whisk.core.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Invoker-to-scheduler announcement, sent at a fixed interval: who the invoker is, where it takes requests, how much
 * memory it has and has free, and whether it can run containers. Its absence is what marks an invoker dead.
 *
 * <pre>
 *   header | int invokerId | int totalMemoryMb | int freeMemoryMb | int flags | long sentMs | str requestChannel
 * </pre>
 */
public final class Heartbeat
{
    /** The invoker's container engine answers and its pool runs containers. */
    public static final int FLAG_CAN_RUN = 1;
    private static final int FIXED_LENGTH = MessageHeader.LENGTH + 4 * 4 + 8;

    public int invokerId;
    public int totalMemoryMb;
    public int freeMemoryMb;
    public int flags;
    public long sentMs;
    /** The Aeron channel this invoker subscribes to for invoke messages. */
    public String requestChannel;

    public boolean canRun()
    {
        return (flags & FLAG_CAN_RUN) != 0;
    }

    public int encode(final MutableDirectBuffer buffer, final int offset)
    {
        MessageHeader.put(buffer, offset, MessageHeader.HEARTBEAT);
        final int at = offset + MessageHeader.LENGTH;
        buffer.putInt(at, invokerId);
        buffer.putInt(at + 4, totalMemoryMb);
        buffer.putInt(at + 8, freeMemoryMb);
        buffer.putInt(at + 12, flags);
        buffer.putLong(at + 16, sentMs);
        return Fields.putString(buffer, offset + FIXED_LENGTH, requestChannel) - offset;
    }

    /**
     * @throws IllegalArgumentException when the bytes are not a heartbeat of our schema.
     */
    public Heartbeat decode(final DirectBuffer buffer, final int offset, final int length)
    {
        if (MessageHeader.templateId(buffer, offset, length) != MessageHeader.HEARTBEAT || length < FIXED_LENGTH)
        {
            throw new IllegalArgumentException("not a heartbeat message");
        }
        final int at = offset + MessageHeader.LENGTH;
        invokerId = buffer.getInt(at);
        totalMemoryMb = buffer.getInt(at + 4);
        freeMemoryMb = buffer.getInt(at + 8);
        flags = buffer.getInt(at + 12);
        sentMs = buffer.getLong(at + 16);
        requestChannel = Fields.getString(buffer, offset + FIXED_LENGTH);
        return this;
    }
}
