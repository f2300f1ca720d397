package dev.whisk.frontdoor;

/**
 * Settings of the HTTP front door.
 *
 * @param host               address to bind; 127.0.0.1 by default.
 * @param ioThreads          Netty event loops.
 * @param maxBodyBytes       requests above this are refused with 413 before their body is read.
 * @param maxInvokeBodyBytes an invoke or fire body above this is refused with 413.
 * @param maxBlockingWaitMs  how long a blocking invoke waits before it answers 202.
 */
public record FrontDoorConfig(String host, int port, int ioThreads, int maxBodyBytes, int maxInvokeBodyBytes,
                              int maxBlockingWaitMs)
{
    public static final int DEFAULT_PORT = 3233;

    public FrontDoorConfig
    {
        if (port < 0 || port > 65535)
        {
            throw new IllegalArgumentException("port " + port + " is not in 0..65535");
        }
        if (ioThreads < 1)
        {
            throw new IllegalArgumentException("io threads " + ioThreads + " must be at least 1");
        }
        if (maxBlockingWaitMs < 1 || maxBlockingWaitMs > 60_000)
        {
            throw new IllegalArgumentException("blocking wait " + maxBlockingWaitMs + " ms is not in 1..60000");
        }
    }

    public static FrontDoorConfig defaults()
    {
        return new FrontDoorConfig("127.0.0.1", DEFAULT_PORT, 1, 50 * 1024 * 1024 + 64 * 1024, 1024 * 1024,
            60_000);
    }
}
