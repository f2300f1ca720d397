package dev.whisk.core.wire;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationCodec;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Invoker-to-scheduler messages carrying an activation: {@link MessageHeader#RESULT} (early, for a blocking caller)
 * and {@link MessageHeader#COMPLETION} (final, stored).
 *
 * <pre>
 *   header | int invokerId | int memoryMb | activation record ({@link ActivationCodec})
 * </pre>
 */
public final class CompletionMessage
{
    public static final int RECORD_OFFSET = MessageHeader.LENGTH + 8;

    private CompletionMessage()
    {
    }

    public static int encode(final MutableDirectBuffer buffer, final int offset, final short templateId,
        final int invokerId, final int memoryMb, final Activation activation)
    {
        MessageHeader.put(buffer, offset, templateId);
        buffer.putInt(offset + MessageHeader.LENGTH, invokerId);
        buffer.putInt(offset + MessageHeader.LENGTH + 4, memoryMb);
        return RECORD_OFFSET + ActivationCodec.encode(activation, buffer, offset + RECORD_OFFSET);
    }

    public static int invokerId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + MessageHeader.LENGTH);
    }

    public static int memoryMb(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + MessageHeader.LENGTH + 4);
    }

    public static Activation activation(final DirectBuffer buffer, final int offset, final int length)
    {
        return ActivationCodec.decode(buffer, offset + RECORD_OFFSET, length - RECORD_OFFSET);
    }
}
