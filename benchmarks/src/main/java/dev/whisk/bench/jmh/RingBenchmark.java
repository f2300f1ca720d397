package dev.whisk.bench.jmh;

import com.lmax.disruptor.LiteBlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Handing a request from a front door thread to the scheduler thread: the multi-producer Disruptor ring with the
 * platform's wait strategy, beside an {@link ArrayBlockingQueue} consumed by a thread, in the same run. Throughput of
 * one producer; the consumer does nothing but count.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {Flags.ADD_EXPORTS_MISC})
public class RingBenchmark
{
    static final class Slot
    {
        long value;
    }

    private Disruptor<Slot> disruptor;
    private RingBuffer<Slot> ring;
    private ArrayBlockingQueue<Long> queue;
    private Thread queueConsumer;
    private final AtomicLong consumed = new AtomicLong();
    private long next;

    @Setup(Level.Trial)
    public void setup()
    {
        disruptor = new Disruptor<>(Slot::new, 16_384, r -> new Thread(r, "ring-consumer"), ProducerType.MULTI,
            new LiteBlockingWaitStrategy());
        disruptor.handleEventsWith((slot, sequence, endOfBatch) -> consumed.lazySet(slot.value));
        ring = disruptor.start();
        queue = new ArrayBlockingQueue<>(16_384);
        queueConsumer = new Thread(() ->
        {
            try
            {
                while (!Thread.currentThread().isInterrupted())
                {
                    consumed.lazySet(queue.take());
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, "queue-consumer");
        queueConsumer.setDaemon(true);
        queueConsumer.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException
    {
        disruptor.shutdown();
        queueConsumer.interrupt();
        queueConsumer.join(1_000);
    }

    @Benchmark
    public void disruptorPublish()
    {
        final long v = next++;
        ring.publishEvent((slot, sequence, value) -> slot.value = value, v);
    }

    @Benchmark
    public void arrayBlockingQueuePut() throws InterruptedException
    {
        queue.put(next++);
    }
}
