package dev.whisk.scheduler;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The journal on Chronicle Queue: memory-mapped, append-only files rolled daily. An appended excerpt is in the page
 * cache when {@link #append} returns, so it survives the death of this process (not of the machine).
 */
public final class ChronicleJournal implements Journal
{
    private final ChronicleQueue queue;
    private ExcerptAppender appender;
    private byte[] scratch = new byte[4096];

    public ChronicleJournal(final Path dir)
    {
        this.queue = SingleChronicleQueueBuilder.single(dir.toFile()).rollCycle(RollCycles.FAST_DAILY).build();
    }

    @Override
    public void append(final DirectBuffer buffer, final int offset, final int length)
    {
        if (appender == null)
        {
            appender = queue.createAppender();
        }
        if (scratch.length < length)
        {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        final byte[] src;
        final int srcOffset;
        if (buffer.byteArray() != null)
        {
            src = buffer.byteArray();
            srcOffset = offset + (int)buffer.wrapAdjustment();
        }
        else
        {
            buffer.getBytes(offset, scratch, 0, length);
            src = scratch;
            srcOffset = 0;
        }
        try (DocumentContext dc = appender.writingDocument())
        {
            dc.wire().bytes().write(src, srcOffset, length);
        }
    }

    @Override
    public void replay(final Consumer<DirectBuffer> onMessage)
    {
        final Bytes<?> bytes = Bytes.allocateElasticOnHeap(4096);
        try (ExcerptTailer tailer = queue.createTailer())
        {
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        break;
                    }
                    bytes.clear();
                    dc.wire().bytes().copyTo(bytes);
                    final byte[] copy = bytes.toByteArray();
                    onMessage.accept(new UnsafeBuffer(copy));
                }
            }
        }
        finally
        {
            bytes.releaseLast();
        }
    }

    @Override
    public void close()
    {
        if (appender != null)
        {
            appender.close();
        }
        queue.close();
    }
}
