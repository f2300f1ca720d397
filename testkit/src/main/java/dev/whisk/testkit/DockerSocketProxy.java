package dev.whisk.testkit;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Unix socket in front of the real Docker engine's, that a test can break and heal: while broken it drops every
 * connection, so an invoker using it sees its engine stop answering while its process, heartbeats and network stay
 * up (the "alive but cannot run containers" case). Traffic goes only between the two local sockets.
 */
public final class DockerSocketProxy implements AutoCloseable
{
    private static final Path ENGINE = Path.of("/var/run/docker.sock");

    private final Path socket;
    private final ServerSocketChannel server;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private volatile boolean broken;
    private volatile boolean closed;

    private DockerSocketProxy(final Path socket) throws IOException
    {
        this.socket = socket;
        Files.deleteIfExists(socket);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        final Thread acceptor = new Thread(this::accept, "docker-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static DockerSocketProxy start(final Path socket) throws IOException
    {
        return new DockerSocketProxy(socket);
    }

    /** The docker-java host string for this proxy. */
    public String dockerHost()
    {
        return "unix://" + socket.toAbsolutePath();
    }

    /** From now on the engine cannot be reached through this proxy; connections already open are cut. */
    public void breakEngine()
    {
        broken = true;
        for (final SocketChannel c : open)
        {
            closeQuietly(c);
        }
    }

    public void heal()
    {
        broken = false;
    }

    private void accept()
    {
        while (!closed)
        {
            try
            {
                final SocketChannel client = server.accept();
                if (broken)
                {
                    closeQuietly(client);
                    continue;
                }
                final SocketChannel engine = SocketChannel.open(UnixDomainSocketAddress.of(ENGINE));
                open.add(client);
                open.add(engine);
                pump(client, engine);
                pump(engine, client);
            }
            catch (final IOException ex)
            {
                if (closed)
                {
                    return;
                }
            }
        }
    }

    private void pump(final SocketChannel from, final SocketChannel to)
    {
        final Thread t = new Thread(() ->
        {
            final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            try
            {
                while (from.read(buffer) >= 0)
                {
                    buffer.flip();
                    while (buffer.hasRemaining())
                    {
                        to.write(buffer);
                    }
                    buffer.clear();
                }
            }
            catch (final IOException ex)
            {
                // cut: by breakEngine, or by either side closing
            }
            finally
            {
                open.remove(from);
                open.remove(to);
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "docker-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(final SocketChannel c)
    {
        try
        {
            c.close();
        }
        catch (final IOException ex)
        {
            // already closed
        }
    }

    @Override
    public void close() throws IOException
    {
        closed = true;
        breakEngine();
        server.close();
        Files.deleteIfExists(socket);
    }
}
