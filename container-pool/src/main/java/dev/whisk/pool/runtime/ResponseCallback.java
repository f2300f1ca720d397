package dev.whisk.pool.runtime;

/** The answer to one request to an action container. Called on the client's event loop thread. */
public interface ResponseCallback
{
    void onResponse(int status, byte[] body);

    /**
     * The request got no answer.
     *
     * @param timedOut true when the deadline passed; false when the connection failed or closed.
     */
    void onFailure(Throwable cause, boolean timedOut);
}
