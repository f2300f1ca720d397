package dev.whisk.scheduler;

/**
 * The journal could not write a message (its disk is full): the message is not in the journal, so the request it
 * carries is not accepted and its caller hears 503.
 */
public final class JournalUnavailableException extends RuntimeException
{
    public JournalUnavailableException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
