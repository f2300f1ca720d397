package dev.whisk.scheduler;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.LiteBlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import dev.whisk.core.wire.InvokeRequest;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The intake of a {@link Fleet.Remote}: a multi-producer ring whose first handler journals each request and whose
 * second dispatches it over Aeron. Publishing never blocks (any thread: front door loops, timers, feeds). The stages
 * run on the ring's thread, or on two ({@link SchedulerConfig#stageThreads()}): journal, then dispatch.
 */
final class RingIntake implements Fleet.Intake
{
    private static final Logger LOG = LoggerFactory.getLogger(RingIntake.class);

    private final Disruptor<InvokeEvent> disruptor;
    private final RingBuffer<InvokeEvent> ring;

    RingIntake(final SchedulerConfig config, final Fleet.Stages stages)
    {
        final JournalHandler journalStage = stages.journalStage();
        final DispatchHandler dispatchStage = stages.dispatchStage();
        // A request the journal could not write was never accepted: its waiter hears so before the dispatch stage
        // skips it (the producer that published it is long gone).
        final EventHandler<InvokeEvent> dispatchOrRefuse = (event, sequence, endOfBatch) ->
        {
            if (event.notJournaled)
            {
                stages.notAccepted().accept(new InvokeRequest().decode(event.buffer, 0, event.length),
                    event.waiter);
            }
            dispatchStage.onEvent(event, sequence, endOfBatch);
        };
        // Handlers block on a condition only while idle; a producer takes the lock only to wake one that is
        // waiting, so under load publishing is lock-free, and an idle ring costs no CPU on a small machine.
        this.disruptor = new Disruptor<>(InvokeEvent::new, config.ringSize(), threads(),
            ProducerType.MULTI, new LiteBlockingWaitStrategy());
        disruptor.setDefaultExceptionHandler(new LoggingExceptionHandler());
        if (config.stageThreads() == 1)
        {
            disruptor.handleEventsWith((event, sequence, endOfBatch) ->
            {
                journalStage.onEvent(event, sequence, endOfBatch);
                dispatchOrRefuse.onEvent(event, sequence, endOfBatch);
            });
        }
        else
        {
            disruptor.handleEventsWith(journalStage).then(dispatchOrRefuse);
        }
        this.ring = disruptor.start();
    }

    @Override
    public boolean publish(final InvokeRequest request, final ActivationWaiter waiter, final int pinned)
    {
        return pinned < 0 ? ring.tryPublishEvent(InvokeEvent.TRANSLATOR, request, waiter) :
            ring.tryPublishEvent(InvokeEvent.PINNED, request, waiter, pinned);
    }

    @Override
    public boolean redispatch(final byte[] encodedRequest)
    {
        return ring.tryPublishEvent(REDISPATCH, encodedRequest);
    }

    private static final EventTranslatorOneArg<InvokeEvent, byte[]> REDISPATCH = (event, sequence, bytes) ->
    {
        // fill() encodes the request into the slot, so it is decoded from the journal's bytes, not copied first.
        event.fill(new InvokeRequest().decode(new UnsafeBuffer(bytes), 0, bytes.length));
        event.waiter = Scheduler.NOBODY;
    };

    @Override
    public void close()
    {
        disruptor.shutdown();
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
