package dev.whisk.frontdoor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.testkit.Http;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Arrays;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Creating sequences: components resolved and checked, the length limit, no self reference. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SequencesApiTest
{
    private static final String CODE = "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"function main(p){return p}\"}}";

    @RegisterExtension
    static final TestServer server = new TestServer();
    static final Http alice = server.alice();

    @BeforeAll
    static void start() throws Exception
    {
        alice.put("/namespaces/_/actions/a", CODE);
        alice.put("/namespaces/_/packages/p", "{}");
        alice.put("/namespaces/_/actions/p/b", CODE);
    }

    @Test
    void aSequenceStoresItsResolvedComponentsAsItsOnlyParameter() throws Exception
    {
        final Http.Reply reply = alice.put("/namespaces/_/actions/seq", sequence("\"a\"", "\"/_/p/b\""));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        final JsonNode seq = reply.json();
        assertThat(seq.path("exec").path("kind").asText()).isEqualTo("sequence");
        assertThat(seq.path("exec").path("components").get(0).asText()).isEqualTo("/alice/a");
        assertThat(seq.path("exec").path("components").get(1).asText()).isEqualTo("/alice/p/b");
        assertThat(seq.path("parameters").size()).isEqualTo(1);
        assertThat(seq.path("parameters").get(0).path("key").asText()).isEqualTo("_actions");
        assertThat(seq.path("annotations").toString()).contains("\"value\":\"sequence\"");
    }

    @Test
    void badSequencesAreRefusedWithTheSpecsTexts() throws Exception
    {
        assertRefused(sequence(), "No component specified for the sequence.");
        assertRefused(sequence("\"nothere\""), "Sequence component does not exist.");
        assertRefused(sequence("\"a\"", "\"bad\""), "Sequence component does not exist.");
        assertThat(alice.put("/namespaces/_/actions/bad", sequence("\"a\"")).status()).isEqualTo(200);
        final Http.Reply self = alice.put("/namespaces/_/actions/bad?overwrite=true", sequence("\"a\"", "\"bad\""));
        assertThat(self.status()).isEqualTo(400);
        assertThat(self.error()).isEqualTo("Sequence may not refer to itself.");
        assertThat(alice.get("/namespaces/_/actions/bad").json().path("version").asText()).isEqualTo("0.0.1");
    }

    @Test
    void moreThanFiftyAtomicActionsIncludingNestedOnesAreTooMany() throws Exception
    {
        final String[] ten = new String[10];
        Arrays.fill(ten, "\"a\"");
        assertThat(alice.put("/namespaces/_/actions/ten", sequence(ten)).status()).isEqualTo(200);
        final String[] five = new String[5];
        Arrays.fill(five, "\"ten\"");
        assertThat(alice.put("/namespaces/_/actions/fifty", sequence(five)).status()).isEqualTo(200);

        final Http.Reply tooMany = alice.put("/namespaces/_/actions/fiftyone", sequence("\"fifty\"", "\"a\""));
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.error()).isEqualTo("Too many actions in the sequence.");
        assertThat(alice.get("/namespaces/_/actions/fiftyone").status()).isEqualTo(404);
    }

    private static void assertRefused(final String body, final String message) throws Exception
    {
        final Http.Reply reply = alice.put("/namespaces/_/actions/refused", body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.error()).isEqualTo(message);
        assertThat(alice.get("/namespaces/_/actions/refused").status()).isEqualTo(404);
    }

    private static String sequence(final String... components)
    {
        final StringJoiner j = new StringJoiner(",", "[", "]");
        for (final String c : components)
        {
            j.add(c);
        }
        return "{\"exec\":{\"kind\":\"sequence\",\"components\":" + j + "}}";
    }
}
