package dev.whisk.pool;

/**
 * Which warm containers may serve an activation: same invoking namespace, action, version and memory. A new
 * revision of the action never runs in an old container.
 */
public record ContainerKey(String namespace, String actionPath, String version, long revision, int memoryMb)
{
}
