package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.whisk.core.json.Json;
import dev.whisk.launcher.node.Standalone;
import dev.whisk.testkit.Http;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Log forwarding to a Splunk HEC endpoint on the real platform, against HTTP sinks this test runs on 127.0.0.1: the
 * lines of each activation arrive in HEC's JSON form with the activation's id and action and the namespace's token;
 * with a sink that never answers, invokes still complete and the lost lines are counted in {@code /metrics}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@NeedsDocker
class LogForwardingTest
{
    private static final HttpClient HTTP = Http.client();
    private static final String LOGGER = "function main(p) { console.log('forward me ' + p.n); return { n: p.n }; }";
    private static final String SETTINGS = "/runtime/namespaces/guest/logForwarding";

    @RegisterExtension
    static final TestPlatform platform = TestPlatform.standalone();
    static final Api guest = platform.guest();
    /** The guest's client with paths from the root, for the runtime settings outside {@code /api/v1}. */
    static final Http root = new Http(platform::apiHost, platform::guestAuth);
    static HttpServer sink;
    static HttpServer hanging;
    static final List<String> received = new CopyOnWriteArrayList<>();
    static final List<String> authHeaders = new CopyOnWriteArrayList<>();
    static final CountDownLatch release = new CountDownLatch(1);

    @BeforeAll
    static void start() throws Exception
    {
        sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        sink.createContext("/services/collector/event", ex ->
        {
            received.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            authHeaders.add(ex.getRequestHeaders().getFirst("Authorization"));
            final byte[] ok = "{\"text\":\"Success\",\"code\":0}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, ok.length);
            ex.getResponseBody().write(ok);
            ex.close();
        });
        sink.start();
        hanging = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hanging.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        hanging.createContext("/", ex ->
        {
            try
            {
                release.await(4, TimeUnit.MINUTES);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        hanging.start();
        assertThat(guest.putAction("logger", LOGGER, null).status()).isEqualTo(200);
    }

    @AfterAll
    static void stop()
    {
        release.countDown();
        if (sink != null)
        {
            sink.stop(0);
        }
        if (hanging != null)
        {
            hanging.stop(0);
        }
    }

    @Test
    void linesReachTheSinkAndAHangingSinkLosesCountedLinesWithoutHoldingInvokes() throws Exception
    {
        assertThat(send("GET", SETTINGS, null).json().has("adobe_io_runtime")).isTrue();
        final Api.Reply bad = send("PUT", SETTINGS, "{\"splunk_hec\":{\"host\":\"http://127.0.0.1\",\"index\":\"m\"," +
            "\"hec_token\":\"t\"}}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(send("GET", SETTINGS, null).json().has("adobe_io_runtime")).isTrue();

        // A sink that never answers: invokes complete all the same, the lost lines are counted.
        assertThat(send("PUT", SETTINGS, hec(hanging.getAddress().getPort(), "hang")).status()).isEqualTo(200);
        for (int i = 0; i < 5; i++)
        {
            final Api.Reply r = guest.post("/namespaces/_/actions/logger?blocking=true&result=true",
                "{\"n\":" + i + "}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .until(() -> metric("whisk_log_forwarding_dropped_lines_total") >= 5);

        // A sink that answers: each line arrives with its activation's id and action, and the namespace's token.
        final Api.Reply set = send("PUT", SETTINGS, hec(sink.getAddress().getPort(), "good"));
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.json().path("splunk_hec").has("hec_token")).isFalse();
        assertThat(send("GET", SETTINGS, null).json().path("splunk_hec").path("port").asInt())
            .isEqualTo(sink.getAddress().getPort());
        final Api.Reply r = guest.post("/namespaces/_/actions/logger?blocking=true", "{\"n\":77}");
        assertThat(r.status()).isEqualTo(200);
        final String id = r.json().path("activationId").asText();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
            .until(() -> received.stream().anyMatch(b -> b.contains(id)));
        JsonNode event = null;
        for (final String batch : received)
        {
            for (final String line : batch.split("\n"))
            {
                if (line.contains(id))
                {
                    event = Json.MAPPER.readTree(line);
                }
            }
        }
        assertThat(event).isNotNull();
        assertThat(event.path("event").path("message").asText()).contains("forward me 77");
        assertThat(event.path("event").path("action").asText()).contains("logger");
        assertThat(event.path("index").asText()).isEqualTo("main");
        assertThat(event.path("time").asDouble()).isPositive();
        assertThat(authHeaders).contains("Splunk good");
        // The sink holds the batch before the forwarder has its answer and counts the lines.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
            .until(() -> metric("whisk_log_forwarding_lines_total") >= 1);

        assertThat(send("PUT", SETTINGS, "{\"adobe_io_runtime\":{}}").status()).isEqualTo(200);
        assertThat(send("GET", SETTINGS, null).json().has("adobe_io_runtime")).isTrue();
    }

    private static String hec(final int port, final String token)
    {
        return "{\"splunk_hec\":{\"host\":\"http://127.0.0.1\",\"port\":" + port + ",\"index\":\"main\"," +
            "\"hec_token\":\"" + token + "\"}}";
    }

    private static Api.Reply send(final String method, final String path, final String body) throws Exception
    {
        return root.send(method, path, body);
    }

    private static double metric(final String name) throws Exception
    {
        final String text = HTTP.send(HttpRequest.newBuilder(URI.create(platform.apiHost() + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        final Matcher m = Pattern.compile("(?m)^" + name + " ([0-9.eE+]+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
