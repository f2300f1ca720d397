package dev.whisk.core.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A short message that names one activation and one invoker: {@link MessageHeader#DISPATCHED} in the journal and
 * {@link MessageHeader#ACK} from scheduler to invoker.
 *
 * <pre>
 *   header | long idHi | long idLo | int invokerId
 * </pre>
 */
public final class ActivationRef
{
    public static final int LENGTH = MessageHeader.LENGTH + 8 + 8 + 4;

    private ActivationRef()
    {
    }

    public static int encode(final MutableDirectBuffer buffer, final int offset, final short templateId,
        final long idHi, final long idLo, final int invokerId)
    {
        MessageHeader.put(buffer, offset, templateId);
        buffer.putLong(offset + MessageHeader.LENGTH, idHi);
        buffer.putLong(offset + MessageHeader.LENGTH + 8, idLo);
        buffer.putInt(offset + MessageHeader.LENGTH + 16, invokerId);
        return LENGTH;
    }

    /** True when the bytes hold a reference message of {@code templateId}. */
    public static boolean is(final DirectBuffer buffer, final int offset, final int length, final short templateId)
    {
        return length >= LENGTH && MessageHeader.templateId(buffer, offset, length) == templateId;
    }

    public static long idHi(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + MessageHeader.LENGTH);
    }

    public static long idLo(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + MessageHeader.LENGTH + 8);
    }

    public static int invokerId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + MessageHeader.LENGTH + 16);
    }
}
