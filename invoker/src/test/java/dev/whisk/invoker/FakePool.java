package dev.whisk.invoker;

import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.pool.Job;
import dev.whisk.pool.JobListener;
import dev.whisk.pool.RunOutcome;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A pool without containers, for the invoker's own tests: it keeps the jobs it is handed, counts its duty cycles, and
 * ends a job when the test says so, reporting it to the invoker as a container pool does (result, then completion).
 */
final class FakePool implements JobPool
{
    final List<Job> jobs = new ArrayList<>();
    JobListener listener;
    int duties;
    boolean started;
    boolean closed;

    /** What {@link LocalInvoker.Context#jobs} and {@link InvokerAgent.Context#jobs} take. */
    JobPool attach(final JobListener invoker)
    {
        this.listener = invoker;
        return this;
    }

    /** Ends {@code job} as a run of {@code result} that took 5 ms and wrote {@code logs}. */
    RunOutcome finish(final Job job, final String result, final List<String> logs)
    {
        final long startMs = job.acceptedMs() + 3;
        final RunOutcome outcome = new RunOutcome(ActivationStatus.SUCCESS, result.getBytes(StandardCharsets.UTF_8),
            startMs, startMs + 5, 0, false);
        listener.onResult(job, outcome);
        listener.onCompleted(job, outcome, logs);
        return outcome;
    }

    @Override
    public void start()
    {
        started = true;
    }

    @Override
    public void submit(final Job job)
    {
        jobs.add(job);
    }

    @Override
    public int doWork()
    {
        duties++;
        return 0;
    }

    @Override
    public int freeMemoryMb()
    {
        return 1536;
    }

    @Override
    public void close()
    {
        closed = true;
    }
}
