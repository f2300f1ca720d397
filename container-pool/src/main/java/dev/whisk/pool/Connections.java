package dev.whisk.pool;

import dev.whisk.pool.runtime.RuntimeConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The keep-alive connections to the containers' runtimes. Each connection the pool opens is adopted here, so that its
 * close reaches the owner: a connection that an idle runtime closed (Node's servers close unused ones) is opened
 * again, and the container replaced only when that fails; a paused container whose connection closed is gone (a
 * frozen process closes nothing).
 *
 * <p>Owner thread only; the close and connect callbacks come from the runtime client's event loop through
 * {@link ContainerPool#onOwner}.
 */
final class Connections
{
    private static final Logger LOG = LoggerFactory.getLogger(Connections.class);
    /** How long the pool tries to open a new connection to an idle container whose connection closed. */
    private static final long RECONNECT_NS = TimeUnit.SECONDS.toNanos(2);

    private final ContainerPool pool;

    Connections(final ContainerPool pool)
    {
        this.pool = pool;
    }

    /** Whether {@code c} has a free connection that is still open (a stem cell or idle container that can run). */
    static boolean hasOpenConnection(final PooledContainer c)
    {
        for (final RuntimeConnection connection : c.freeConnections)
        {
            if (connection.isOpen())
            {
                return true;
            }
        }
        return false;
    }

    /** Counts {@code connection} as one of {@code c}'s, and hears when it closes. */
    void adopt(final PooledContainer c, final RuntimeConnection connection)
    {
        c.openConnections++;
        connection.onClose(() -> pool.onOwner(() -> onClosed(c, connection)));
    }

    /** A keep-alive connection closed; with nothing running, the container died or was stopped. */
    private void onClosed(final PooledContainer c, final RuntimeConnection connection)
    {
        c.freeConnections.remove(connection);
        c.openConnections--;
        if (pool.closed || c.openConnections > 0 || c.reconnecting)
        {
            return;
        }
        if ((c.state == PooledContainer.State.IDLE || c.state == PooledContainer.State.PREWARMED) && c.docker != null)
        {
            // The runtime may close a keep-alive connection that sat unused (Node's servers do); the container is
            // most likely healthy: open a new connection, and replace the container only if that fails.
            c.reconnecting = true;
            pool.client.connect(c.docker.runtimeAddress(), c.token, System.nanoTime() + RECONNECT_NS,
                opened -> pool.onOwner(() ->
                {
                    c.reconnecting = false;
                    if (c.state == PooledContainer.State.REMOVING || pool.closed)
                    {
                        opened.close();
                        return;
                    }
                    adopt(c, opened);
                    c.freeConnections.addLast(opened);
                    pool.metrics.connectionsReopened.incrementAndGet();
                    LOG.info("event=connection-reopened container={} state={}", c.id(), c.state);
                }),
                cause -> pool.onOwner(() ->
                {
                    c.reconnecting = false;
                    if (c.state == PooledContainer.State.IDLE || c.state == PooledContainer.State.PREWARMED)
                    {
                        pool.eviction.lose(c);
                    }
                }));
        }
        else if (c.state == PooledContainer.State.PAUSED || c.state == PooledContainer.State.IDLE ||
            c.state == PooledContainer.State.PREWARMED)
        {
            // A frozen process closes nothing: a paused container whose connection closed is gone.
            pool.eviction.lose(c);
        }
    }
}
