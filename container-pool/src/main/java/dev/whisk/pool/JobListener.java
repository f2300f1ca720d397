package dev.whisk.pool;

import java.util.List;

/** What the pool reports about each job, always on the pool's owner thread, in this order. */
public interface JobListener
{
    /** The run ended; logs are not collected yet. Lets a blocking caller have its answer without waiting for them. */
    void onResult(Job job, RunOutcome outcome);

    /** The logs are collected: the activation is complete. Called exactly once per job. */
    void onCompleted(Job job, RunOutcome outcome, List<String> logs);
}
