package dev.whisk.frontdoor;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The front door's connections: caps them overall and per remote address, counts what was refused and timed out for
 * {@code /metrics}, and keeps failures of {@code accept} itself (no descriptor left: "Too many open files") from
 * flooding the log. A connection over a cap is closed as soon as it is accepted; nothing of it is read.
 *
 * <p>Threads: {@link #tryOpen} on the event loop that registers the channel, the close hook on the channel's loop,
 * {@link #appendTo} on any: counts are atomics. The accept-failure handler runs on the one accepting thread.
 */
final class Connections implements Metrics.Source
{
    private static final Logger LOG = LoggerFactory.getLogger(Connections.class);
    /** As OpenWhisk's pool rate-limits its repeated warnings. */
    private static final long LOG_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);
    /** How long accepting pauses after a failed accept, so a full descriptor table is not retried in a spin. */
    private static final long ACCEPT_PAUSE_MS = 200;

    private final int maxConnections;
    private final int maxPerClient;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> byClient = new ConcurrentHashMap<>();
    private final LongAdder refusedOverCap = new LongAdder();
    private final LongAdder refusedOverClientCap = new LongAdder();
    final LongAdder headerTimeouts = new LongAdder();
    final LongAdder bodyTimeouts = new LongAdder();
    final LongAdder idleTimeouts = new LongAdder();
    private final LongAdder acceptFailures = new LongAdder();
    private final AcceptFailures acceptFailureHandler = new AcceptFailures();

    Connections(final int maxConnections, final int maxPerClient)
    {
        this.maxConnections = maxConnections;
        this.maxPerClient = maxPerClient;
    }

    /**
     * Counts a new connection in and arranges for it to be counted out when it closes; or, when it is over a cap,
     * closes it at once and counts the refusal.
     *
     * @return whether the connection may be served.
     */
    boolean tryOpen(final Channel ch)
    {
        if (open.incrementAndGet() > maxConnections)
        {
            open.decrementAndGet();
            refusedOverCap.increment();
            ch.close();
            return false;
        }
        final InetAddress client = clientOf(ch.remoteAddress());
        if (client != null && byClient.merge(client, 1, Integer::sum) > maxPerClient)
        {
            countOut(client);
            open.decrementAndGet();
            refusedOverClientCap.increment();
            ch.close();
            return false;
        }
        ch.closeFuture().addListener(f ->
        {
            open.decrementAndGet();
            if (client != null)
            {
                countOut(client);
            }
        });
        return true;
    }

    private void countOut(final InetAddress client)
    {
        byClient.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
    }

    private static InetAddress clientOf(final SocketAddress remote)
    {
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    /** Connections open now. */
    int open()
    {
        return open.get();
    }

    /** The handler of the listening channels that counts failed accepts and logs them at most every 10 s. */
    ChannelHandler acceptFailures()
    {
        return acceptFailureHandler;
    }

    @Override
    public void appendTo(final StringBuilder out)
    {
        Metrics.gauge(out, "whisk_http_connections_open", "Client connections open now.", open.get());
        Metrics.gauge(out, "whisk_http_connections_max", "Client connections allowed at once, all clients.",
            maxConnections);
        Metrics.gauge(out, "whisk_http_connections_per_client_max",
            "Client connections allowed at once from one remote address.", maxPerClient);
        Metrics.counter(out, "whisk_http_connections_refused_total",
            "Connections closed as soon as they were accepted, over either cap.",
            refusedOverCap.sum() + refusedOverClientCap.sum());
        Metrics.counter(out, "whisk_http_connections_refused_per_client_total",
            "Connections closed as soon as they were accepted, over the cap of their remote address.",
            refusedOverClientCap.sum());
        Metrics.counter(out, "whisk_http_header_timeouts_total",
            "Connections closed because a request's headers did not arrive in time.", headerTimeouts.sum());
        Metrics.counter(out, "whisk_http_body_timeouts_total",
            "Connections closed because a request's body stopped arriving.", bodyTimeouts.sum());
        Metrics.counter(out, "whisk_http_idle_timeouts_total",
            "Keep-alive connections closed after being idle with nothing in flight.", idleTimeouts.sum());
        Metrics.counter(out, "whisk_http_accept_failures_total",
            "Failures to accept a connection (e.g. no file descriptor left).", acceptFailures.sum());
    }

    /**
     * Sits in front of the bootstrap's acceptor on each listening channel and takes the exceptions its accepts
     * raise: Netty would log each at WARN and pause for a second; this counts each, logs the first and then a
     * summary at most every 10 s, and pauses accepting briefly.
     */
    @ChannelHandler.Sharable
    private final class AcceptFailures extends ChannelInboundHandlerAdapter
    {
        /** Owned by the accepting thread (the front door has one). */
        private long lastLogNs = System.nanoTime() - LOG_INTERVAL_NS;
        private long unlogged;

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            acceptFailures.increment();
            unlogged++;
            final long now = System.nanoTime();
            if (now - lastLogNs >= LOG_INTERVAL_NS)
            {
                LOG.warn("event=accept-failed failures={} openConnections={} reason={}", unlogged, open.get(),
                    cause.toString());
                lastLogNs = now;
                unlogged = 0;
            }
            final io.netty.channel.ChannelConfig config = ctx.channel().config();
            if (config.isAutoRead())
            {
                config.setAutoRead(false);
                ctx.executor().schedule(() -> config.setAutoRead(true), ACCEPT_PAUSE_MS, TimeUnit.MILLISECONDS);
            }
        }
    }
}
