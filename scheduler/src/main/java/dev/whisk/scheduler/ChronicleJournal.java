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
 * cache when {@link #append} returns, so it survives the death of this process (not of the machine). Each appending
 * thread gets its own appender, as Chronicle requires.
 */
public final class ChronicleJournal implements Journal
{
    private final ChronicleQueue queue;
    private final ThreadLocal<ExcerptAppender> appenders;
    private final java.util.List<ExcerptAppender> created = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ThreadLocal<byte[][]> scratch = ThreadLocal.withInitial(() -> new byte[][]{new byte[4096]});

    public ChronicleJournal(final Path dir)
    {
        this.queue = SingleChronicleQueueBuilder.single(dir.toFile()).rollCycle(RollCycles.FAST_DAILY).build();
        this.appenders = ThreadLocal.withInitial(() ->
        {
            final ExcerptAppender a = queue.createAppender();
            created.add(a);
            return a;
        });
    }

    @Override
    public void append(final DirectBuffer buffer, final int offset, final int length)
    {
        final ExcerptAppender appender = appenders.get();
        final byte[][] holder = scratch.get();
        if (holder[0].length < length)
        {
            holder[0] = new byte[Math.max(length, holder[0].length * 2)];
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
            buffer.getBytes(offset, holder[0], 0, length);
            src = holder[0];
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
                    final Bytes<?> in = dc.wire().bytes();
                    final byte[] copy = new byte[(int)in.readRemaining()];
                    in.read(copy);
                    onMessage.accept(new UnsafeBuffer(copy));
                }
            }
        }
    }

    @Override
    public void close()
    {
        for (final ExcerptAppender a : created)
        {
            a.close();
        }
        queue.close();
    }
}
