package dev.whisk.bench.jmh;

import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.entity.Exec;
import dev.whisk.core.entity.NamespaceLimits;
import dev.whisk.core.entity.SemVer;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.frontdoor.ApiWiring;
import dev.whisk.frontdoor.FrontDoorConfig;
import dev.whisk.frontdoor.invoke.Admission;
import dev.whisk.storage.FileActivationStore;
import dev.whisk.storage.FileEntityStore;
import dev.whisk.storage.FileSubjectStore;
import dev.whisk.storage.WriteResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import org.agrona.CloseHelper;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The front door's share of a request without the network: raw HTTP/1.1 bytes through the same pipeline as a
 * connection (Netty's HTTP codec and aggregator, then the API handler: routing, authentication against the subject
 * store, the entity lookup, the JSON answer, its encoding), on an {@link EmbeddedChannel}. Credentials are checked
 * once in the setup, so the measured paths are the known-key and known-wrong-key ones that the event loop answers
 * itself (a first check is hashed off the loop). The 401 and 404 paths show
 * what authentication and routing cost apart from the lookup and the rendering. Run with {@code -prof gc} for the
 * bytes allocated per request.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {Flags.ADD_EXPORTS_MISC, "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true"})
public class FrontDoorBenchmark
{
    private static final String KEY = "k".repeat(64);

    private Path dir;
    private FileEntityStore entities;
    private FileSubjectStore subjects;
    private FileActivationStore activations;
    private EmbeddedChannel channel;
    private ByteBuf getAction;
    private ByteBuf wrongKey;
    private ByteBuf unknownRoute;

    @Setup(Level.Trial)
    public void setup() throws Exception
    {
        dir = Files.createTempDirectory("whisk-frontdoor-jmh");
        entities = FileEntityStore.open(dir.resolve("entities"));
        subjects = FileSubjectStore.open(dir.resolve("subjects"));
        activations = FileActivationStore.open(dir.resolve("activations"));
        final String uuid = UUID.randomUUID().toString();
        if (subjects.create("alice", "alice", uuid, KEY, NamespaceLimits.DEFAULT).get(10, TimeUnit.SECONDS) !=
            WriteResult.OK)
        {
            throw new IllegalStateException("could not create the subject");
        }
        entities.put(new WhiskAction("alice", "noop", SemVer.INITIAL, false,
            Exec.code("nodejs:20", "function main() { return {}; }", null), List.of(), List.of(),
            ActionLimits.DEFAULT, System.currentTimeMillis()), null).get(10, TimeUnit.SECONDS);
        final FrontDoorConfig config = FrontDoorConfig.defaults();
        channel = new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(config.maxBodyBytes()),
            ApiWiring.builder(subjects, entities, activations, config, new Admission()).build().handler());
        getAction = request("/api/v1/namespaces/_/actions/noop", uuid + ":" + KEY);
        wrongKey = request("/api/v1/namespaces/_/actions/noop", uuid + ":" + "x".repeat(64));
        unknownRoute = request("/api/v2/nothing", null);
        if (!answer(getAction).startsWith("HTTP/1.1 200") || !answer(wrongKey).startsWith("HTTP/1.1 401") ||
            !answer(unknownRoute).startsWith("HTTP/1.1 404"))
        {
            throw new IllegalStateException("the front door does not answer as the benchmark expects");
        }
    }

    private static ByteBuf request(final String path, final String auth)
    {
        final String text = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (auth == null ? "" :
            "Authorization: Basic " + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8)) +
                "\r\n") + "\r\n";
        return Unpooled.unreleasableBuffer(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    }

    /**
     * The answer to {@code request}, waiting up to 5 s for it: a credential's first check is hashed off the loop
     * (the answer comes back as a task), later ones are known and answered at once, which is what is measured.
     */
    private String answer(final ByteBuf request) throws InterruptedException
    {
        channel.writeInbound(request.duplicate());
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        final StringBuilder out = new StringBuilder();
        while (out.length() == 0 && System.nanoTime() < deadlineNs)
        {
            channel.runPendingTasks();
            Object o;
            while ((o = channel.readOutbound()) != null)
            {
                if (o instanceof ByteBuf b)
                {
                    out.append(b.toString(StandardCharsets.US_ASCII));
                }
                ReferenceCountUtil.release(o);
            }
            if (out.length() == 0)
            {
                Thread.sleep(1);
            }
        }
        return out.toString();
    }

    /** Bytes answered: decoding, routing, authentication, lookup, rendering and encoding of one request. */
    private int exchange(final ByteBuf request)
    {
        channel.writeInbound(request.duplicate());
        channel.runPendingTasks();
        int bytes = 0;
        Object o;
        while ((o = channel.readOutbound()) != null)
        {
            if (o instanceof ByteBuf b)
            {
                bytes += b.readableBytes();
            }
            ReferenceCountUtil.release(o);
        }
        return bytes;
    }

    @Benchmark
    public int authenticatedGetOfAnAction()
    {
        return exchange(getAction);
    }

    @Benchmark
    public int wrongKeyIs401()
    {
        return exchange(wrongKey);
    }

    @Benchmark
    public int unknownRouteIs404()
    {
        return exchange(unknownRoute);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        channel.finishAndReleaseAll();
        CloseHelper.closeAll(entities, subjects, activations);
    }
}
