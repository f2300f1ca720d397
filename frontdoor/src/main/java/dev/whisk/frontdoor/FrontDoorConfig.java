package dev.whisk.frontdoor;

import java.util.Map;

/**
 * Settings of the HTTP front door.
 *
 * @param host               address to bind; 127.0.0.1 by default.
 * @param ioThreads          Netty event loops.
 * @param maxBodyBytes       requests above this are refused with 413 before their body is read.
 * @param maxInvokeBodyBytes an invoke or fire body above this is refused with 413.
 * @param maxBlockingWaitMs  how long a blocking invoke waits before it answers 202.
 * @param bounds             what one client, and all of them together, may hold of the front door: connections, time
 *                           and memory.
 * @param runtimeImages      runtime kind to image, as {@code GET /} shows the deployment's runtimes.
 */
public record FrontDoorConfig(String host, int port, int ioThreads, int maxBodyBytes, int maxInvokeBodyBytes,
                              int maxBlockingWaitMs, Bounds bounds, Map<String, String> runtimeImages)
{
    public static final int DEFAULT_PORT = 3233;
    /** The image of {@code nodejs:20} when the launcher names none (the container pool's default). */
    public static final Map<String, String> DEFAULT_RUNTIME_IMAGES = Map.of("nodejs:20",
        "whisk/action-nodejs-v20:latest");

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
        if (bounds == null)
        {
            throw new IllegalArgumentException("bounds are required");
        }
        if (bounds.maxBodyBytesInFlight() < maxBodyBytes)
        {
            throw new IllegalArgumentException("bodies in flight " + bounds.maxBodyBytesInFlight() +
                " bytes is below one body of the largest allowed size, " + maxBodyBytes + " bytes");
        }
        if (bounds.maxPayloadBytesQueued() < maxInvokeBodyBytes)
        {
            throw new IllegalArgumentException("payloads queued " + bounds.maxPayloadBytesQueued() +
                " bytes is below one invoke body of the largest allowed size, " + maxInvokeBodyBytes + " bytes");
        }
        runtimeImages = Map.copyOf(runtimeImages);
    }

    /** The settings before bounds and runtime images were configurable: those take their defaults. */
    public FrontDoorConfig(final String host, final int port, final int ioThreads, final int maxBodyBytes,
        final int maxInvokeBodyBytes, final int maxBlockingWaitMs)
    {
        this(host, port, ioThreads, maxBodyBytes, maxInvokeBodyBytes, maxBlockingWaitMs,
            Bounds.defaults(maxBodyBytes, maxInvokeBodyBytes), DEFAULT_RUNTIME_IMAGES);
    }

    public static FrontDoorConfig defaults()
    {
        return new FrontDoorConfig("127.0.0.1", DEFAULT_PORT, 1, 50 * 1024 * 1024 + 64 * 1024, 1024 * 1024,
            60_000);
    }

    public FrontDoorConfig withBounds(final Bounds b)
    {
        return new FrontDoorConfig(host, port, ioThreads, maxBodyBytes, maxInvokeBodyBytes, maxBlockingWaitMs, b,
            runtimeImages);
    }

    public FrontDoorConfig withRuntimeImages(final Map<String, String> images)
    {
        return new FrontDoorConfig(host, port, ioThreads, maxBodyBytes, maxInvokeBodyBytes, maxBlockingWaitMs, bounds,
            images);
    }

    /**
     * What clients may hold of the front door, as nginx bounds the connections in front of OpenWhisk's controller
     * ({@code client_header_timeout}, {@code client_body_timeout}, {@code keepalive_timeout}, {@code limit_conn}).
     * A connection with a request in flight (a blocking invoke, a streamed answer) is never timed out: only one
     * whose request's headers or body stop arriving, or one idle between requests.
     *
     * @param headerTimeoutMs         a request's headers must all arrive within this after its first byte (408 and
     *                                close); a new connection must send its first byte within it too (closed).
     * @param bodyTimeoutMs           a request body that sends nothing for this long is cut (408 and close).
     * @param keepAliveTimeoutMs      a connection with nothing in flight and nothing arriving is closed after this.
     * @param maxConnections          connections open at once, all clients together; beyond it a new one is closed at
     *                                once. Keep it below the process's open-file limit so that {@code accept} never
     *                                fails for lack of a descriptor.
     * @param maxConnectionsPerClient connections open at once from one remote address.
     * @param maxBodyBytesInFlight    bytes of request bodies being received or waiting to be handled, all
     *                                connections together; a request whose body does not fit is refused with 503
     *                                before it is read.
     * @param maxPayloadBytesQueued   bytes of invoke payloads accepted and not yet completed, counted for payloads
     *                                of at least {@code payloadAccountingMinBytes}; an invoke that does not fit is
     *                                refused with 503 before it is accepted.
     * @param payloadAccountingMinBytes payloads smaller than this are not counted: they cannot fill a heap before the
     *                                namespaces' concurrency limits stop them, and the hot path stays free of
     *                                bookkeeping.
     */
    public record Bounds(long headerTimeoutMs, long bodyTimeoutMs, long keepAliveTimeoutMs, int maxConnections,
                         int maxConnectionsPerClient, long maxBodyBytesInFlight, long maxPayloadBytesQueued,
                         int payloadAccountingMinBytes)
    {
        public static final long DEFAULT_HEADER_TIMEOUT_MS = 30_000;
        public static final long DEFAULT_BODY_TIMEOUT_MS = 30_000;
        public static final long DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 75_000;
        public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 1024;
        public static final int DEFAULT_PAYLOAD_ACCOUNTING_MIN_BYTES = 16 * 1024;
        /** Descriptors left for everything but client connections: stores, journal, containers, Docker, jars. */
        private static final long MIN_RESERVED_FILES = 256;

        public Bounds
        {
            if (headerTimeoutMs < 1 || bodyTimeoutMs < 1 || keepAliveTimeoutMs < 1)
            {
                throw new IllegalArgumentException("timeouts must be positive: header " + headerTimeoutMs +
                    " ms, body " + bodyTimeoutMs + " ms, keep-alive " + keepAliveTimeoutMs + " ms");
            }
            if (maxConnections < 1 || maxConnectionsPerClient < 1)
            {
                throw new IllegalArgumentException("connection caps must be at least 1: " + maxConnections +
                    " in all, " + maxConnectionsPerClient + " per client");
            }
            if (payloadAccountingMinBytes < 0)
            {
                throw new IllegalArgumentException("payload accounting threshold " + payloadAccountingMinBytes +
                    " bytes is negative");
            }
        }

        /**
         * Timeouts like nginx's, connections below this process's open-file limit, an eighth of the heap for bodies
         * being received (handling a body takes a few times its size: a copy, its parsed form, its stored form) and
         * an eighth for large payloads waiting to run (each at least one body of the largest size).
         */
        public static Bounds defaults(final int maxBodyBytes, final int maxInvokeBodyBytes)
        {
            final long heap = Runtime.getRuntime().maxMemory();
            final int connections = defaultMaxConnections(openFileLimit());
            return new Bounds(DEFAULT_HEADER_TIMEOUT_MS, DEFAULT_BODY_TIMEOUT_MS, DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
                connections, Math.min(DEFAULT_MAX_CONNECTIONS_PER_CLIENT, connections),
                Math.max(maxBodyBytes, heap / 8), Math.max(maxInvokeBodyBytes, heap / 8),
                DEFAULT_PAYLOAD_ACCOUNTING_MIN_BYTES);
        }

        /**
         * The connections that leave a quarter of {@code openFileLimit} (at least {@value #MIN_RESERVED_FILES}) to
         * the rest of the process: 15,000 of 20,000; 768 of 1,024.
         */
        static int defaultMaxConnections(final long openFileLimit)
        {
            final long reserved = Math.max(MIN_RESERVED_FILES, openFileLimit / 4);
            return (int)Math.max(64, Math.min(Integer.MAX_VALUE, openFileLimit - reserved));
        }

        /** This process's limit of open files, or 4,096 where the platform does not tell. */
        static long openFileLimit()
        {
            if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean unix)
            {
                final long max = unix.getMaxFileDescriptorCount();
                if (max > 0)
                {
                    return max;
                }
            }
            return 4096;
        }

        public Bounds withTimeoutsMs(final long header, final long body, final long keepAlive)
        {
            return new Bounds(header, body, keepAlive, maxConnections, maxConnectionsPerClient, maxBodyBytesInFlight,
                maxPayloadBytesQueued, payloadAccountingMinBytes);
        }

        public Bounds withConnections(final int all, final int perClient)
        {
            return new Bounds(headerTimeoutMs, bodyTimeoutMs, keepAliveTimeoutMs, all, perClient,
                maxBodyBytesInFlight, maxPayloadBytesQueued, payloadAccountingMinBytes);
        }

        public Bounds withMemory(final long bodyBytesInFlight, final long payloadBytesQueued)
        {
            return new Bounds(headerTimeoutMs, bodyTimeoutMs, keepAliveTimeoutMs, maxConnections,
                maxConnectionsPerClient, bodyBytesInFlight, payloadBytesQueued, payloadAccountingMinBytes);
        }
    }
}
