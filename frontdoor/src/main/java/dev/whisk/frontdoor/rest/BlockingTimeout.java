package dev.whisk.frontdoor.rest;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;

/**
 * What a blocking invoke answers when it outlives its wait: OpenWhisk's {@code 202} with the activation id (the
 * default), or Adobe I/O Runtime's {@code 504}, with the activation id in the body as well so the caller can still
 * fetch the result. A platform setting, read once when the front door is built: the system property
 * {@value #PROPERTY} or the environment variable {@value #ENV}, {@code 202} or {@code 504}; anything else fails the
 * start. Immutable.
 */
public final class BlockingTimeout
{
    public static final String PROPERTY = "whisk.blockingTimeoutStatus";
    public static final String ENV = "WHISK_BLOCKING_TIMEOUT_STATUS";

    private BlockingTimeout()
    {
    }

    /** The platform's status for a blocking call whose wait ran out: 202 unless set to 504. */
    public static HttpResponseStatus platformStatus()
    {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank())
        {
            v = System.getenv(ENV);
        }
        if (v == null || v.isBlank() || "202".equals(v.trim()))
        {
            return HttpResponseStatus.ACCEPTED;
        }
        if ("504".equals(v.trim()))
        {
            return HttpResponseStatus.GATEWAY_TIMEOUT;
        }
        throw new IllegalArgumentException(PROPERTY + "/" + ENV + " is '" + v + "': it must be 202 or 504");
    }

    /** The body of the answer: the activation id, and for 504 also the error a gateway timeout carries. */
    static byte[] body(final HttpResponseStatus status, final String activationId)
    {
        if (status == HttpResponseStatus.ACCEPTED)
        {
            return InvokeWaiter.idBody(activationId);
        }
        return ("{\"error\":\"The action did not complete within the blocking wait; its result will be in " +
            "activation " + activationId + ".\",\"code\":\"" + activationId + "\",\"activationId\":\"" +
            activationId + "\"}").getBytes(StandardCharsets.US_ASCII);
    }
}
