package dev.whisk.invoker;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.pool.ActionCodeSource;
import dev.whisk.pool.ContainerPool;
import dev.whisk.pool.ContainerPoolConfig;
import dev.whisk.pool.Job;
import dev.whisk.pool.JobListener;
import dev.whisk.pool.RunOutcome;
import dev.whisk.pool.docker.DockerDriver;
import io.netty.channel.EventLoop;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;

import java.util.List;

/**
 * An invoker in the controller's own process, with no Aeron in between: requests arrive as calls on the event loop
 * that owns its container pool and the containers' connections, and results and completions leave as calls to
 * {@link Completions} on that same loop. Standalone serves its front door from that loop too, so a warm invoke is
 * read, journaled, run and answered by one thread.
 *
 * <p>Owner: the event loop given to {@link #start}; {@link #doWork} (the pool's timers and queued commands) and
 * {@link #onRequest} run there only.
 */
public final class LocalInvoker implements Agent, JobListener
{
    /** Where results and completions go, on the owner loop. */
    public interface Completions
    {
        /** A blocking run's result, before its record: what its caller is answered with. */
        void onResult(int invokerId, int memoryMb, Activation activation);

        /** The whole activation record. */
        void onCompleted(int invokerId, int memoryMb, Activation activation);
    }

    private final int invokerId;
    private final ContainerPool pool;
    private final InvokeRequest request = new InvokeRequest();
    private final dev.whisk.core.entity.KeySeal seal;
    private Completions completions;

    /**
     * Creates the pool on {@code loop}'s group, which the caller owns; call {@link #start} before any request.
     *
     * @param seal opens the keys of requests, sealed by the front door with the same key.
     */
    public LocalInvoker(final int invokerId, final ContainerPoolConfig poolConfig, final ActionCodeSource codeSource,
        final EventLoop loop, final dev.whisk.core.entity.KeySeal seal)
    {
        this.invokerId = invokerId;
        this.seal = seal;
        this.pool = new ContainerPool(poolConfig, codeSource, this, DockerDriver.forPool(poolConfig), loop);
        pool.ownedBy(loop);
    }

    /**
     * Prepares the pool (checks the engine, removes leftovers); blocking, on the launcher's thread.
     *
     * @throws IllegalStateException when no Docker engine answers.
     */
    public void start(final Completions completions)
    {
        this.completions = completions;
        pool.start();
    }

    public ContainerPool pool()
    {
        return pool;
    }

    /** Owner loop: one encoded invoke request; the bytes are valid only during the call. */
    public void onRequest(final DirectBuffer buffer, final int offset, final int length)
    {
        pool.submit(Jobs.fromRequest(request.decode(buffer, offset, length), seal));
    }

    @Override
    public int doWork()
    {
        return pool.doWork();
    }

    @Override
    public String roleName()
    {
        return "invoker-" + invokerId;
    }

    @Override
    public void onClose()
    {
        pool.close();
    }

    @Override
    public void onResult(final Job job, final RunOutcome outcome)
    {
        if (job.blocking())
        {
            completions.onResult(invokerId, job.limits().memory(), Jobs.activation(job, outcome, List.of()));
        }
    }

    @Override
    public void onCompleted(final Job job, final RunOutcome outcome, final List<String> logs)
    {
        completions.onCompleted(invokerId, job.limits().memory(), Jobs.activation(job, outcome, logs));
    }
}
