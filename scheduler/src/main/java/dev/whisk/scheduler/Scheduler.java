package dev.whisk.scheduler;

import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.core.wire.MessageHeader;
import dev.whisk.storage.ActivationStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The path from the front door to the invokers: a multi-producer ring whose first handler journals each request and
 * whose second dispatches it over Aeron. {@link #tryPublish} is called from front door event loops and never blocks.
 */
public final class Scheduler implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    private final Disruptor<InvokeEvent> disruptor;
    private final RingBuffer<InvokeEvent> ring;
    private final Journal journal;
    private final Waiters waiters;

    public Scheduler(final SchedulerConfig config, final Journal journal, final InvokerTable invokers,
        final ActivationStore activations, final Waiters waiters)
    {
        this.journal = journal;
        this.waiters = waiters;
        this.disruptor = new Disruptor<>(InvokeEvent::new, config.ringSize(), threads(),
            ProducerType.MULTI, new SleepingWaitStrategy(200, config.waitSleepNs()));
        disruptor.setDefaultExceptionHandler(new LoggingExceptionHandler());
        disruptor.handleEventsWith(new JournalHandler(journal))
            .then(new DispatchHandler(invokers, activations, waiters));
        this.ring = disruptor.start();
    }

    /**
     * Offers a request to the ring; the waiter hears {@code onJournaled} and later {@code onActivation}.
     *
     * @return false when the ring is full: the caller answers 503 and nothing was accepted.
     */
    public boolean tryPublish(final InvokeRequest request, final ActivationWaiter waiter)
    {
        return ring.tryPublishEvent(InvokeEvent.TRANSLATOR, request, waiter);
    }

    public Waiters waiters()
    {
        return waiters;
    }

    /**
     * Ends every journaled request that has no record, after a stop: it may have run or not, so it is recorded as
     * a whisk internal error and never run again (at most once). Call before the first publish.
     *
     * @return how many records were written.
     */
    public static int recover(final Journal journal, final ActivationStore activations)
    {
        final InvokeRequest r = new InvokeRequest();
        final int[] recovered = {0};
        journal.replay(buffer ->
        {
            if (MessageHeader.templateId(buffer, 0, buffer.capacity()) != MessageHeader.INVOKE)
            {
                return;
            }
            r.decode(buffer, 0, buffer.capacity());
            final String id = r.activationId();
            if (activations.get(r.namespace, id) == null)
            {
                activations.append(unfinished(r, id));
                recovered[0]++;
            }
        });
        return recovered[0];
    }

    private static Activation unfinished(final InvokeRequest r, final String id)
    {
        final long now = System.currentTimeMillis();
        final String path = r.actionPath;
        return new Activation(id, r.namespace, r.subject, path.substring(path.lastIndexOf('/') + 1),
            r.actionVersion, path, r.kind, r.acceptedMs, now, r.cause, ActivationStatus.WHISK_ERROR,
            dev.whisk.core.activation.ActivationResults.error(Messages.PLATFORM_RESTARTED), List.of(),
            new ActionLimits(r.timeoutMs, r.memoryMb, r.logsMb, r.concurrency), false, 0, -1);
    }

    @Override
    public void close()
    {
        disruptor.shutdown();
        journal.close();
    }

    private static ThreadFactory threads()
    {
        final AtomicInteger n = new AtomicInteger();
        return r ->
        {
            final Thread t = new Thread(r, "scheduler-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
    }

    private static final class LoggingExceptionHandler implements ExceptionHandler<InvokeEvent>
    {
        @Override
        public void handleEventException(final Throwable ex, final long sequence, final InvokeEvent event)
        {
            LOG.error("event=ring-handler-failed sequence={} activationId={}", sequence, event.activationId, ex);
        }

        @Override
        public void handleOnStartException(final Throwable ex)
        {
            LOG.error("event=ring-start-failed", ex);
        }

        @Override
        public void handleOnShutdownException(final Throwable ex)
        {
            LOG.error("event=ring-shutdown-failed", ex);
        }
    }
}
