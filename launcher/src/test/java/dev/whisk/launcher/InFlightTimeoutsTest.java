package dev.whisk.launcher;

import dev.whisk.launcher.node.Standalone;
import org.junit.jupiter.api.AfterAll;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The front door's timeouts on the real platform, set far shorter than a run: a blocking invoke that runs longer
 * than every timeout is answered on its connection (a request in flight is never timed out), and the connection is
 * closed only once it has then been idle for its keep-alive timeout.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@NeedsDocker
class InFlightTimeoutsTest
{
    private static final long TIMEOUT_MS = 1_000;
    private static final int RUN_MS = 3_500;

    @RegisterExtension
    static final TestPlatform platform = TestPlatform.standalone(f -> f.withBounds(f.bounds()
        .withTimeoutsMs(TIMEOUT_MS, TIMEOUT_MS, TIMEOUT_MS)));
    static String authHeader;

    @BeforeAll
    static void start() throws Exception
    {
        final Api api = new Api(platform.apiHost(), platform.guestAuth());
        authHeader = platform.guest().authHeader();
        assertThat(api.putAction("slow", HttpEdgeTest.SLOW, null).status()).isEqualTo(200);
        // Warm: the run below is then as long as the action sleeps.
        assertThat(api.post("/namespaces/_/actions/slow?blocking=true&result=true", "{\"n\":0}").status())
            .isEqualTo(200);
    }

    @Test
    void aBlockingInvokeLongerThanEveryTimeoutIsAnsweredAndTheConnectionClosesOnlyWhenIdleAfter() throws Exception
    {
        final String body = "{\"ms\":" + RUN_MS + ",\"n\":7}";
        try (Socket s = new Socket())
        {
            s.connect(new InetSocketAddress(platform.address().getAddress(), platform.address().getPort()), 5_000);
            final long startNs = System.nanoTime();
            s.getOutputStream().write(("POST /api/v1/namespaces/_/actions/slow?blocking=true&result=true HTTP/1.1\r\n" +
                "Host: x\r\nAuthorization: " + authHeader + "\r\nContent-Type: application/json\r\nContent-Length: " +
                body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            s.setSoTimeout(30_000);
            final InputStream in = s.getInputStream();
            final String answer = readAnswer(in);
            final long answeredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            assertThat(answer).startsWith("HTTP/1.1 200").endsWith("{\"n\":7}");
            assertThat(answeredMs).as("the run outlasted every timeout").isGreaterThanOrEqualTo(RUN_MS);

            s.setSoTimeout((int)(TIMEOUT_MS / 2));
            assertThat(closesWithin(in)).as("kept alive right after the answer").isFalse();
            s.setSoTimeout(10_000);
            assertThat(closesWithin(in)).as("closed once idle for its keep-alive timeout").isTrue();
            // The server's idle time starts when it writes the answer, a little before this side has read it.
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs))
                .isGreaterThanOrEqualTo(answeredMs + TIMEOUT_MS - 100);
        }
    }

    /** One answer, head and body (by its Content-Length). */
    private static String readAnswer(final InputStream in) throws IOException
    {
        final StringBuilder head = new StringBuilder();
        while (head.indexOf("\r\n\r\n") < 0)
        {
            final int c = in.read();
            assertThat(c).as("the connection ended before the answer: %s", head).isNotNegative();
            head.append((char)c);
        }
        final java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)")
            .matcher(head);
        assertThat(m.find()).isTrue();
        return head + new String(in.readNBytes(Integer.parseInt(m.group(1))), StandardCharsets.UTF_8);
    }

    private static boolean closesWithin(final InputStream in) throws IOException
    {
        try
        {
            return in.read() < 0;
        }
        catch (final SocketTimeoutException open)
        {
            return false;
        }
        catch (final SocketException reset)
        {
            return true;
        }
    }
}
