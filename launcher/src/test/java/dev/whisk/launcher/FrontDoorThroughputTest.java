package dev.whisk.launcher;

import dev.whisk.launcher.node.Standalone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Front-door throughput on the real platform, closed loop: N keep-alive connections, each sending its next request
 * as soon as the previous answer arrived, for an authenticated {@code GET} of an action and for a
 * {@code blocking=true} invoke of a no-op action. Prints requests per second per connection count. A measurement,
 * not a check: runs only with {@code -Dwhisk.throughput=true}.
 * <pre>
 * mvn -B -o test -pl launcher -Dtest=FrontDoorThroughputTest -Dwhisk.throughput=true
 * </pre>
 */
@EnabledIfSystemProperty(named = "whisk.throughput", matches = "true")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class FrontDoorThroughputTest
{
    private static final long WARMUP_MS = 3_000;
    private static final long MEASURE_MS = 10_000;

    @TempDir
    static Path dataDir;
    static Standalone platform;
    static String authHeader;

    @BeforeAll
    static void start() throws Exception
    {
        platform = TestPlatform.start(dataDir);
        authHeader = "Basic " + Base64.getEncoder().encodeToString(platform.guestAuth()
            .getBytes(StandardCharsets.UTF_8));
        final Api api = new Api(platform.apiHost(), platform.guestAuth());
        assertThat(api.putAction("noop", "function main() { return {}; }", null).status()).isEqualTo(200);
        assertThat(api.post("/namespaces/_/actions/noop?blocking=true", "{}").status()).isEqualTo(200);
    }

    @AfterAll
    static void stop()
    {
        if (platform != null)
        {
            platform.close();
        }
    }

    @Test
    void measuresAuthenticatedGetAndBlockingNoopInvoke() throws Exception
    {
        final byte[] get = request("GET", "/api/v1/namespaces/_/actions/noop", null);
        final byte[] invoke = request("POST", "/api/v1/namespaces/_/actions/noop?blocking=true", "{}");
        for (final int connections : new int[]{1, 8, 32})
        {
            report("GET action", connections, run(get, connections, 200));
        }
        for (final int connections : new int[]{1, 8, 32})
        {
            report("POST blocking no-op invoke", connections, run(invoke, connections, 200));
        }
    }

    private static void report(final String what, final int connections, final double perSecond)
    {
        System.out.printf("THROUGHPUT %s connections=%d requests/s=%.0f%n", what, connections, perSecond);
    }

    private static byte[] request(final String method, final String path, final String body)
    {
        final byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        final String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + authHeader +
            "\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n";
        final byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        final byte[] all = new byte[h.length + b.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(b, 0, all, h.length, b.length);
        return all;
    }

    /** Requests per second over the measured window; every answer must have {@code expectedStatus}. */
    private static double run(final byte[] request, final int connections, final int expectedStatus)
        throws Exception
    {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicBoolean measuring = new AtomicBoolean();
        final LongAdder done = new LongAdder();
        final LongAdder wrong = new LongAdder();
        final List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++)
        {
            final Thread t = new Thread(() ->
            {
                try (Socket s = new Socket())
                {
                    s.setTcpNoDelay(true);
                    s.connect(new InetSocketAddress("127.0.0.1", platform.address().getPort()), 5_000);
                    s.setSoTimeout(120_000);
                    final OutputStream out = s.getOutputStream();
                    final InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
                    while (!stop.get())
                    {
                        out.write(request);
                        out.flush();
                        final int status = readResponse(in);
                        if (measuring.get())
                        {
                            done.increment();
                            if (status != expectedStatus)
                            {
                                wrong.increment();
                            }
                        }
                    }
                }
                catch (final IOException ex)
                {
                    wrong.increment();
                }
            }, "load-" + i);
            threads.add(t);
            t.start();
        }
        Thread.sleep(WARMUP_MS);
        measuring.set(true);
        final long start = System.nanoTime();
        Thread.sleep(MEASURE_MS);
        measuring.set(false);
        final long elapsedNs = System.nanoTime() - start;
        final long count = done.sum();
        stop.set(true);
        for (final Thread t : threads)
        {
            t.join(130_000);
        }
        assertThat(wrong.sum()).as("answers with another status or failed connections").isZero();
        return count * 1e9 / elapsedNs;
    }

    /** Reads one response with Content-Length and returns its status. */
    private static int readResponse(final InputStream in) throws IOException
    {
        final StringBuilder line = new StringBuilder(64);
        int status = -1;
        int contentLength = 0;
        while (true)
        {
            line.setLength(0);
            int c;
            while ((c = in.read()) != '\n')
            {
                if (c < 0)
                {
                    throw new IOException("connection closed");
                }
                if (c != '\r')
                {
                    line.append((char)c);
                }
            }
            if (line.length() == 0)
            {
                break;
            }
            if (status < 0)
            {
                status = Integer.parseInt(line.substring(9, 12));
            }
            else if (line.toString().regionMatches(true, 0, "content-length:", 0, 15))
            {
                contentLength = Integer.parseInt(line.substring(15).trim());
            }
        }
        for (long skipped = 0; skipped < contentLength; )
        {
            final long n = in.skip(contentLength - skipped);
            if (n <= 0)
            {
                if (in.read() < 0)
                {
                    throw new IOException("connection closed in body");
                }
                skipped++;
            }
            else
            {
                skipped += n;
            }
        }
        return status;
    }
}
