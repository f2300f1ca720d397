package dev.whisk.launcher;

import dev.whisk.invoker.InvokerAgent;
import dev.whisk.pool.ContainerPoolConfig;
import dev.whisk.pool.docker.DockerDriver;
import dev.whisk.scheduler.InvokerTable;
import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The whole platform in one JVM: the {@link ControlPlane} (stores, scheduler ring and journal, front door) and one
 * invoker with its container pool, joined by an embedded Aeron media driver over IPC. The invoker and the completion
 * agent share one thread, which the dispatcher and the pool wake when they hand it work. Starts in dependency order
 * and closes in reverse.
 */
public final class Standalone implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Standalone.class);

    private final Resources resources = new Resources();
    private final ControlPlane controlPlane;
    private final InvokerAgent invoker;

    public Standalone(final StandaloneConfig config) throws IOException, InterruptedException
    {
        boolean started = false;
        try
        {
            final MediaDriver driver = resources.embeddedDriver(1_000_000);
            final Aeron aeron = own(Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(driver.aeronDirectoryName())));
            final Publication requestPub = own(aeron.addPublication(config.aeronChannel(),
                NodeChannels.REQUEST_STREAM));
            final Subscription requestSub = own(aeron.addSubscription(config.aeronChannel(),
                NodeChannels.REQUEST_STREAM));
            final Publication completionPub = own(aeron.addPublication(config.aeronChannel(),
                NodeChannels.COMPLETION_STREAM));
            final Subscription completionSub = own(aeron.addSubscription(config.aeronChannel(),
                NodeChannels.COMPLETION_STREAM));
            awaitConnected(requestPub, completionPub);

            // The invoker runs on the event loop that speaks to its containers (see EventLoopAgentRunner).
            final EventLoopAgentRunner runner = new EventLoopAgentRunner();
            final InvokerTable invokers = new InvokerTable(List.of(requestPub), List.of(runner::wake));
            invokers.setCapacity(0, config.pool().memoryBudgetMb());
            controlPlane = own(new ControlPlane(config.dataDir(), config.frontDoor(), config.scheduler(), invokers,
                completionSub, null, NodeChannels.REQUEST_STREAM));
            invoker = new InvokerAgent(0, requestSub, completionPub, withReachableApiHost(config.pool()),
                new StoreCodeSource(controlPlane.entities(), config.pool().runtimeImages()), controlPlane.seal());
            invoker.start();
            invoker.pool().wakeOwnerWith(runner::wake);
            controlPlane.metrics().add(new PoolSamples(invoker.pool().metrics()));
            own(runner);
            runner.start(invoker.pool().runtimeLoop(), new CompositeAgent(invoker, controlPlane.completions()),
                config.agentMaxParkNs());
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

    public InvokerAgent invoker()
    {
        return invoker;
    }

    private <T extends AutoCloseable> T own(final T resource)
    {
        return resources.own(resource);
    }

    private static void awaitConnected(final Publication... publications) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        final SleepingMillisIdleStrategy idle = new SleepingMillisIdleStrategy(1);
        for (final Publication p : publications)
        {
            while (!p.isConnected())
            {
                if (System.nanoTime() > deadline)
                {
                    throw new IllegalStateException("Aeron publication " + p.channel() + " stream " +
                        p.streamId() + " did not connect within 10 s");
                }
                if (Thread.interrupted())
                {
                    throw new InterruptedException();
                }
                idle.idle();
            }
        }
    }

    /** Closes everything in reverse start order (the invoker first, removing its containers); idempotent. */
    @Override
    public void close()
    {
        resources.close();
    }
}
