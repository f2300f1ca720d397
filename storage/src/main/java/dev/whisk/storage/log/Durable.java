package dev.whisk.storage.log;

/** Something a {@link LogWriter} can make durable at a commit: one log, or a set of segments. */
@FunctionalInterface
public interface Durable
{
    /** Makes everything appended so far durable. Writer thread only. */
    void force();
}
