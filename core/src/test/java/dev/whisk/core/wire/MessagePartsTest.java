package dev.whisk.core.wire;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** A long message cut into parts comes back whole, in order; a gap or a part of another message loses nothing else. */
class MessagePartsTest
{
    private static final int SESSION = 7;

    @Test
    void aMessageCutIntoPartsIsPutTogetherAgain()
    {
        final byte[] message = random(10 * 1024 * 1024 + 13);
        final byte[][] parts = MessageParts.split(new UnsafeBuffer(message), 0, message.length, 1L, 2L,
            2 * 1024 * 1024);
        assertThat(parts.length).isEqualTo(6);
        for (final byte[] part : parts)
        {
            assertThat(part.length).isLessThanOrEqualTo(2 * 1024 * 1024);
            assertThat(MessageHeader.templateId(new UnsafeBuffer(part), 0, part.length)).isEqualTo(MessageHeader.PART);
        }
        final MessageParts.Assembler assembler = new MessageParts.Assembler();
        for (int i = 0; i < parts.length - 1; i++)
        {
            assertThat(assembler.onPart(SESSION, new UnsafeBuffer(parts[i]), 0, parts[i].length)).isNull();
        }
        final byte[] last = parts[parts.length - 1];
        assertThat(assembler.onPart(SESSION, new UnsafeBuffer(last), 0, last.length)).isEqualTo(message);
        assertThat(assembler.dropped()).isZero();
    }

    @Test
    void aMessageLeftHalfWayIsDroppedAndItsResendIsTaken()
    {
        final byte[] first = random(5000);
        final byte[][] a = MessageParts.split(new UnsafeBuffer(first), 0, first.length, 1L, 1L, 1100);
        final MessageParts.Assembler assembler = new MessageParts.Assembler();
        assembler.onPart(SESSION, new UnsafeBuffer(a[0]), 0, a[0].length);
        assembler.onPart(SESSION, new UnsafeBuffer(a[1]), 0, a[1].length);
        // the sender gave up; a part of the middle alone is a gap
        assertThat(assembler.onPart(SESSION, new UnsafeBuffer(a[3]), 0, a[3].length)).isNull();
        assertThat(assembler.dropped()).isEqualTo(1);
        byte[] whole = null;
        for (final byte[] part : a)
        {
            whole = assembler.onPart(SESSION, new UnsafeBuffer(part), 0, part.length);
        }
        assertThat(whole).as("resent whole, taken whole").isEqualTo(first);
    }

    @Test
    void sendersAreAssembledApart()
    {
        final byte[] one = random(3000);
        final byte[] two = random(3000);
        final byte[][] a = MessageParts.split(new UnsafeBuffer(one), 0, one.length, 1L, 1L, 1000);
        final byte[][] b = MessageParts.split(new UnsafeBuffer(two), 0, two.length, 2L, 2L, 1000);
        final MessageParts.Assembler assembler = new MessageParts.Assembler();
        byte[] gotOne = null;
        byte[] gotTwo = null;
        for (int i = 0; i < a.length; i++)
        {
            gotOne = assembler.onPart(1, new UnsafeBuffer(a[i]), 0, a[i].length);
            gotTwo = assembler.onPart(2, new UnsafeBuffer(b[i]), 0, b[i].length);
        }
        assertThat(gotOne).isEqualTo(one);
        assertThat(gotTwo).isEqualTo(two);
    }

    private static byte[] random(final int length)
    {
        final byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }
}
