package dev.whisk.frontdoor;

import dev.whisk.testkit.Http;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A subject reaches only its own namespace and what others shared: every other attempt is a 403 that says nothing
 * about whether the entity exists, and changes nothing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RightsTest
{
    private static final String CODE = "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"function main(p){return p}\"}}";

    @RegisterExtension
    static final TestServer server = new TestServer();
    static final Http alice = server.alice();
    static final Http bob = server.bob();

    @BeforeAll
    static void start() throws Exception
    {
        bob.put("/namespaces/_/actions/private", CODE);
        bob.put("/namespaces/_/packages/hidden", "{}");
        bob.put("/namespaces/_/actions/hidden/inner", CODE);
        bob.put("/namespaces/_/packages/shared", "{\"publish\":true}");
        bob.put("/namespaces/_/actions/shared/open", CODE);
        bob.put("/namespaces/_/triggers/t", "{}");
    }

    @Test
    void foreignEntitiesAreRefusedWithTheSame403WhetherTheyExistOrNot() throws Exception
    {
        assertForbidden(alice.get("/namespaces/bob/actions/private"), "bob/private");
        assertForbidden(alice.get("/namespaces/bob/actions/absent"), "bob/absent");
        assertForbidden(alice.get("/namespaces/bob/actions/hidden/inner"), "bob/hidden/inner");
        assertForbidden(alice.get("/namespaces/bob/actions/nopkg/inner"), "bob/nopkg/inner");
        assertForbidden(alice.get("/namespaces/bob/actions"), "bob");
        assertForbidden(alice.get("/namespaces/bob/actions/hidden/"), "bob/hidden");
        assertForbidden(alice.get("/namespaces/bob/triggers"), "bob");
        assertForbidden(alice.get("/namespaces/bob/triggers/t"), "bob");
        assertForbidden(alice.get("/namespaces/bob/rules"), "bob");
        assertForbidden(alice.get("/namespaces/bob/activations"), "bob");
        assertForbidden(alice.get("/namespaces/bob/limits"), "bob");
    }

    @Test
    void foreignWritesAreRefusedAndChangeNothing() throws Exception
    {
        assertThat(alice.put("/namespaces/bob/actions/private?overwrite=true", CODE).status()).isEqualTo(403);
        assertThat(alice.delete("/namespaces/bob/actions/private").status()).isEqualTo(403);
        assertThat(alice.put("/namespaces/bob/actions/shared/open?overwrite=true", CODE).status()).isEqualTo(403);
        assertThat(alice.delete("/namespaces/bob/actions/shared/open").status()).isEqualTo(403);
        assertThat(alice.put("/namespaces/bob/packages/shared?overwrite=true", "{}").status()).isEqualTo(403);
        assertThat(alice.delete("/namespaces/bob/packages/shared?force=true").status()).isEqualTo(403);
        assertThat(alice.put("/namespaces/bob/triggers/t?overwrite=true", "{}").status()).isEqualTo(403);
        assertThat(alice.delete("/namespaces/bob/triggers/t").status()).isEqualTo(403);
        assertThat(alice.post("/namespaces/bob/triggers/t", "{}").status()).isEqualTo(403);

        assertThat(bob.get("/namespaces/_/actions/private").json().path("version").asText()).isEqualTo("0.0.1");
        assertThat(bob.get("/namespaces/_/actions/shared/open").json().path("version").asText())
            .isEqualTo("0.0.1");
        assertThat(bob.get("/namespaces/_/packages/shared").json().path("version").asText()).isEqualTo("0.0.1");
        assertThat(bob.get("/namespaces/_/triggers/t").status()).isEqualTo(200);
    }

    @Test
    void actionsInASharedPackageAreReadableFromAnotherNamespace() throws Exception
    {
        final Http.Reply open = alice.get("/namespaces/bob/actions/shared/open");
        assertThat(open.status()).isEqualTo(200);
        assertThat(open.json().path("namespace").asText()).isEqualTo("bob/shared");
        assertThat(alice.get("/namespaces/bob/actions/shared/").status()).isEqualTo(200);
        assertThat(alice.get("/namespaces/bob/actions/shared/absent").status()).isEqualTo(404);
    }

    @Test
    void aRuleCannotUseAnotherNamespacesPrivateAction() throws Exception
    {
        alice.put("/namespaces/_/triggers/mine", "{}");
        final Http.Reply rule = alice.put("/namespaces/_/rules/steal",
            "{\"trigger\":\"/_/mine\",\"action\":\"/bob/private\"}");
        assertThat(rule.status()).isEqualTo(403);
        assertThat(alice.get("/namespaces/_/rules/steal").status()).isEqualTo(404);
    }

    @Test
    void missingOrWrongCredentialsAre401() throws Exception
    {
        final Http anonymous = new Http(server.baseUrl(), null);
        final Http.Reply none = anonymous.get("/namespaces/_/actions");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.error())
            .isEqualTo("The resource requires authentication, which was not supplied with the request");
        final Http wrong = new Http(server.baseUrl(), server.aliceAuth.substring(0, 37) + "x".repeat(64));
        final Http.Reply bad = wrong.get("/namespaces/_/actions");
        assertThat(bad.status()).isEqualTo(401);
        assertThat(bad.error()).isEqualTo("The supplied authentication is invalid");
    }

    private static void assertForbidden(final Http.Reply reply, final String what)
    {
        assertThat(reply.status()).as(reply.body()).isEqualTo(403);
        assertThat(reply.error())
            .isEqualTo("The supplied authentication is not authorized to access '" + what + "'.");
    }
}
