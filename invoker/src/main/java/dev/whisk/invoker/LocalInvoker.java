package dev.whisk.invoker;

import dev.whisk.core.activation.Activation;
import dev.whisk.pool.ActionCodeSource;
import dev.whisk.pool.ContainerPool;
import dev.whisk.pool.ContainerPoolConfig;
import dev.whisk.pool.docker.DockerDriver;
import io.netty.channel.EventLoop;
import org.agrona.DirectBuffer;

import java.util.Objects;

/**
 * An invoker in the controller's own process, with no Aeron in between: requests arrive as calls on the event loop
 * that owns its container pool and the containers' connections, and results and completions leave as calls to
 * {@link Completions} on that same loop. Standalone serves its front door from that loop too, so a warm invoke is
 * read, journaled, run and answered by one thread.
 *
 * <p>Owner: the event loop of its {@link Context#loop}; {@link #doWork} (the pool's timers and queued commands),
 * {@link #onRequest} and the calls to {@link Completions} run there only.
 */
public final class LocalInvoker extends PoolInvoker
{
    /** Where results and completions go, on the owner loop: {@code CompletionAgent::accept} in standalone. */
    @FunctionalInterface
    public interface Completions
    {
        /**
         * A blocking run's result ({@code RESULT}, before its record: what its caller is answered with) or the whole
         * activation record ({@code COMPLETION}), of invoker {@code invokerId}.
         */
        void accept(short template, int invokerId, Activation activation);
    }

    private final ContainerPool pool;
    private final Completions completions;

    public LocalInvoker(final Context context)
    {
        super(context.conclude());
        this.completions = context.completions;
        final ContainerPoolConfig poolConfig = context.poolConfig;
        final ActionCodeSource codeSource = context.codeSource;
        final EventLoop loop = context.loop;
        this.pool = drive(context, () ->
        {
            final ContainerPool pool = new ContainerPool(poolConfig, codeSource, this,
                DockerDriver.forPool(poolConfig), loop);
            pool.ownedBy(loop);
            return pool;
        });
    }

    /**
     * What a local invoker is made of: see {@link PoolInvoker.Context}; required besides: {@link #seal},
     * {@link #loop} and {@link #completions}.
     */
    public static final class Context extends PoolInvoker.Context<Context>
    {
        private Completions completions;

        public Context completions(final Completions completions)
        {
            this.completions = completions;
            return this;
        }

        /** Checks what is required. */
        Context conclude()
        {
            concludeCommon();
            Objects.requireNonNull(seal, "seal");
            Objects.requireNonNull(completions, "completions");
            if (jobs == null)
            {
                Objects.requireNonNull(loop, "loop");
            }
            return this;
        }
    }

    /**
     * Prepares the pool (checks the engine, removes leftovers); blocking, on the launcher's thread, before any request.
     *
     * @throws IllegalStateException when no Docker engine answers.
     */
    public void start()
    {
        startPool();
    }

    /** The container pool, for its counters and wake-ups; its state belongs to the owner loop. */
    public ContainerPool pool()
    {
        return pool;
    }

    /** Owner loop: one encoded invoke request; the bytes are valid only during the call. */
    public void onRequest(final DirectBuffer buffer, final int offset, final int length)
    {
        submit(buffer, offset, length);
    }

    @Override
    public int doWork()
    {
        return poolWork();
    }

    @Override
    void send(final short template, final int memoryMb, final Activation activation)
    {
        completions.accept(template, invokerId, activation);
    }
}
