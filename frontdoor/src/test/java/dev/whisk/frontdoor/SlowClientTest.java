package dev.whisk.frontdoor;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.whisk.testkit.Http;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The slow-client attack against the real front door over real sockets: one address opens more connections than
 * its cap, each sending half a request line and then nothing. The connections over the cap are closed at once, the
 * rest when their headers time out (408), an authenticated caller from another address is served throughout, and
 * {@code /metrics} counts it all. Short timeouts keep the test brief.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SlowClientTest
{
    private static final long HEADER_TIMEOUT_MS = 3_000;
    private static final long BODY_TIMEOUT_MS = 1_500;
    private static final long KEEP_ALIVE_TIMEOUT_MS = 2_000;
    private static final int PER_CLIENT = 40;
    /** The attack comes from another loopback address than the legitimate caller (127.0.0.1). */
    private static final String ATTACKER = "127.0.0.2";

    @RegisterExtension
    final TestServer server = new TestServer(false, config());
    final List<Socket> sockets = new ArrayList<>();

    private static FrontDoorConfig config()
    {
        final FrontDoorConfig d = FrontDoorConfig.defaults();
        return new FrontDoorConfig("127.0.0.1", 0, 1, d.maxBodyBytes(),
            d.maxInvokeBodyBytes(), d.maxBlockingWaitMs()).withBounds(d.bounds()
            .withTimeoutsMs(HEADER_TIMEOUT_MS, BODY_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS)
            .withConnections(500, PER_CLIENT));
    }

    @AfterEach
    void closeSockets() throws IOException
    {
        for (final Socket s : sockets)
        {
            s.close();
        }
    }

    @Test
    void halfRequestLinesOverTheCapAreClosedAtOnceTheRestTimeOutAndACallerIsServedThroughout() throws Exception
    {
        final int attack = PER_CLIENT + 30;
        for (int i = 0; i < attack; i++)
        {
            final Socket s = new Socket();
            s.bind(new InetSocketAddress(InetAddress.getByName(ATTACKER), 0));
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            s.getOutputStream().write("GET /api/v1/namespaces/_/act".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            sockets.add(s);
        }
        final long attackStartNs = System.nanoTime();
        int closedAtOnce = 0;
        final List<Socket> held = new ArrayList<>();
        for (final Socket s : sockets)
        {
            // A connection over the cap was closed as soon as it was accepted: its read ends at once, while one
            // under the cap waits (its headers' time has not run out).
            if (readsEndWithin(s, 30))
            {
                closedAtOnce++;
            }
            else
            {
                held.add(s);
            }
        }
        assertThat(closedAtOnce).isEqualTo(attack - PER_CLIENT);
        assertThat(held).hasSize(PER_CLIENT);
        assertThat(elapsedMs(attackStartNs)).as("the held ones were checked before their time ran out")
            .isLessThan(HEADER_TIMEOUT_MS);

        final Http.Reply served = server.alice().get("/namespaces/_/actions");
        assertThat(served.status()).as("a caller from another address is served during the attack").isEqualTo(200);

        for (final Socket s : held)
        {
            final String answer = readAll(s, 10_000);
            assertThat(answer).as("a request whose headers never came is answered 408 and closed")
                .startsWith("HTTP/1.1 408").contains("\"error\":\"The request's headers or body did not arrive in time");
        }
        assertThat(elapsedMs(attackStartNs)).isGreaterThanOrEqualTo(HEADER_TIMEOUT_MS);

        final Map<String, Double> metrics = metrics();
        assertThat(metrics.get("whisk_http_connections_refused_per_client_total")).isEqualTo(attack - PER_CLIENT);
        assertThat(metrics.get("whisk_http_connections_refused_total")).isEqualTo(attack - PER_CLIENT);
        assertThat(metrics.get("whisk_http_header_timeouts_total")).isEqualTo(PER_CLIENT);

        // The address's slots are free again.
        try (Socket again = new Socket())
        {
            again.bind(new InetSocketAddress(InetAddress.getByName(ATTACKER), 0));
            again.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            again.getOutputStream().write(("GET /api/v1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            assertThat(readAll(again, 10_000)).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void aSilentNewConnectionIsClosedAfterTheHeaderTimeoutAndAnIdleKeepAliveOneAfterItsOwn() throws Exception
    {
        final Socket silent = connect();
        final Socket idle = connect();
        final long startNs = System.nanoTime();
        idle.getOutputStream().write(("GET /api/v1 HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        idle.getOutputStream().flush();
        final InputStream in = idle.getInputStream();
        idle.setSoTimeout(5_000);
        final byte[] head = in.readNBytes(15);
        assertThat(new String(head, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");

        assertThat(readAll(silent, 10_000)).as("closed without an answer: it asked nothing").isEmpty();
        assertThat(elapsedMs(startNs)).isBetween(HEADER_TIMEOUT_MS - 100, KEEP_ALIVE_TIMEOUT_MS + 5_000);
        readAll(idle, 10_000);
        assertThat(elapsedMs(startNs)).as("the kept-alive connection lasted its keep-alive timeout")
            .isGreaterThanOrEqualTo(KEEP_ALIVE_TIMEOUT_MS);
        final Map<String, Double> metrics = metrics();
        assertThat(metrics.get("whisk_http_idle_timeouts_total")).isEqualTo(2);
    }

    @Test
    void aBodyThatStopsArrivingIsCutWith408ButOneArrivingSlowlyIsRead() throws Exception
    {
        final String put = "PUT /api/v1/namespaces/_/packages/p HTTP/1.1\r\nHost: x\r\nAuthorization: " +
            server.alice().authHeader() + "\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n";
        final Socket stalled = connect();
        stalled.getOutputStream().write((put + "{\"publish\":").getBytes(StandardCharsets.US_ASCII));
        final Socket trickling = connect();
        final OutputStream out = trickling.getOutputStream();
        out.write(put.getBytes(StandardCharsets.US_ASCII));
        final String json = "{\"publish\":false,\"annotations\":[]}";
        final byte[] body = (json + " ".repeat(40 - json.length())).getBytes(StandardCharsets.US_ASCII);
        final long startNs = System.nanoTime();
        for (int i = 0; i < body.length; i += 8)
        {
            out.write(body, i, 8);
            out.flush();
            if (i + 8 < body.length)
            {
                // Each piece comes well within the body timeout, the whole body well after it.
                assertThat(readsEndWithin(trickling, (int)(BODY_TIMEOUT_MS / 3))).isFalse();
            }
        }
        assertThat(elapsedMs(startNs)).isGreaterThan(BODY_TIMEOUT_MS);
        assertThat(readUntil(trickling, "}", 10_000)).startsWith("HTTP/1.1 200");
        assertThat(readAll(stalled, 10_000)).startsWith("HTTP/1.1 408");
        assertThat(metrics().get("whisk_http_body_timeouts_total")).isEqualTo(1);
    }

    @Test
    void failedAcceptsAreCountedAndLoggedOnceAWhileNotEachTime()
    {
        final Connections connections = new Connections(10, 10);
        final Logger logger = (Logger)LoggerFactory.getLogger(Connections.class);
        final ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try
        {
            final EmbeddedChannel listening = new EmbeddedChannel(connections.acceptFailures());
            for (int i = 0; i < 1_000; i++)
            {
                listening.pipeline().fireExceptionCaught(new IOException("accept(..) failed: Too many open files"));
                listening.config().setAutoRead(true);
            }
            listening.checkException();
            assertThat(logged.list).hasSize(1);
            assertThat(logged.list.get(0).getFormattedMessage()).contains("event=accept-failed failures=1")
                .contains("Too many open files");
            final StringBuilder out = new StringBuilder();
            connections.appendTo(out);
            assertThat(out.toString()).contains("whisk_http_accept_failures_total 1000");
            assertThat(listening.finishAndReleaseAll()).isFalse();
        }
        finally
        {
            logger.detachAppender(logged);
        }
    }

    private Socket connect() throws IOException
    {
        final Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        sockets.add(s);
        return s;
    }

    /** The samples of {@code GET /metrics}, by name. */
    private Map<String, Double> metrics() throws IOException
    {
        final String text;
        try (Socket s = new Socket())
        {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
            text = readAll(s, 10_000);
        }
        final Map<String, Double> samples = new java.util.HashMap<>();
        for (final String line : text.substring(text.indexOf("\r\n\r\n") + 4).split("\n"))
        {
            final int space = line.lastIndexOf(' ');
            if (!line.startsWith("#") && space > 0)
            {
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return samples;
    }

    /** Whether the server closes (or resets) {@code s} within {@code ms}, reading and dropping what it sends. */
    static boolean readsEndWithin(final Socket s, final int ms) throws IOException
    {
        s.setSoTimeout(ms);
        try
        {
            final InputStream in = s.getInputStream();
            while (in.read() >= 0)
            {
                // an answer before the close: read on to the end
            }
            return true;
        }
        catch (final SocketTimeoutException stillOpen)
        {
            return false;
        }
        catch (final SocketException reset)
        {
            return true;
        }
    }

    /** Everything the server sends until it closes the connection, waiting at most {@code ms}. */
    static String readAll(final Socket s, final int ms) throws IOException
    {
        s.setSoTimeout(ms);
        try
        {
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (final SocketException reset)
        {
            return "";
        }
    }

    /** What the server sends up to and including {@code end}, waiting at most {@code ms}. */
    static String readUntil(final Socket s, final String end, final int ms) throws IOException
    {
        s.setSoTimeout(ms);
        final StringBuilder out = new StringBuilder();
        final InputStream in = s.getInputStream();
        int c;
        while ((c = in.read()) >= 0)
        {
            out.append((char)c);
            if (out.length() >= end.length() && out.lastIndexOf(end) == out.length() - end.length() &&
                out.indexOf("\r\n\r\n") >= 0)
            {
                break;
            }
        }
        return out.toString();
    }

    private static long elapsedMs(final long startNs)
    {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }
}
