package dev.whisk.pool;

import dev.whisk.core.activation.ActivationStatus;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * Keeps the {@link JobListener} contract for every job the pool took: exactly one {@code onResult}, then exactly one
 * {@code onCompleted}, whichever path the job ends on (run, failure, eviction, close). Owned by the pool's owner
 * thread.
 */
final class JobLedger
{
    private final JobListener listener;
    /** Jobs without their completion yet, with the outcome already reported by onResult (null before). */
    private final IdentityHashMap<Job, RunOutcome> unfinished = new IdentityHashMap<>();

    JobLedger(final JobListener listener)
    {
        this.listener = listener;
    }

    void open(final Job job)
    {
        unfinished.put(job, null);
    }

    /** Reports the run's outcome, unless one was already reported. */
    void result(final Job job, final RunOutcome outcome)
    {
        if (unfinished.containsKey(job) && unfinished.get(job) == null)
        {
            unfinished.put(job, outcome);
            listener.onResult(job, outcome);
        }
    }

    /** Completes the job (reporting its result first if that has not happened); later calls do nothing. */
    void complete(final Job job, final RunOutcome outcome, final List<String> logs)
    {
        if (!unfinished.containsKey(job))
        {
            return;
        }
        final RunOutcome reported = unfinished.remove(job);
        if (reported == null)
        {
            listener.onResult(job, outcome);
        }
        listener.onCompleted(job, reported == null ? outcome : reported, logs);
    }

    /** Ends the job with an error record and no logs; a result already reported is kept. */
    void fail(final Job job, final ActivationStatus status, final String message)
    {
        final long nowMs = System.currentTimeMillis();
        final RunOutcome outcome = new RunOutcome(status, RunResults.errorJson(message), nowMs, nowMs, -1, false);
        result(job, outcome);
        complete(job, outcome, List.of());
    }

    List<Job> openJobs()
    {
        return new ArrayList<>(unfinished.keySet());
    }
}
