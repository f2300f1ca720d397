package dev.whisk.bench.jmh;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationId;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.wire.CompletionMessage;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.core.wire.MessageHeader;
import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.CloseHelper;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The scheduler-invoker hop with our codecs over Aeron IPC (embedded driver): encode and offer an invoke message,
 * the other thread decodes it and answers with an encoded completion record, this thread decodes that. Round trip
 * time; both sides yield when idle (never busy-spin more threads than this small machine has cores).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {Flags.ADD_EXPORTS_MISC, "-Daeron.ipc.term.buffer.length=1m"})
public class AeronRoundTripBenchmark
{
    private static final String CHANNEL = "aeron:ipc";
    private MediaDriver driver;
    private Aeron aeron;
    private Publication ping;
    private Subscription pingSub;
    private Publication pong;
    private Subscription pongSub;
    private Thread ponger;
    private volatile boolean running = true;

    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(1024);
    private final InvokeRequest request = new InvokeRequest();
    private int requestLength;
    private final YieldingIdleStrategy idle = new YieldingIdleStrategy();
    private Activation received;
    private final FragmentHandler onPong = (buffer, offset, length, header) ->
        received = CompletionMessage.activation(buffer, offset, length);

    @Setup(Level.Trial)
    public void setup()
    {
        driver = MediaDriver.launchEmbedded(new MediaDriver.Context().threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new YieldingIdleStrategy()).dirDeleteOnStart(true).dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
        ping = aeron.addPublication(CHANNEL, 1);
        pingSub = aeron.addSubscription(CHANNEL, 1);
        pong = aeron.addPublication(CHANNEL, 2);
        pongSub = aeron.addSubscription(CHANNEL, 2);
        while (!ping.isConnected() || !pong.isConnected())
        {
            Thread.yield();
        }
        request.idHi = 1;
        request.idLo = 2;
        request.namespace = "guest";
        request.subject = "guest";
        request.actionPath = "guest/noop";
        request.actionVersion = "0.0.1";
        request.kind = "nodejs:20";
        request.params = "{}".getBytes(StandardCharsets.UTF_8);
        request.timeoutMs = 60_000;
        request.memoryMb = 256;
        request.logsMb = 10;
        request.concurrency = 1;
        ponger = new Thread(this::pongLoop, "ponger");
        ponger.start();
    }

    private void pongLoop()
    {
        final InvokeRequest in = new InvokeRequest();
        final ExpandableArrayBuffer reply = new ExpandableArrayBuffer(1024);
        final YieldingIdleStrategy pongIdle = new YieldingIdleStrategy();
        final FragmentHandler handler = (buffer, offset, length, header) ->
        {
            in.decode(buffer, offset, length);
            final long now = System.currentTimeMillis();
            final Activation a = new Activation(ActivationId.toString(in.idHi, in.idLo), in.namespace, in.subject,
                "noop", in.actionVersion, in.actionPath, in.kind, now, now, null, ActivationStatus.SUCCESS,
                new byte[]{'{', '}'}, List.of(), ActionLimits.DEFAULT, false, 0, -1);
            final int length2 = CompletionMessage.encode(reply, 0, MessageHeader.RESULT, 0, 256, a);
            while (pong.offer(reply, 0, length2) < 0)
            {
                pongIdle.idle();
            }
        };
        while (running)
        {
            pongIdle.idle(pingSub.poll(handler, 16));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException
    {
        running = false;
        ponger.join(2_000);
        CloseHelper.closeAll(pongSub, pong, pingSub, ping, aeron, driver);
    }

    @Benchmark
    public Activation roundTrip()
    {
        requestLength = request.encode(out, 0);
        while (ping.offer(out, 0, requestLength) < 0)
        {
            idle.idle();
        }
        received = null;
        while (received == null)
        {
            idle.idle(pongSub.poll(onPong, 1));
        }
        return received;
    }
}
