package dev.whisk.core.entity;

/**
 * Per-action limits, as OpenWhisk names them on the wire.
 *
 * @param timeout     time limit of one run, in milliseconds.
 * @param memory      container memory, in MB.
 * @param logs        log limit, in MB.
 * @param concurrency activations one container may run at once.
 */
public record ActionLimits(int timeout, int memory, int logs, int concurrency)
{
    public static final ActionLimits DEFAULT = new ActionLimits(60_000, 256, 10, 1);

    public int timeoutMs()
    {
        return timeout;
    }

    public int memoryMb()
    {
        return memory;
    }

    public long logBytes()
    {
        return logs * 1024L * 1024L;
    }
}
