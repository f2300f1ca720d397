package dev.whisk.launcher.node;

import dev.whisk.invoker.LocalInvoker;
import dev.whisk.invoker.StoreCodeSource;
import dev.whisk.pool.ContainerPoolConfig;
import dev.whisk.pool.docker.DockerDriver;
import dev.whisk.scheduler.CompletionAgent;
import dev.whisk.scheduler.Fleet;
import dev.whisk.scheduler.InvokerTable;
import dev.whisk.scheduler.LocalDispatch;
import io.aeron.Publication;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.CompositeAgent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;

/**
 * The whole platform in one JVM, run to completion on one event loop: the {@link ControlPlane} (stores, journal,
 * front door) and one {@link LocalInvoker} with its container pool share the loop {@code whisk-loop}. A warm
 * invoke is read, authenticated, journaled, dispatched, sent to its container, answered and recorded by that one
 * thread; nothing is handed to another thread per call and nobody is woken. No Aeron and no ring are needed in one
 * process: they carry batches between processes in the controller + invoker shape. Docker API calls, Docker-log
 * reads (images without in-band logs) and the stores' group-commit flushers run on threads of their own, off the
 * path. Starts in dependency order and closes in reverse.
 */
public final class Standalone implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Standalone.class);

    private final Resources resources = new Resources();
    private final ControlPlane controlPlane;
    private final LocalInvoker invoker;

    public Standalone(final StandaloneConfig config) throws IOException, InterruptedException
    {
        boolean started = false;
        try
        {
            final EventLoopGroup loops = own(new SingleLoop("whisk-loop")).group;
            final EventLoop owner = loops.next();
            final EventLoopAgentRunner runner = new EventLoopAgentRunner();
            final Link link = new Link(owner);
            final InvokerTable invokers = new InvokerTable(new InvokerTable.Context()
                .inProcess(Arrays.asList((Publication)null)).wakers(List.of(runner::wake)));
            invokers.setCapacity(0, config.pool().memoryBudgetMb());
            controlPlane = own(new ControlPlane(config.dataDir(), config.frontDoor(), config.scheduler(),
                Fleet.local(invokers, link), loops, config.sealKey().open(config.dataDir())));
            final CompletionAgent completions = controlPlane.completions();
            invoker = new LocalInvoker(new LocalInvoker.Context().invokerId(0)
                .poolConfig(withReachableApiHost(config.pool()))
                .codeSource(new StoreCodeSource(controlPlane.entities(), config.pool().runtimeImages()))
                .loop(owner).seal(controlPlane.seal()).completions(completions::accept));
            invoker.start();
            link.attach(invoker);
            invoker.pool().wakeOwnerWith(runner::wake);
            controlPlane.metrics().add(new PoolSamples(invoker.pool().metrics(), invoker.pool().lanes()));
            own(runner);
            runner.start(owner, new CompositeAgent(invoker, completions), config.agentMaxParkNs(),
                invoker.pool()::nextDeadlineNs);
            LOG.info("event=standalone-started apiHost={} dataDir={} memoryBudgetMb={}", controlPlane.apiHost(),
                config.dataDir(), config.pool().memoryBudgetMb());
            started = true;
        }
        finally
        {
            if (!started)
            {
                close();
            }
        }
    }

    /**
     * The pool settings with {@code __OW_API_HOST} set to the API on the gateway of the containers' network, the
     * host as containers see it ({@code 127.0.0.1} inside a container is the container itself). The network is
     * created here when missing. Unchanged when no Docker engine answers: the pool then fails at its own start.
     */
    private ContainerPoolConfig withReachableApiHost(final ContainerPoolConfig pool) throws InterruptedException
    {
        final String gateway;
        try (DockerDriver docker = new DockerDriver(pool.dockerHost(), pool.network()))
        {
            if (!docker.isReachable())
            {
                return pool;
            }
            gateway = docker.ensureNetwork();
        }
        if (gateway == null)
        {
            LOG.warn("event=api-host-unreachable-from-containers network={} reason=no-gateway", pool.network());
            return pool;
        }
        return pool.withApiHost(controlPlane.listenAlso(gateway));
    }

    public String apiHost()
    {
        return controlPlane.apiHost();
    }

    public InetSocketAddress address()
    {
        return controlPlane.address();
    }

    /** The {@code uuid:key} credential of namespace {@code guest}. */
    public String guestAuth()
    {
        return controlPlane.guest().auth();
    }

    Credentials guestCredentials()
    {
        return controlPlane.guest();
    }

    /** How late alarm firings were against their due times, in ms, since start: a copy. */
    public Histogram alarmLatenessMs()
    {
        return controlPlane.alarms().lateness();
    }

    public LocalInvoker invoker()
    {
        return invoker;
    }

    private <T extends AutoCloseable> T own(final T resource)
    {
        return resources.own(resource);
    }

    /** Closes everything in reverse start order (the invoker first, removing its containers); idempotent. */
    @Override
    public void close()
    {
        resources.close();
    }

    /**
     * The scheduler's way to the in-process invoker: a call on the loop that owns it. Until the invoker is attached
     * (its pool started), requests (recovered ones, early callers) are held and then run in order.
     */
    private static final class Link implements LocalDispatch
    {
        private final EventLoop owner;
        private final List<Runnable> held = new java.util.ArrayList<>();
        private volatile LocalInvoker invoker;

        Link(final EventLoop owner)
        {
            this.owner = owner;
        }

        /** Launcher thread: the invoker is ready; what was held runs now. */
        void attach(final LocalInvoker ready)
        {
            final List<Runnable> tasks;
            synchronized (held)
            {
                invoker = ready;
                tasks = List.copyOf(held);
                held.clear();
            }
            tasks.forEach(owner::execute);
        }

        @Override
        public boolean isOwnerThread()
        {
            return invoker != null && owner.inEventLoop();
        }

        @Override
        public void execute(final Runnable task)
        {
            if (invoker == null)
            {
                synchronized (held)
                {
                    if (invoker == null)
                    {
                        held.add(task);
                        return;
                    }
                }
            }
            owner.execute(task);
        }

        @Override
        public void dispatch(final int invokerId, final DirectBuffer buffer, final int offset, final int length)
        {
            invoker.onRequest(buffer, offset, length);
        }
    }
}
