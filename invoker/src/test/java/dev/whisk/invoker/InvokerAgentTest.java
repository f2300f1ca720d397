package dev.whisk.invoker;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.entity.KeySeal;
import dev.whisk.core.wire.ActivationRef;
import dev.whisk.core.wire.CompletionMessage;
import dev.whisk.core.wire.Heartbeat;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.core.wire.MessageHeader;
import dev.whisk.core.wire.MessageParts;
import dev.whisk.core.wire.WholeMessages;
import dev.whisk.pool.Job;
import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The invoker as its own process sees it: requests arrive on a real Aeron subscription (an embedded media driver,
 * IPC), become jobs for its pool, and each job's result and completion go back to the controller on a real
 * publication, resent until acknowledged. The pool is a fake: no Docker.
 */
class InvokerAgentTest
{
    private static final int REQUEST_STREAM = 21;
    private static final int COMPLETION_STREAM = 22;
    /** A small term, so that a record with a page of logs is longer than one message (at most term/8: 8 KB). */
    private static final String COMPLETION_CHANNEL = "aeron:ipc?term-length=64k";
    private static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(10);

    private MediaDriver driver;
    private Aeron aeron;
    private Publication toInvoker;
    private Subscription fromInvoker;
    private final FakePool pool = new FakePool();
    private final KeySeal seal = KeySeal.ephemeral();
    private InvokerAgent agent;
    /** What the controller side received, whole. */
    private final List<Received> received = new ArrayList<>();
    private final Heartbeat heartbeat = new Heartbeat();
    private final WholeMessages whole = new WholeMessages(this::onMessage);
    private final FragmentAssembler controllerSide = new FragmentAssembler((buffer, offset, length, header) ->
        whole.onFragment(buffer, offset, length, header.sessionId()));

    record Received(short template, int invokerId, int memoryMb, Activation activation, Heartbeat heartbeat)
    {
    }

