package dev.whisk.launcher.node;

import dev.whisk.frontdoor.FrontDoorConfig;
import dev.whisk.scheduler.Fleet;
import dev.whisk.invoker.CodeEndpoint;
import dev.whisk.invoker.StoreCodeSource;
import dev.whisk.scheduler.InvokerTable;
import dev.whisk.scheduler.SchedulerConfig;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code whisk controller}: the control plane for invokers in other processes. Invokers send heartbeats, results and
 * completions to one Aeron UDP endpoint; the controller opens a publication to each invoker's request channel when
 * it first hears from it, routes around invokers that fall silent, and serves action code to them on an internal
 * HTTP endpoint guarded by a shared token.
 */
public final class Controller implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);

    /**
     * @param completionEndpoint {@code host:port} where invokers send their messages (UDP).
     * @param codeEndpoint       {@code host:port} of the internal code endpoint (HTTP); port 0 picks a free one.
     * @param invokerCapacity    invoker ids 0..capacity-1 may join.
     * @param silenceMs          an invoker silent this long is routed around and its in-flight work fails.
     * @param blackboxFraction   the share of the invokers (the last ones) that run blackbox actions.
     * @param maxParkNs          the longest the controller's Aeron threads park when idle: what an invoker's message
     *                           may wait to be noticed, traded against idle CPU.
     */
    public record Config(Path dataDir, FrontDoorConfig frontDoor, SchedulerConfig scheduler, String completionEndpoint,
                         InetSocketAddress codeEndpoint, String invokerToken, int invokerCapacity, long silenceMs,
                         double blackboxFraction, long maxParkNs)
    {
        /** The default idle park: 100 µs. */
        public static final long DEFAULT_MAX_PARK_NS = 100_000;

        /** With OpenWhisk's default blackbox share, 10%, and the default idle park. */
        public Config(final Path dataDir, final FrontDoorConfig frontDoor, final SchedulerConfig scheduler,
            final String completionEndpoint, final InetSocketAddress codeEndpoint, final String invokerToken,
            final int invokerCapacity, final long silenceMs)
        {
            this(dataDir, frontDoor, scheduler, completionEndpoint, codeEndpoint, invokerToken, invokerCapacity,
                silenceMs, InvokerTable.DEFAULT_BLACKBOX_FRACTION, DEFAULT_MAX_PARK_NS);
        }

        public Config
        {
            if (invokerToken == null || invokerToken.length() < 16)
            {
                throw new IllegalArgumentException("the invoker token must have at least 16 characters");
            }
            if (!(blackboxFraction >= 0 && blackboxFraction <= 1))
            {
                throw new IllegalArgumentException("blackbox fraction " + blackboxFraction + " is not in [0, 1]");
            }
            if (maxParkNs < 1_000)
            {
                throw new IllegalArgumentException("idle park " + maxParkNs + " ns is below 1 µs");
            }
            if (invokerCapacity < 1 || silenceMs < 1)
            {
                throw new IllegalArgumentException("invoker capacity " + invokerCapacity + " and silence " +
                    silenceMs + " ms must be positive");
            }
        }
    }

    private final Resources resources = new Resources();
    private final ControlPlane controlPlane;
    private final CodeEndpoint code;
    private final InvokerTable invokers;

    public Controller(final Config config) throws IOException, InterruptedException
    {
        boolean started = false;
        try
        {
            final MediaDriver driver = resources.embeddedDriver(config.maxParkNs());
            final AeronLink link = own(new AeronLink(driver, Resources.PAUSE_TOLERANCE_NS, "controller"));
            final String completionChannel = NodeChannels.udp(config.completionEndpoint());
            // Closed with the client; opened again on a new client should that one die.
            final Subscription completionSub = link.current().addSubscription(completionChannel,
                NodeChannels.COMPLETION_STREAM);
            invokers = new InvokerTable(new InvokerTable.Context().remote(config.invokerCapacity())
                .silenceNs(TimeUnit.MILLISECONDS.toNanos(config.silenceMs()))
                .blackboxFraction(config.blackboxFraction()));
            controlPlane = own(new ControlPlane(config.dataDir(), config.frontDoor(), config.scheduler(),
                Fleet.remote(new Fleet.Remote.Context().invokers(invokers).aeron(link::current)
                    .requestStreamId(NodeChannels.REQUEST_STREAM).completions(completionSub)
                    .resubscribe(() -> link.rebuilt().addSubscription(completionChannel,
                        NodeChannels.COMPLETION_STREAM))),
                null, dev.whisk.core.entity.KeySeal.derivedFrom(config.invokerToken())));
            code = own(new CodeEndpoint(config.codeEndpoint(), config.invokerToken(),
                new StoreCodeSource(controlPlane.entities(),
                    Map.of("nodejs:20", dev.whisk.pool.ContainerPoolConfig.DEFAULT_NODEJS_IMAGE))));
            final AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(16, 16, 1_000, config.maxParkNs()),
                error -> LOG.error("event=agent-error", error), null, controlPlane.completions());
            AgentRunner.startOnThread(runner);
            own(runner);
            LOG.info("event=controller-started apiHost={} completions={} code={}", controlPlane.apiHost(),
                config.completionEndpoint(), code.address());
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

    public String apiHost()
    {
        return controlPlane.apiHost();
    }

    public String guestAuth()
    {
        return controlPlane.guest().auth();
    }

    Credentials guestCredentials()
    {
        return controlPlane.guest();
    }

    public InetSocketAddress codeAddress()
    {
        return code.address();
    }

    /** Activations dispatched to invokers and not yet completed. */
    public int inFlightActivations()
    {
        return controlPlane.inFlightActivations();
    }

    /** How many invokers are healthy now. */
    public int healthyInvokers()
    {
        final long now = System.nanoTime();
        int healthy = 0;
        for (int i = 0; i < invokers.size(); i++)
        {
            healthy += invokers.isHealthy(i, now) ? 1 : 0;
        }
        return healthy;
    }

    private <T extends AutoCloseable> T own(final T resource)
    {
        return resources.own(resource);
    }

    /** Closes in reverse start order (the completion agent before the stores it writes to); idempotent. */
    @Override
    public void close()
    {
        resources.close();
    }
}
