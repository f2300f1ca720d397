package dev.whisk.bench.jmh;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationCodec;
import dev.whisk.core.activation.ActivationId;
import dev.whisk.core.activation.ActivationJson;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.wire.InvokeRequest;
import org.agrona.ExpandableArrayBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The hot path's codecs: the scheduler-to-invoker message and the activation record (binary, as on the wire and on
 * disk), beside the same record rendered as REST JSON, the baseline a JSON-based platform pays per record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {Flags.ADD_EXPORTS_MISC})
public class CodecBenchmark
{
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
    private final InvokeRequest request = new InvokeRequest();
    private final InvokeRequest decoded = new InvokeRequest();
    private int requestLength;
    private Activation activation;
    private int activationLength;

    @Setup
    public void setup()
    {
        request.idHi = 1;
        request.idLo = 2;
        request.acceptedMs = System.currentTimeMillis();
        request.timeoutMs = 60_000;
        request.memoryMb = 256;
        request.logsMb = 10;
        request.concurrency = 1;
        request.namespace = "guest";
        request.subject = "guest";
        request.actionPath = "guest/demo/hello";
        request.actionVersion = "0.0.1";
        request.kind = "nodejs:20";
        request.params = "{\"name\":\"Jane\",\"place\":\"Vermont\"}".getBytes(StandardCharsets.UTF_8);
        requestLength = request.encode(buffer, 0);
        activation = new Activation(ActivationId.random(), "guest", "guest", "hello", "0.0.1", "guest/demo/hello",
            "nodejs:20", 1_767_225_600_100L, 1_767_225_600_142L, null, ActivationStatus.SUCCESS,
            "{\"payload\":\"Hello, Jane from Vermont\"}".getBytes(StandardCharsets.UTF_8),
            List.of("2026-01-01T00:00:00.120000000Z stdout: hello"), ActionLimits.DEFAULT, false, 5, -1);
        activationLength = ActivationCodec.encode(activation, buffer, 1024);
    }

    @Benchmark
    public int encodeInvokeRequest()
    {
        return request.encode(buffer, 0);
    }

    @Benchmark
    public InvokeRequest decodeInvokeRequest()
    {
        request.encode(buffer, 0);
        return decoded.decode(buffer, 0, requestLength);
    }

    @Benchmark
    public int encodeActivationBinary()
    {
        return ActivationCodec.encode(activation, buffer, 1024);
    }

    @Benchmark
    public Activation decodeActivationBinary()
    {
        return ActivationCodec.decode(buffer, 1024, activationLength);
    }

    @Benchmark
    public byte[] encodeActivationRestJson()
    {
        return ActivationJson.full(activation);
    }
}
