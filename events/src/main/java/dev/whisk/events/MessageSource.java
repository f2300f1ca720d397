package dev.whisk.events;

/**
 * A source of messages (a Kafka topic, a Redis stream): the batch goes in the fire's {@code messages} field, the lag
 * is what the engine last said was unread, and closing releases the engine's client once.
 *
 * <p>Threads: its poller's.
 */
abstract class MessageSource implements Source
{
    /** Messages at the engine not yet checkpointed, as last seen; -1 until known. Set by the subclass's poll. */
    protected long lag = -1;
    private boolean closed;

    @Override
    public final long lag()
    {
        return lag;
    }

    @Override
    public final String field()
    {
        return "messages";
    }

    @Override
    public final void close()
    {
        if (!closed)
        {
            closed = true;
            release();
        }
    }

    /** Closes the engine's client; called once. */
    protected abstract void release();
}
