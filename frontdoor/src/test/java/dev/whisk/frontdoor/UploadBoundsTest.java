package dev.whisk.frontdoor;

import dev.whisk.testkit.Http;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Uploads against the real front door over real sockets: a body sent without a good key is refused with 401 on its
 * headers, before a byte of it is sent, and is never buffered; the bodies of all connections together fit a budget,
 * and one that does not fit is refused with 503 on its headers, keyed or anonymous (a web action's), while the
 * connections already sending keep going and an authenticated caller is served.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class UploadBoundsTest
{
    private static final int MAX_BODY_BYTES = 8 * 1024 * 1024;
    private static final long BUDGET_BYTES = 12L * 1024 * 1024;
    private static final int UPLOAD_BYTES = 7 * 1024 * 1024;

    @RegisterExtension
    final TestServer server = new TestServer(false, config());
    final List<Socket> sockets = new ArrayList<>();

    private static FrontDoorConfig config()
    {
        final FrontDoorConfig d = FrontDoorConfig.defaults();
        return new FrontDoorConfig("127.0.0.1", 0, 1, MAX_BODY_BYTES,
            d.maxInvokeBodyBytes(), d.maxBlockingWaitMs()).withBounds(d.bounds()
            .withMemory(BUDGET_BYTES, d.bounds().maxPayloadBytesQueued()));
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
    void concurrentAnonymousUploadsAre401OnTheirHeadersAndNeverBuffered() throws Exception
    {
        final int uploads = 24;
        final List<Socket> anonymous = new ArrayList<>();
        for (int i = 0; i < uploads; i++)
        {
            final Socket s = connect();
            s.getOutputStream().write(headers("PUT", "/api/v1/namespaces/_/actions/big" + i, null, UPLOAD_BYTES)
                .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            anonymous.add(s);
        }
        for (final Socket s : anonymous)
        {
            final String answer = readAnswer(s);
            assertThat(answer).as("refused before any of the body was sent").startsWith("HTTP/1.1 401")
                .contains("The resource requires authentication, which was not supplied with the request")
                .containsIgnoringCase("connection: close");
        }
        // They send their bodies anyway: thrown away as they come, nothing held.
        final byte[] chunk = new byte[1 << 20];
        for (int mb = 0; mb < 4; mb++)
        {
            for (final Socket s : anonymous)
            {
                s.getOutputStream().write(chunk);
            }
        }
        assertThat(metric("whisk_http_body_bytes_in_flight")).isZero();
        assertThat(server.alice().get("/namespaces/_/actions").status()).isEqualTo(200);
    }

    @Test
    void anUploadWithAWrongKeyIs401OnItsHeaders() throws Exception
    {
        final Socket s = connect();
        final String wrong = "Basic " + Base64.getEncoder().encodeToString(
            (server.aliceAuth.substring(0, server.aliceAuth.indexOf(':')) + ":" + "w".repeat(64))
                .getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().write(headers("POST", "/api/v1/namespaces/_/actions/a", wrong, 500_000)
            .getBytes(StandardCharsets.US_ASCII));
        assertThat(readAnswer(s)).startsWith("HTTP/1.1 401").contains("The supplied authentication is invalid");
    }

    @Test
    void bodiesOverTheBudgetAre503OnTheirHeadersKeyedOrNotAndFitAgainOnceTheFirstIsHandled() throws Exception
    {
        final String key = server.alice().authHeader();
        final Socket first = connect();
        final String code = "x".repeat(UPLOAD_BYTES - 60);
        final byte[] action = ("{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"" + code + "\"}}")
            .getBytes(StandardCharsets.US_ASCII);
        final OutputStream out = first.getOutputStream();
        out.write(headers("PUT", "/api/v1/namespaces/_/actions/big", key, action.length)
            .getBytes(StandardCharsets.US_ASCII));
        out.write(action, 0, action.length / 2);
        out.flush();
        awaitMetric("whisk_http_body_bytes_in_flight", action.length);

        final Socket keyed = connect();
        keyed.getOutputStream().write(headers("PUT", "/api/v1/namespaces/_/actions/other", key, action.length)
            .getBytes(StandardCharsets.US_ASCII));
        assertThat(readAnswer(keyed)).startsWith("HTTP/1.1 503").containsIgnoringCase("retry-after: 1")
            .contains("Too many request bodies are being received at once: this one (" + action.length +
                " bytes) does not fit the " + BUDGET_BYTES + " bytes the platform holds for them. Retry later.");
        final Socket anonymous = connect();
        anonymous.getOutputStream().write(headers("PUT", "/api/v1/web/alice/default/hello", null, action.length)
            .getBytes(StandardCharsets.US_ASCII));
        assertThat(readAnswer(anonymous)).as("a web action's body, anonymous by design, is bounded too")
            .startsWith("HTTP/1.1 503");
        assertThat(server.alice().get("/namespaces/_/actions").status()).isEqualTo(200);

        out.write(action, action.length / 2, action.length - action.length / 2);
        out.flush();
        assertThat(readAnswer(first)).startsWith("HTTP/1.1 200");
        assertThat(metric("whisk_http_body_bytes_in_flight")).isZero();
        assertThat(metric("whisk_http_body_budget_refusals_total")).isEqualTo(2);

        final Socket again = connect();
        again.getOutputStream().write(headers("PUT", "/api/v1/namespaces/_/actions/other", key, action.length)
            .getBytes(StandardCharsets.US_ASCII));
        again.getOutputStream().write(action);
        assertThat(readAnswer(again)).startsWith("HTTP/1.1 200");
    }

    private static String headers(final String method, final String path, final String auth, final long length)
    {
        return method + " " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
            (auth == null ? "" : "Authorization: " + auth + "\r\n") + "Content-Length: " + length + "\r\n\r\n";
    }

    private Socket connect() throws IOException
    {
        final Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        sockets.add(s);
        return s;
    }

    /** One answer's head and body (by its Content-Length), waiting at most 10 s. */
    private static String readAnswer(final Socket s) throws IOException
    {
        s.setSoTimeout(10_000);
        final InputStream in = s.getInputStream();
        final StringBuilder head = new StringBuilder();
        while (head.indexOf("\r\n\r\n") < 0)
        {
            final int c = in.read();
            if (c < 0)
            {
                return head.toString();
            }
            head.append((char)c);
        }
        final java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)")
            .matcher(head);
        final int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private double metric(final String name) throws Exception
    {
        final java.net.http.HttpResponse<String> r = Http.client().send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + server.port() +
                "/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return MetricsEndpointTest.value(r.body(), name);
    }

    private void awaitMetric(final String name, final double value) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (metric(name) != value)
        {
            assertThat(System.nanoTime()).as("%s reaches %s", name, value).isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
