package dev.whisk.launcher.node;

import dev.whisk.invoker.HttpCodeSource;
import dev.whisk.invoker.InvokerAgent;
import dev.whisk.pool.ContainerPoolConfig;
import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * {@code whisk invoker}: one invoker process. It takes invoke messages on its own UDP endpoint, runs them in its
 * container pool, sends results and completions to the controller's endpoint, heartbeats there with its free
 * memory, and fetches action code from the controller's code endpoint on cold starts.
 */
public final class InvokerNode implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(InvokerNode.class);

    /**
     * @param listenEndpoint     {@code host:port} this invoker takes requests on (UDP); the controller learns it
     *                           from the heartbeats.
     * @param controllerEndpoint the controller's completion endpoint, {@code host:port}.
     * @param codeUrl            base URL of the controller's code endpoint.
     * @param maxParkNs          how long the idle invoker and its Aeron driver park between polls of the network.
     */
    public record Config(int invokerId, String listenEndpoint, String controllerEndpoint, String codeUrl,
                         String invokerToken, ContainerPoolConfig pool, long heartbeatIntervalMs, long maxParkNs)
    {
        public Config
        {
            if (invokerId < 0)
            {
                throw new IllegalArgumentException("invoker id " + invokerId + " must not be negative");
            }
            if (heartbeatIntervalMs < 1)
            {
                throw new IllegalArgumentException("heartbeat interval " + heartbeatIntervalMs + " ms must be positive");
            }
        }
    }

    private final Resources resources = new Resources();
    private final InvokerAgent agent;

    public InvokerNode(final Config config)
    {
        boolean started = false;
        try
        {
            final MediaDriver driver = resources.embeddedDriver(config.maxParkNs());
            final AeronLink link = own(new AeronLink(driver, Resources.PAUSE_TOLERANCE_NS,
                "invoker-" + config.invokerId()));
            final String requestChannel = NodeChannels.udp(config.listenEndpoint());
            final String completionChannel = NodeChannels.udp(config.controllerEndpoint());
            // Closed with the client; opened again on a new client should that one die.
            final Subscription requests = link.current().addSubscription(requestChannel, NodeChannels.REQUEST_STREAM);
            final Publication completions = link.current().addExclusivePublication(completionChannel,
                NodeChannels.COMPLETION_STREAM);
            // One loop holds the containers' connections and runs the agent, which polls Aeron: a request is
            // written to its container, and the answer sent back, with no hand-off between threads.
            final EventLoopGroup loops = own(new SingleLoop("invoker-loop")).group;
            final EventLoop loop = loops.next();
            agent = new InvokerAgent(new InvokerAgent.Context().invokerId(config.invokerId()).requests(requests)
                .completions(completions).poolConfig(config.pool())
                .codeSource(new HttpCodeSource(config.codeUrl(), config.invokerToken()))
                .seal(dev.whisk.core.entity.KeySeal.derivedFrom(config.invokerToken())).loop(loop));
            agent.reconnectWith(() ->
            {
                final Aeron aeron = link.rebuilt();
                return new InvokerAgent.Channels(aeron.addSubscription(requestChannel, NodeChannels.REQUEST_STREAM),
                    aeron.addExclusivePublication(completionChannel, NodeChannels.COMPLETION_STREAM));
            });
            agent.start();
            agent.heartbeatEvery(TimeUnit.MILLISECONDS.toNanos(config.heartbeatIntervalMs()), requestChannel,
                config.pool().memoryBudgetMb());
            final EventLoopAgentRunner runner = own(new EventLoopAgentRunner());
            agent.pool().wakeOwnerWith(runner::wake);
            // Aeron has no wake-up of its own: the loop polls it every maxParkNs (as the agent's thread parked that
            // long before), and at once again after a cycle that found work.
            runner.start(loop, agent, config.maxParkNs(), agent.pool()::nextDeadlineNs);
            LOG.info("event=invoker-started invoker={} listen={} controller={} memoryBudgetMb={}",
                config.invokerId(), config.listenEndpoint(), config.controllerEndpoint(),
                config.pool().memoryBudgetMb());
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

    private <T extends AutoCloseable> T own(final T resource)
    {
        return resources.own(resource);
    }

    /** Stops the agent (which removes this invoker's containers), then Aeron; idempotent. */
    @Override
    public void close()
    {
        resources.close();
    }
}
