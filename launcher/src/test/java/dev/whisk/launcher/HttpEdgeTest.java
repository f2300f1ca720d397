package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.core.json.Json;
import dev.whisk.launcher.node.Standalone;
import org.junit.jupiter.api.AfterAll;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The platform's HTTP edge under what a careless or hostile client sends, over raw sockets to the real platform:
 * pipelined requests answered in order, a {@code Connection: close} that drops nothing before it, bad
 * percent-escapes and absurd lengths answered with a JSON 400, an oversize chunked body with a JSON 413, and
 * {@code binary} code that is not base64 refused.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@NeedsDocker
class HttpEdgeTest
{
    @RegisterExtension
    static final TestPlatform platform = TestPlatform.standalone();
    static final Api api = platform.guest();
    /** Answers {@code p.n} after sleeping {@code p.ms} milliseconds (also InFlightTimeoutsTest's action). */
    static final String SLOW = """
        async function main(p) {
          await new Promise((resolve) => setTimeout(resolve, p.ms || 0));
          return { n: p.n };
        }""";
    static String authHeader;

    @BeforeAll
    static void start() throws Exception
    {
        authHeader = platform.guest().authHeader();
        assertThat(api.putAction("slow", SLOW, null).status()).isEqualTo(200);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderAndALaterCloseDropsNoEarlierAnswer() throws Exception
    {
        final String invokeSlow = post("/api/v1/namespaces/_/actions/slow?blocking=true&result=true",
            "{\"ms\":400,\"n\":1}", false);
        final String list = "GET /api/v1/namespaces/_/actions HTTP/1.1\r\nHost: x\r\nAuthorization: " + authHeader +
            "\r\n\r\n";
        final String invokeLast = post("/api/v1/namespaces/_/actions/slow?blocking=true&result=true",
            "{\"ms\":100,\"n\":3}", true);
        try (Socket s = connect())
        {
            s.getOutputStream().write((invokeSlow + list + invokeLast).getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            final InputStream in = new BufferedInputStream(s.getInputStream());
            final List<Response> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                answers.add(Response.read(in));
            }
            assertThat(answers).extracting(Response::status).containsExactly(200, 200, 200);
            assertThat(answers.get(0).json().path("n").asInt()).isEqualTo(1);
            assertThat(answers.get(1).json().isArray()).isTrue();
            assertThat(answers.get(2).json().path("n").asInt()).isEqualTo(3);
            assertThat(in.read()).as("closed after the answer to the request that asked for it").isEqualTo(-1);
        }
    }

    @Test
    void badPercentEscapesInThePathOrTheQueryAreAJson400() throws Exception
    {
        for (final String target : List.of("/api/v1/namespaces/_/actions/a%zz", "/api/v1/namespaces/_/actions?x=%",
            "/api/v1/namespaces/_/actions/a%"))
        {
            final Response r = exchange("GET " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + authHeader +
                "\r\n\r\n");
            assertThat(r.status()).as(target).isEqualTo(400);
            assertThat(r.json().path("error").asText()).as(target).contains("percent");
            assertThat(r.json().path("code").asText()).isNotEmpty();
        }
    }

    @Test
    void aContentLengthOfTwoToTheSixtyThirdOrGarbageIsAJson400AndTheConnectionCloses() throws Exception
    {
        for (final String length : List.of("9223372036854775808", "99999999999999999999999", "-1", "abc"))
        {
            try (Socket s = connect())
            {
                s.getOutputStream().write(("PUT /api/v1/namespaces/_/actions/big HTTP/1.1\r\nHost: x\r\n" +
                    "Authorization: " + authHeader + "\r\nContent-Type: application/json\r\nContent-Length: " +
                    length + "\r\n\r\n{}").getBytes(StandardCharsets.UTF_8));
                final InputStream in = new BufferedInputStream(s.getInputStream());
                final Response r = Response.read(in);
                assertThat(r.status()).as(length).isEqualTo(400);
                assertThat(r.json().path("error").asText()).as(length).contains("malformed");
                assertThat(readToEnd(in)).as("closed").isTrue();
            }
        }
        assertThat(api.get("/namespaces/_/actions/big").status()).isEqualTo(404);
    }

    @Test
    void aChunkedBodyOverTheLimitIsAJson413() throws Exception
    {
        try (Socket s = connect())
        {
            final OutputStream out = s.getOutputStream();
            out.write(("PUT /api/v1/namespaces/_/actions/huge HTTP/1.1\r\nHost: x\r\nAuthorization: " + authHeader +
                "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
            final byte[] chunk = new byte[1024 * 1024];
            java.util.Arrays.fill(chunk, (byte)'a');
            final byte[] head = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            try
            {
                for (int i = 0; i < 64; i++)
                {
                    out.write(head);
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            catch (final SocketException closedWhileSending)
            {
                // The platform answers and closes as soon as the limit is passed; the answer is still readable.
            }
            final Response r = Response.read(new BufferedInputStream(s.getInputStream()));
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.json().path("error").asText()).contains("Request larger than allowed");
            assertThat(r.json().path("code").asText()).isNotEmpty();
        }
        assertThat(api.get("/namespaces/_/actions/huge").status()).isEqualTo(404);
    }

    @Test
    void codeThatSaysItIsBinaryButIsNotBase64IsRefusedAndNotStored() throws Exception
    {
        final Api.Reply r = api.put("/namespaces/_/actions/fakezip",
            "{\"exec\":{\"kind\":\"nodejs:20\",\"binary\":true,\"code\":\"function main() { return {}; }\"}}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").asText()).contains("not base64");
        assertThat(api.get("/namespaces/_/actions/fakezip").status()).isEqualTo(404);
        final String zip = Base64.getEncoder().encodeToString(new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0});
        assertThat(api.put("/namespaces/_/actions/realzip",
            "{\"exec\":{\"kind\":\"nodejs:20\",\"binary\":true,\"code\":\"" + zip + "\"}}").status()).isEqualTo(200);
    }

    private static String post(final String target, final String body, final boolean close)
    {
        return "POST " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + authHeader +
            "\r\nContent-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length +
            (close ? "\r\nConnection: close" : "") + "\r\n\r\n" + body;
    }

    private static Socket connect() throws IOException
    {
        final Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", platform.address().getPort()), 5_000);
        s.setSoTimeout(60_000);
        return s;
    }

    private static Response exchange(final String request) throws IOException
    {
        try (Socket s = connect())
        {
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            return Response.read(new BufferedInputStream(s.getInputStream()));
        }
    }

    /** True once the peer closed: everything it still sent is read and thrown away. */
    private static boolean readToEnd(final InputStream in) throws IOException
    {
        while (in.read() != -1)
        {
            continue;
        }
        return true;
    }

    /** One HTTP/1.1 response with a Content-Length, read off a stream. */
    record Response(int status, String body)
    {
        JsonNode json() throws IOException
        {
            return Json.MAPPER.readTree(body);
        }

        static Response read(final InputStream in) throws IOException
        {
            final String statusLine = line(in);
            assertThat(statusLine).as("a status line, not a closed connection").startsWith("HTTP/1.1 ");
            final int status = Integer.parseInt(statusLine.substring(9, 12));
            int length = 0;
            for (String h = line(in); !h.isEmpty(); h = line(in))
            {
                final String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:"))
                {
                    length = Integer.parseInt(lower.substring("content-length:".length()).trim());
                }
            }
            final byte[] body = in.readNBytes(length);
            return new Response(status, new String(body, StandardCharsets.UTF_8));
        }

        private static String line(final InputStream in) throws IOException
        {
            final ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != -1 && c != '\n')
            {
                if (c != '\r')
                {
                    b.write(c);
                }
            }
            return b.toString(StandardCharsets.US_ASCII);
        }
    }
}
