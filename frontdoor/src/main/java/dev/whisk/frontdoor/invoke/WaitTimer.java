package dev.whisk.frontdoor.invoke;

import java.util.concurrent.Future;

/**
 * The timer of one blocking caller's wait, cancelled as soon as the caller is answered, so that an answered request's
 * exchange, headers and body do not stay reachable from the event loop's timer queue for the rest of the wait (up to
 * 60 s). The answer may come from another thread than the one that sets the timer, and before it is set.
 */
public final class WaitTimer
{
    private volatile Future<?> timer;
    private volatile boolean answered;

    /** The timer that ends the wait; cancelled at once if the answer already came. */
    public void set(final Future<?> waitTimer)
    {
        timer = waitTimer;
        if (answered)
        {
            waitTimer.cancel(false);
        }
    }

    /** The caller was answered: the timer, if set, is cancelled; one set later is cancelled when set. */
    public void cancel()
    {
        answered = true;
        final Future<?> t = timer;
        if (t != null)
        {
            t.cancel(false);
        }
    }
}
