package dev.whisk.launcher.node;

import dev.whisk.frontdoor.FrontDoorConfig;
import picocli.CommandLine.Option;

/**
 * The flags (and {@code WHISK_*} environment variables) of what clients may hold of the front door: timeouts,
 * connection caps and the memory bounds of bodies and payloads. A 0 keeps the default derived from this process (its
 * open-file limit, its heap). Shared by {@code whisk standalone} and {@code whisk controller} as a picocli mixin.
 */
final class FrontDoorBoundsOptions
{
    @Option(names = "--header-timeout-ms", defaultValue = "${env:WHISK_HEADER_TIMEOUT_MS:-"
        + FrontDoorConfig.Bounds.DEFAULT_HEADER_TIMEOUT_MS + "}",
        description = "A request's headers must all arrive within this after its first byte; else 408 and close "
            + "(default: ${DEFAULT-VALUE}).")
    long headerTimeoutMs;

    @Option(names = "--body-timeout-ms", defaultValue = "${env:WHISK_BODY_TIMEOUT_MS:-"
        + FrontDoorConfig.Bounds.DEFAULT_BODY_TIMEOUT_MS + "}",
        description = "A request body that sends nothing for this long is cut with 408 (default: ${DEFAULT-VALUE}).")
    long bodyTimeoutMs;

    @Option(names = "--keep-alive-timeout-ms", defaultValue = "${env:WHISK_KEEP_ALIVE_TIMEOUT_MS:-"
        + FrontDoorConfig.Bounds.DEFAULT_KEEP_ALIVE_TIMEOUT_MS + "}",
        description = "A connection idle with nothing in flight is closed after this (default: ${DEFAULT-VALUE}).")
    long keepAliveTimeoutMs;

    @Option(names = "--max-connections", defaultValue = "${env:WHISK_MAX_CONNECTIONS:-0}",
        description = "Client connections at once, all clients; 0: three quarters of the open-file limit.")
    int maxConnections;

    @Option(names = "--max-connections-per-client", defaultValue = "${env:WHISK_MAX_CONNECTIONS_PER_CLIENT:-0}",
        description = "Client connections at once from one address; 0: "
            + FrontDoorConfig.Bounds.DEFAULT_MAX_CONNECTIONS_PER_CLIENT + ".")
    int maxConnectionsPerClient;

    @Option(names = "--max-body-bytes-in-flight", defaultValue = "${env:WHISK_MAX_BODY_BYTES_IN_FLIGHT:-0}",
        description = "Bytes of request bodies being received at once, all connections; 0: an eighth of the heap.")
    long maxBodyBytesInFlight;

    @Option(names = "--max-payload-bytes-queued", defaultValue = "${env:WHISK_MAX_PAYLOAD_BYTES_QUEUED:-0}",
        description = "Bytes of large invoke payloads accepted and not yet run; 0: an eighth of the heap.")
    long maxPayloadBytesQueued;

    /** {@code config} with these bounds over its defaults. */
    FrontDoorConfig applyTo(final FrontDoorConfig config)
    {
        final FrontDoorConfig.Bounds d = config.bounds();
        final int all = maxConnections > 0 ? maxConnections : d.maxConnections();
        final int perClient = maxConnectionsPerClient > 0 ? maxConnectionsPerClient :
            Math.min(all, d.maxConnectionsPerClient());
        return config.withBounds(d.withTimeoutsMs(headerTimeoutMs, bodyTimeoutMs, keepAliveTimeoutMs)
            .withConnections(all, perClient)
            .withMemory(maxBodyBytesInFlight > 0 ? maxBodyBytesInFlight : d.maxBodyBytesInFlight(),
                maxPayloadBytesQueued > 0 ? maxPayloadBytesQueued : d.maxPayloadBytesQueued()));
    }
}
