package dev.whisk.pool.runtime;

/** The answer to one request to an action container. Called on the client's event loop thread. */
public interface ResponseCallback
{
    /**
     * @param body          the whole answer body.
     * @param resultLength  with in-band logs, how many leading bytes of {@code body} are the JSON answer (the rest are
     *                      log lines, each ending in a newline); -1 when the container answered the plain protocol.
     * @param logsTruncated with in-band logs, whether lines were dropped at the log limit.
     */
    void onResponse(int status, byte[] body, int resultLength, boolean logsTruncated);

    /**
     * The request got no answer.
     *
     * @param timedOut true when the deadline passed; false when the connection failed or closed.
     */
    void onFailure(Throwable cause, boolean timedOut);
}
