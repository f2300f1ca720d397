package dev.whisk.core.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The 4-byte header in front of every scheduler/invoker message: template id and schema version, checked before a
 * message is decoded (as SBE does).
 */
public final class MessageHeader
{
    public static final int LENGTH = 4;
    public static final short SCHEMA_VERSION = 1;

    /** Scheduler to invoker: run an activation. */
    public static final short INVOKE = 1;
    /** Invoker to scheduler: the final record of an activation, to be stored. */
    public static final short COMPLETION = 2;
    /** Invoker to scheduler: the result, sent before logs are collected, for a blocking caller. Not stored. */
    public static final short RESULT = 3;
    /** Invoker to scheduler: I am here, with this much memory free ({@link Heartbeat}). */
    public static final short HEARTBEAT = 4;
    /** Journal: the request with this activation id was handed to this invoker ({@link ActivationRef}). */
    public static final short DISPATCHED = 5;
    /** Scheduler to invoker: the completion of this activation is stored; stop resending it ({@link ActivationRef}). */
    public static final short ACK = 6;
    /** Invoker to scheduler: a slice of a message longer than one Aeron message may be ({@link MessageParts}). */
    public static final short PART = 7;
    /**
     * Journal: a sequence or conductor composition was accepted under its own activation id ({@link
     * CompletionMessage} holding the record it ends in if the platform stops before it finishes). Its steps are
     * journaled as {@link #INVOKE}s whose {@code cause} is that id; its own record as a {@link #COMPLETION}.
     */
    public static final short COMPOSITION = 8;

    private MessageHeader()
    {
    }

    public static void put(final MutableDirectBuffer buffer, final int offset, final short templateId)
    {
        buffer.putShort(offset, templateId);
        buffer.putShort(offset + 2, SCHEMA_VERSION);
    }

    /** The template id at {@code offset}, or -1 when the schema version is not ours. */
    public static short templateId(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < LENGTH || buffer.getShort(offset + 2) != SCHEMA_VERSION)
        {
            return -1;
        }
        return buffer.getShort(offset);
    }
}
