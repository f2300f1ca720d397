package dev.whisk.invoker;

import dev.whisk.pool.ContainerPool;
import dev.whisk.pool.Job;

/**
 * What an invoker drives: the jobs it hands on and the duty cycle that runs them, reporting each job to the
 * invoker as its {@link dev.whisk.pool.JobListener}. A {@link ContainerPool} in production; a test may drive a pool
 * of its own, without Docker. Owner thread only, like the pool.
 */
interface JobPool
{
    /** Prepares the pool; blocking, on the launcher's thread, before the owner thread runs it. */
    void start();

    void submit(Job job);

    int doWork();

    /** Memory not taken by containers now, MB: what a heartbeat announces. */
    int freeMemoryMb();

    void close();

    /** {@code pool} as what an invoker drives. */
    static JobPool of(final ContainerPool pool)
    {
        return new JobPool()
        {
            @Override
            public void start()
            {
                pool.start();
            }

            @Override
            public void submit(final Job job)
            {
                pool.submit(job);
            }

            @Override
            public int doWork()
            {
                return pool.doWork();
            }

            @Override
            public int freeMemoryMb()
            {
                return pool.metrics().freeMemoryMb();
            }

            @Override
            public void close()
            {
                pool.close();
            }
        };
    }
}
