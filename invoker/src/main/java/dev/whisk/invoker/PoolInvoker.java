package dev.whisk.invoker;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.entity.KeySeal;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.core.wire.MessageHeader;
import dev.whisk.pool.ActionCodeSource;
import dev.whisk.pool.ContainerPool;
import dev.whisk.pool.ContainerPoolConfig;
import dev.whisk.pool.Job;
import dev.whisk.pool.JobListener;
import dev.whisk.pool.RunOutcome;
import org.agrona.DirectBuffer;
import io.netty.channel.EventLoop;
import org.agrona.concurrent.Agent;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What both forms of invoker do between their input and their pool ({@link LocalInvoker} in the controller's
 * process, {@link InvokerAgent} over Aeron): an encoded invoke request becomes a {@link Job} for the pool, and the
 * pool's report of a job becomes an activation record, a {@link MessageHeader#RESULT} for a blocking caller and
 * then the {@link MessageHeader#COMPLETION}, handed to {@link #send}. Owner thread only: the one that runs the pool.
 */
abstract class PoolInvoker implements Agent, JobListener
{
    final int invokerId;
    private final KeySeal seal;
    private final InvokeRequest request = new InvokeRequest();
    /** Set once, by the subclass's constructor: the pool needs this invoker as its listener. */
    private JobPool jobs;

    PoolInvoker(final Context<?> context)
    {
        this.invokerId = context.invokerId;
        this.seal = context.seal;
    }

    /**
     * Subclass constructor: makes the pool this invoker drives, with this invoker as its listener: the context's own
     * for a test, else a container pool from {@code containers}.
     *
     * @return the container pool, or {@code null} when the context gave a pool of its own.
     */
    final ContainerPool drive(final Context<?> context, final Supplier<ContainerPool> containers)
    {
        if (context.jobs != null)
        {
            jobs = context.jobs.apply(this);
            return null;
        }
        final ContainerPool pool = containers.get();
        jobs = JobPool.of(pool);
        return pool;
    }

    /**
     * What both invokers are made of, set fluently; {@code C} is the subclass's own context. Required:
     * {@link #invokerId}, and, unless a test gives {@link #jobs}, {@link #poolConfig} and {@link #codeSource}.
     */
    @SuppressWarnings("unchecked")
    abstract static class Context<C extends Context<C>>
    {
        int invokerId = -1;
        ContainerPoolConfig poolConfig;
        ActionCodeSource codeSource;
        KeySeal seal;
        EventLoop loop;
        Function<JobListener, JobPool> jobs;

        public C invokerId(final int invokerId)
        {
            this.invokerId = invokerId;
            return (C)this;
        }

        public C poolConfig(final ContainerPoolConfig poolConfig)
        {
            this.poolConfig = poolConfig;
            return (C)this;
        }

        /** Where the pool gets action code. */
        public C codeSource(final ActionCodeSource codeSource)
        {
            this.codeSource = codeSource;
            return (C)this;
        }

        /** Opens the keys of requests: the key the front door sealed them with. */
        public C seal(final KeySeal seal)
        {
            this.seal = seal;
            return (C)this;
        }

        /**
         * The event loop (of a group the caller owns) that runs the invoker and holds the containers' connections:
         * a request is written to its container, and the container's answer handled, on that one thread.
         */
        public C loop(final EventLoop loop)
        {
            this.loop = loop;
            return (C)this;
        }

        /** Tests: drive a pool of the test's own instead of a container pool (then {@code pool()} is null). */
        C jobs(final Function<JobListener, JobPool> jobs)
        {
            this.jobs = jobs;
            return (C)this;
        }

        /** Checks what both need. */
        void concludeCommon()
        {
            if (invokerId < 0)
            {
                throw new IllegalArgumentException("invoker id " + invokerId + " must not be negative");
            }
            if (jobs == null)
            {
                Objects.requireNonNull(poolConfig, "poolConfig");
                Objects.requireNonNull(codeSource, "codeSource");
            }
        }
    }

    /** Where a result or completion of a job that asked for {@code memoryMb} goes. */
    abstract void send(short template, int memoryMb, Activation activation);

    /** Prepares the pool (checks the engine, removes leftovers); blocking, on the launcher's thread. */
    void startPool()
    {
        jobs.start();
    }

    /** One encoded invoke request, handed to the pool as a job; the bytes are valid only during the call. */
    final void submit(final DirectBuffer buffer, final int offset, final int length)
    {
        jobs.submit(Jobs.fromRequest(request.decode(buffer, offset, length), seal));
    }

    /** The pool's duty cycle: its timers and queued commands. */
    final int poolWork()
    {
        return jobs.doWork();
    }

    /** Memory the pool has not given to containers, MB. */
    final int freeMemoryMb()
    {
        return jobs.freeMemoryMb();
    }

    @Override
    public String roleName()
    {
        return "invoker-" + invokerId;
    }

    @Override
    public void onClose()
    {
        jobs.close();
    }

    @Override
    public final void onResult(final Job job, final RunOutcome outcome)
    {
        if (job.blocking())
        {
            send(MessageHeader.RESULT, job.limits().memory(), Jobs.activation(job, outcome, List.of()));
        }
    }

    @Override
    public final void onCompleted(final Job job, final RunOutcome outcome, final List<String> logs)
    {
        send(MessageHeader.COMPLETION, job.limits().memory(), Jobs.activation(job, outcome, logs));
    }
}
