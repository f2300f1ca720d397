package dev.whisk.pool.docker;

/**
 * A running container as the engine reports it.
 *
 * @param ip      its address on the pool's bridge network; the invoker talks to port 8080 there.
 * @param logPath the engine's json-file log of the container, read directly for activation logs.
 * @param image   the image it runs.
 */
public record StartedContainer(String id, String ip, String logPath, String image)
{
}
