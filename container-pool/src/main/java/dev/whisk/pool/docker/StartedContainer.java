package dev.whisk.pool.docker;

/**
 * A running container as the engine reports it.
 *
 * @param ip      its address on the pool's bridge network; the invoker talks to port 8080 there.
 * @param logPath the engine's json-file log of the container, read directly for activation logs.
 * @param image   the image it runs.
 * @param port    the port its runtime listens on at {@code ip}: 8080 for every OpenWhisk runtime.
 */
public record StartedContainer(String id, String ip, String logPath, String image, int port)
{
    /** The port of every OpenWhisk runtime. */
    public static final int RUNTIME_PORT = 8080;

    public StartedContainer(final String id, final String ip, final String logPath, final String image)
    {
        this(id, ip, logPath, image, RUNTIME_PORT);
    }

    /** Where its runtime takes {@code /init} and {@code /run}. */
    public java.net.InetSocketAddress runtimeAddress()
    {
        return new java.net.InetSocketAddress(ip, port);
    }
}