    @BeforeEach
    void start()
    {
        driver = MediaDriver.launchEmbedded(new MediaDriver.Context().threadingMode(ThreadingMode.SHARED)
            .dirDeleteOnStart(true).dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
        final Subscription requests = aeron.addSubscription("aeron:ipc", REQUEST_STREAM);
        final Publication completions = aeron.addExclusivePublication(COMPLETION_CHANNEL, COMPLETION_STREAM);
        toInvoker = aeron.addPublication("aeron:ipc", REQUEST_STREAM);
        fromInvoker = aeron.addSubscription(COMPLETION_CHANNEL, COMPLETION_STREAM);
        agent = new InvokerAgent(new InvokerAgent.Context().invokerId(2).requests(requests).completions(completions)
            .seal(seal).jobs(pool::attach));
        agent.start();
        awaitTrue(() -> toInvoker.isConnected() && completions.isConnected(), "channels connected");
    }

    @AfterEach
    void stop()
    {
        agent.onClose();
        aeron.close();
        driver.close();
    }

    @Test
    void aRequestBecomesAJobAndItsResultAndRecordGoBackToTheController()
    {
        final InvokeRequest request = Requests.request(5, true, "{\"n\":1}");
        send(request);
        awaitTrue(() -> pool.jobs.size() == 1, "the request reached the pool");
        final Job job = pool.jobs.get(0);
        assertThat(job.activationId()).isEqualTo(request.activationId());
        assertThat(job.actionPath()).isEqualTo("guest/pkg/hello");
        assertThat(new String(job.params(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
        assertThat(job.blocking()).isTrue();

        // A page of logs: the record is longer than one message on this channel and goes in parts.
        final List<String> logs = List.of("x".repeat(20_000));
        pool.finish(job, "{\"done\":true}", logs);
        awaitTrue(() -> received.size() == 2, "result and completion received");

        assertThat(received).extracting(Received::template)
            .containsExactly(MessageHeader.RESULT, MessageHeader.COMPLETION);
        assertThat(received).extracting(Received::invokerId).containsOnly(2);
        assertThat(received).extracting(Received::memoryMb).containsOnly(256);
        assertThat(received.get(0).activation().logs()).isEmpty();
        final Activation record = received.get(1).activation();
        assertThat(record.activationId()).isEqualTo(request.activationId());
        assertThat(record.logs()).isEqualTo(logs);
        assertThat(new String(record.result(), StandardCharsets.UTF_8)).isEqualTo("{\"done\":true}");
        assertThat(agent.partedMessages()).as("the record went in parts").isEqualTo(1);
    }

    @Test
    void aRequestLongerThanOneMessageArrivesInPartsAndRunsOnce()
    {
        final String big = "{\"blob\":\"" + "b".repeat(30_000) + "\"}";
        final InvokeRequest request = Requests.request(6, false, big);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64 * 1024);
        final int length = request.encode(buffer, 0);
        final byte[][] parts = MessageParts.split(buffer, 0, length, request.idHi, request.idLo, 4096);
        assertThat(parts.length).isGreaterThan(1);
        for (final byte[] part : parts)
        {
            offer(new UnsafeBuffer(part), part.length);
        }

        awaitTrue(() -> pool.jobs.size() == 1, "the whole request reached the pool");
        runFor(TimeUnit.MILLISECONDS.toNanos(100));

        assertThat(pool.jobs).hasSize(1);
        assertThat(new String(pool.jobs.get(0).params(), StandardCharsets.UTF_8)).isEqualTo(big);
    }

    @Test
    void withAControllerItHeartbeatsAndResendsACompletionUntilItIsAcknowledged()
    {
        agent.heartbeatEvery(TimeUnit.MILLISECONDS.toNanos(50), "aeron:ipc", 2048);
        awaitTrue(() -> received.stream().anyMatch(r -> r.heartbeat() != null), "a heartbeat");
        final Heartbeat first = received.stream().filter(r -> r.heartbeat() != null).findFirst().orElseThrow()
            .heartbeat();
        assertThat(first.invokerId).isEqualTo(2);
        assertThat(first.requestChannel).isEqualTo("aeron:ipc");
        assertThat(first.totalMemoryMb).isEqualTo(2048);
        assertThat(first.freeMemoryMb).as("what the pool has free").isEqualTo(1536);

        final InvokeRequest request = Requests.request(7, false, "{}");
        send(request);
        awaitTrue(() -> pool.jobs.size() == 1, "the request reached the pool");
        pool.finish(pool.jobs.get(0), "{}", List.of());
        awaitTrue(() -> completions() >= 2, "the completion, then the same again: nobody acknowledged it");

        final ExpandableArrayBuffer ack = new ExpandableArrayBuffer(ActivationRef.LENGTH);
        ActivationRef.encode(ack, 0, MessageHeader.ACK, request.idHi, request.idLo, 2);
        offer(ack, ActivationRef.LENGTH);
        runFor(TimeUnit.MILLISECONDS.toNanos(200));
        final long sentBeforeAck = completions();
        // Resends come every second: two and a half of them pass without one once the controller acknowledged it.
        runFor(TimeUnit.MILLISECONDS.toNanos(2_500));

        assertThat(completions()).as("no resend after the acknowledgement").isEqualTo(sentBeforeAck);
        assertThat(received).filteredOn(r -> r.template() == MessageHeader.COMPLETION)
            .extracting(r -> r.activation().activationId()).containsOnly(request.activationId());
    }

    private long completions()
    {
        return received.stream().filter(r -> r.template() == MessageHeader.COMPLETION).count();
    }

    private void onMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        final short template = MessageHeader.templateId(buffer, offset, length);
        if (template == MessageHeader.HEARTBEAT)
        {
            final Heartbeat hb = new Heartbeat().decode(buffer, offset, length);
            received.add(new Received(template, hb.invokerId, 0, null, hb));
            return;
        }
        received.add(new Received(template, CompletionMessage.invokerId(buffer, offset),
            CompletionMessage.memoryMb(buffer, offset), CompletionMessage.activation(buffer, offset, length), null));
    }

    private void send(final InvokeRequest request)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
        offer(buffer, request.encode(buffer, 0));
    }

    private void offer(final DirectBuffer buffer, final int length)
    {
        final long deadline = System.nanoTime() + DEADLINE_NS;
        while (toInvoker.offer(buffer, 0, length) < 0)
        {
            assertThat(System.nanoTime()).as("the request channel took the message").isLessThan(deadline);
            agent.doWork();
        }
    }

    /** Runs both sides' duty cycles until {@code condition} holds; fails after 10 s. */
    private void awaitTrue(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + DEADLINE_NS;
        while (!condition.getAsBoolean())
        {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            cycle();
        }
    }

    /** Runs both sides' duty cycles for {@code ns}. */
    private void runFor(final long ns)
    {
        final long end = System.nanoTime() + ns;
        while (System.nanoTime() < end)
        {
            cycle();
        }
    }

    private void cycle()
    {
        final int work = agent.doWork() + fromInvoker.poll(controllerSide, 16);
        if (work == 0)
        {
            Thread.onSpinWait();
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
    }
}
