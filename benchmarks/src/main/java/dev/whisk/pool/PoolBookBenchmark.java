package dev.whisk.pool;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The container pool's acquire and release in memory, without Docker: a warm container found for a job of one of
 * {@code actions} actions (two containers each, some paused), marked busy, then released idle; a new container
 * filed and dropped; and the choice of an eviction victim over the whole pool. This is what the pool decides per
 * job before it calls a container. (Lives in the pool's package: the book is the pool's own.)
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class PoolBookBenchmark
{
    @Param({"50"})
    public int actions;

    private PoolBook book;
    private ContainerKey[] keys;
    private long clock;
    private int next;
    private long seq;

    @Setup
    public void setup()
    {
        book = new PoolBook(c -> true);
        keys = new ContainerKey[actions];
        for (int a = 0; a < actions; a++)
        {
            keys[a] = new ContainerKey("guest", "guest/action" + a, "0.0.1", 1L, 256);
            for (int i = 0; i < 2; i++)
            {
                final PooledContainer c = container(keys[a]);
                c.state = (a + i) % 5 == 0 ? PooledContainer.State.PAUSED : PooledContainer.State.IDLE;
            }
        }
    }

    private PooledContainer container(final ContainerKey key)
    {
        final PooledContainer c = new PooledContainer(seq++, "nodejs:20", key.memoryMb(), null);
        c.key = key;
        c.lastUsedNs = ++clock;
        book.add(c);
        book.assign(c);
        return c;
    }

    /** A job of the next action takes its best warm container, which is released idle after the run. */
    @Benchmark
    public PooledContainer acquireAndRelease()
    {
        final ContainerKey key = keys[next++ % keys.length];
        final PooledContainer c = book.findWarm(key);
        c.active++;
        final PooledContainer.State before = c.state;
        c.state = PooledContainer.State.BUSY;
        c.active--;
        c.state = before == PooledContainer.State.PAUSED ? PooledContainer.State.PAUSED : PooledContainer.State.IDLE;
        c.lastUsedNs = ++clock;
        return c;
    }

    /** A cold start's bookkeeping: a new container filed under its action, then dropped again. */
    @Benchmark
    public PooledContainer fileAndDrop()
    {
        final PooledContainer c = container(keys[next++ % keys.length]);
        book.remove(c);
        return c;
    }

    /** Memory is short: the least recently used paused (else idle) container of the whole pool. */
    @Benchmark
    public PooledContainer evictionVictim()
    {
        return book.evictionVictim();
    }
}
