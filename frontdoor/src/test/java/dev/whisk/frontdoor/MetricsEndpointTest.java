package dev.whisk.frontdoor;

import dev.whisk.core.entity.NamespaceLimits;
import dev.whisk.testkit.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /metrics}: Prometheus text without credentials, whose counters follow what the process does. */
class MetricsEndpointTest
{
    private static final HttpClient CLIENT = Http.client();

    @RegisterExtension
    final TestServer server = new TestServer();

    @Test
    void answersPrometheusTextWithoutCredentials() throws Exception
    {
        final HttpResponse<String> r = get("GET");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(r.body()).contains("# TYPE process_cpu_seconds_total counter\n",
            "# TYPE whisk_jvm_allocated_bytes_total counter\n", "# TYPE whisk_invocations_accepted_total counter\n",
            "# TYPE whisk_invocations_completed_total counter\n");
        assertThat(value(r.body(), "process_cpu_seconds_total")).isPositive();
        assertThat(value(r.body(), "whisk_jvm_allocated_bytes_total")).isPositive();
        for (final String line : r.body().split("\n"))
        {
            assertThat(line).matches("# (HELP|TYPE) [a-z_]+ .+|[a-z_]+ -?[0-9.]+");
        }
    }

    @Test
    void countersMoveWithAdmissionsAndCompletionsAndAllocationNeverDrops() throws Exception
    {
        final String before = get("GET").body();
        server.admission.tryAdmit("alice", NamespaceLimits.DEFAULT, System.currentTimeMillis());
        server.admission.tryAdmit("alice", NamespaceLimits.DEFAULT, System.currentTimeMillis());
        server.admission.release("alice");
        final String after = get("GET").body();

        assertThat(value(after, "whisk_invocations_accepted_total"))
            .isEqualTo(value(before, "whisk_invocations_accepted_total") + 1);
        assertThat(value(after, "whisk_jvm_allocated_bytes_total"))
            .isGreaterThan(value(before, "whisk_jvm_allocated_bytes_total"));
        assertThat(value(after, "process_cpu_seconds_total"))
            .isGreaterThanOrEqualTo(value(before, "process_cpu_seconds_total"));
    }

    @Test
    void otherMethodsAreRefusedWith405() throws Exception
    {
        final HttpResponse<String> r = get("POST");

        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.body()).contains("HTTP method not allowed, supported methods: GET");
    }

    private HttpResponse<String> get(final String method) throws Exception
    {
        return CLIENT.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.frontDoor.localAddress().getPort() + "/metrics"))
            .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of one unlabelled sample. */
    static double value(final String exposition, final String name)
    {
        final Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(exposition);
        assertThat(m.find()).as("sample %s in%n%s", name, exposition).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
