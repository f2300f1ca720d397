package dev.whisk.scheduler;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.wire.CompletionMessage;
import dev.whisk.core.wire.MessageHeader;
import dev.whisk.storage.ActivationStore;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;

/**
 * Takes results and completions from the invokers: a result answers its blocking caller at once; a completion is
 * handed to the activation store and answers a caller that is still waiting. Records the store cannot take now
 * wait in a backlog, in order, and are never dropped.
 */
public final class CompletionAgent implements Agent
{
    private static final Logger LOG = LoggerFactory.getLogger(CompletionAgent.class);
    private static final int FRAGMENT_LIMIT = 32;

    private final Subscription completions;
    private final ActivationStore store;
    private final Waiters waiters;
    private final FragmentHandler assembler = new FragmentAssembler(this::onFragment);
    private final ArrayDeque<Activation> backlog = new ArrayDeque<>();

    public CompletionAgent(final Subscription completions, final ActivationStore store, final Waiters waiters)
    {
        this.completions = completions;
        this.store = store;
        this.waiters = waiters;
    }

    @Override
    public int doWork()
    {
        int work = 0;
        while (!backlog.isEmpty() && store.append(backlog.peekFirst()))
        {
            backlog.pollFirst();
            work++;
        }
        return work + completions.poll(assembler, FRAGMENT_LIMIT);
    }

    @Override
    public String roleName()
    {
        return "completions";
    }

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final short template = MessageHeader.templateId(buffer, offset, length);
        if (template != MessageHeader.RESULT && template != MessageHeader.COMPLETION)
        {
            LOG.warn("event=unknown-message template={} length={}", template, length);
            return;
        }
        final Activation activation = CompletionMessage.activation(buffer, offset, length);
        if (template == MessageHeader.COMPLETION && (!backlog.isEmpty() || !store.append(activation)))
        {
            backlog.addLast(activation);
        }
        final ActivationWaiter waiter = waiters.take(activation.activationId());
        if (waiter != null)
        {
            waiter.onActivation(activation);
        }
    }
}
