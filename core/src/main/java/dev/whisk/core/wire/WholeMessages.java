package dev.whisk.core.wire;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Hands whole messages on: a {@link MessageHeader#PART} of a message longer than one Aeron message (see
 * {@link MessageParts}) is kept until its sender's last part is in, then the message it completes is handed on; any
 * other message is handed on as it is. Both ends of the node channels read through one: the controller's completion
 * agent and the invoker. Owned by the thread that polls the subscription.
 */
public final class WholeMessages
{
    /** Takes one whole message; the bytes are valid only during the call. */
    @FunctionalInterface
    public interface Handler
    {
        void onMessage(DirectBuffer buffer, int offset, int length);
    }

    private final Handler onMessage;
    private final MessageParts.Assembler parts = new MessageParts.Assembler();

    public WholeMessages(final Handler onMessage)
    {
        this.onMessage = onMessage;
    }

    /** One message as it arrived from sender {@code sessionId} (an Aeron fragment, reassembled if it was one). */
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final int sessionId)
    {
        if (MessageHeader.templateId(buffer, offset, length) != MessageHeader.PART)
        {
            onMessage.onMessage(buffer, offset, length);
            return;
        }
        final byte[] whole = parts.onPart(sessionId, buffer, offset, length);
        if (whole != null)
        {
            onMessage.onMessage(new UnsafeBuffer(whole), 0, whole.length);
        }
    }

    /** Parts dropped since start (gaps, malformed parts; a sender that gave up half way resends the whole). */
    public long dropped()
    {
        return parts.dropped();
    }
}
