package dev.whisk.launcher.node;

/** Aeron stream ids and channel spellings shared by standalone, controller and invoker processes. */
final class NodeChannels
{
    static final int REQUEST_STREAM = 1001;
    static final int COMPLETION_STREAM = 1002;
    /** 16 MB terms: one message may carry a 1 MB request or result with room to spare (max message = term / 8). */
    static final String TERM = "term-length=16m";

    private NodeChannels()
    {
    }

    /** A UDP unicast channel to {@code host:port}. */
    static String udp(final String endpoint)
    {
        if (endpoint.indexOf(':') <= 0)
        {
            throw new IllegalArgumentException("endpoint '" + endpoint + "' is not host:port");
        }
        return "aeron:udp?endpoint=" + endpoint + "|" + TERM;
    }
}
