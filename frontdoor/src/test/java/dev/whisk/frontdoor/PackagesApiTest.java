package dev.whisk.frontdoor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.core.entity.NamespaceLimits;
import dev.whisk.testkit.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Packages, bindings and sharing through HTTP against the real front door and stores. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PackagesApiTest
{
    private static final String CODE = "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"function main(p){return p}\"}}";

    @RegisterExtension
    static final TestServer server = new TestServer();
    static final Http alice = server.alice();
    static final Http bob = server.bob();

    @Test
    void packageIsCreatedUpdatedReadWithItsActionsAndDeleted() throws Exception
    {
        final Http.Reply created = alice.put("/namespaces/_/packages/tools",
            "{\"parameters\":[{\"key\":\"color\",\"value\":\"red\"}]}");
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.json().path("namespace").asText()).isEqualTo("alice");
        assertThat(created.json().path("version").asText()).isEqualTo("0.0.1");
        assertThat(created.json().path("binding").isObject()).isTrue();
        assertThat(created.json().path("binding").size()).isZero();

        assertThat(alice.put("/namespaces/_/packages/tools", "{}").status()).isEqualTo(409);
        final Http.Reply updated = alice.put("/namespaces/_/packages/tools?overwrite=true", "{\"publish\":true}");
        assertThat(updated.json().path("version").asText()).isEqualTo("0.0.2");
        assertThat(updated.json().path("publish").asBoolean()).isTrue();
        assertThat(updated.json().path("parameters").get(0).path("value").asText()).isEqualTo("red");

        assertThat(alice.put("/namespaces/_/actions/tools/hammer", CODE).status()).isEqualTo(200);
        final Http.Reply action = alice.get("/namespaces/alice/actions/tools/hammer");
        assertThat(action.json().path("namespace").asText()).isEqualTo("alice/tools");

        final JsonNode pkg = alice.get("/namespaces/_/packages/tools").json();
        assertThat(names(pkg.path("actions"))).containsExactly("hammer");
        assertThat(pkg.path("feeds").isArray()).isTrue();

        final Http.Reply packageActions = alice.get("/namespaces/_/actions/tools/");
        assertThat(packageActions.status()).isEqualTo(200);
        assertThat(names(packageActions.json())).containsExactly("hammer");
        assertThat(names(alice.get("/namespaces/_/actions").json())).contains("hammer");

        final JsonNode list = alice.get("/namespaces/_/packages").json();
        assertThat(list.get(0).path("name").asText()).isEqualTo("tools");
        assertThat(list.get(0).path("binding").asBoolean(true)).isFalse();
        assertThat(list.get(0).has("parameters")).isFalse();

        assertThat(alice.delete("/namespaces/_/actions/tools/hammer").status()).isEqualTo(200);
        assertThat(alice.delete("/namespaces/_/packages/tools").status()).isEqualTo(200);
        assertThat(alice.get("/namespaces/_/packages/tools").status()).isEqualTo(404);
    }

    @Test
    void deletingANonEmptyPackageIsRefusedUnlessForced() throws Exception
    {
        alice.put("/namespaces/_/packages/full", "{}");
        alice.put("/namespaces/_/actions/full/a", CODE);
        alice.put("/namespaces/_/actions/full/b", CODE);

        final Http.Reply refused = alice.delete("/namespaces/_/packages/full");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.error())
            .isEqualTo("Package not empty (contains 2 entities). Set force param or delete package contents.");
        assertThat(alice.get("/namespaces/_/actions/full/a").status()).isEqualTo(200);

        assertThat(alice.delete("/namespaces/_/packages/full?force=true").status()).isEqualTo(200);
        assertThat(alice.get("/namespaces/_/actions/full/a").status()).isEqualTo(404);
        assertThat(alice.get("/namespaces/_/packages/full").status()).isEqualTo(404);
    }

    @Test
    void packageNamedDefaultIsReservedAndActionsNeedAnExistingPackage() throws Exception
    {
        final Http.Reply reserved = alice.put("/namespaces/_/packages/default", "{}");
        assertThat(reserved.status()).isEqualTo(400);
        assertThat(reserved.error()).isEqualTo("Package name 'default' is reserved.");

        assertThat(alice.put("/namespaces/_/actions/nopkg/a", CODE).status()).isEqualTo(404);
        assertThat(alice.get("/namespaces/_/actions/nopkg/a").status()).isEqualTo(404);
    }

    @Test
    void bindingToASharedPackageShowsItsActionsWithBindingParametersOverThePackages() throws Exception
    {
        bob.put("/namespaces/_/packages/lib", "{\"publish\":true,\"parameters\":[" +
            "{\"key\":\"a\",\"value\":\"package\"},{\"key\":\"b\",\"value\":\"package\"}]}");
        bob.put("/namespaces/_/actions/lib/echo", CODE);

        final Http.Reply bound = alice.put("/namespaces/_/packages/mylib", "{\"binding\":{\"namespace\":\"bob\"," +
            "\"name\":\"lib\"},\"parameters\":[{\"key\":\"b\",\"value\":\"binding\"}]}");
        assertThat(bound.status()).isEqualTo(200);
        assertThat(bound.json().path("binding").path("namespace").asText()).isEqualTo("bob");

        final JsonNode pkg = alice.get("/namespaces/_/packages/mylib").json();
        assertThat(names(pkg.path("actions"))).containsExactly("echo");
        assertThat(param(pkg.path("parameters"), "a")).isEqualTo("package");
        assertThat(param(pkg.path("parameters"), "b")).isEqualTo("binding");

        assertThat(names(alice.get("/namespaces/_/actions/mylib/").json())).containsExactly("echo");
        final Http.Reply viaBinding = alice.get("/namespaces/_/actions/mylib/echo");
        assertThat(viaBinding.status()).isEqualTo(200);
        assertThat(viaBinding.json().path("namespace").asText()).isEqualTo("bob/lib");

        final Http.Reply putInBinding = alice.put("/namespaces/_/actions/mylib/x", CODE);
        assertThat(putInBinding.status()).isEqualTo(400);
        assertThat(putInBinding.error()).isEqualTo("Operation not permitted on package binding.");
        assertThat(alice.delete("/namespaces/_/actions/mylib/echo").status()).isEqualTo(400);
        assertThat(bob.get("/namespaces/_/actions/lib/echo").status()).isEqualTo(200);

        final JsonNode listItem = alice.get("/namespaces/_/packages").json();
        boolean seen = false;
        for (final JsonNode p : listItem)
        {
            if ("mylib".equals(p.path("name").asText()))
            {
                seen = true;
                assertThat(p.path("binding").path("name").asText()).isEqualTo("lib");
            }
        }
        assertThat(seen).isTrue();
    }

    @Test
    void bindingsAreValidated() throws Exception
    {
        bob.put("/namespaces/_/packages/secret", "{}");
        alice.put("/namespaces/_/packages/base", "{}");
        alice.put("/namespaces/_/packages/basebinding", "{\"binding\":{\"namespace\":\"_\",\"name\":\"base\"}}");

        final Http.Reply missing = alice.put("/namespaces/_/packages/b1",
            "{\"binding\":{\"namespace\":\"alice\",\"name\":\"nothere\"}}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.error()).isEqualTo("Binding references a package that does not exist.");

        final Http.Reply toBinding = alice.put("/namespaces/_/packages/b2",
            "{\"binding\":{\"namespace\":\"alice\",\"name\":\"basebinding\"}}");
        assertThat(toBinding.status()).isEqualTo(400);
        assertThat(toBinding.error()).isEqualTo("Cannot bind to another package binding.");

        final Http.Reply self = alice.put("/namespaces/_/packages/b3",
            "{\"binding\":{\"namespace\":\"alice\",\"name\":\"b3\"}}");
        assertThat(self.status()).isEqualTo(422);

        final Http.Reply privateTarget = alice.put("/namespaces/_/packages/b4",
            "{\"binding\":{\"namespace\":\"bob\",\"name\":\"secret\"}}");
        final Http.Reply absentTarget = alice.put("/namespaces/_/packages/b5",
            "{\"binding\":{\"namespace\":\"bob\",\"name\":\"absent\"}}");
        assertThat(privateTarget.status()).isEqualTo(403);
        assertThat(absentTarget.status()).isEqualTo(403);
        assertThat(privateTarget.error()).isEqualTo("The supplied authentication is not authorized to access " +
            "'bob/secret'.");

        for (final String name : List.of("b1", "b2", "b3", "b4", "b5"))
        {
            assertThat(alice.get("/namespaces/_/packages/" + name).status()).isEqualTo(404);
        }
    }

    @Test
    void anotherNamespacesPackageListShowsOnlyPublishedPackages() throws Exception
    {
        final Http carol = server.newNamespace("carol", NamespaceLimits.DEFAULT);
        carol.put("/namespaces/_/packages/shared", "{\"publish\":true}");
        carol.put("/namespaces/_/packages/hidden", "{}");

        assertThat(names(carol.get("/namespaces/_/packages").json())).containsExactlyInAnyOrder("shared",
            "hidden");
        assertThat(names(alice.get("/namespaces/carol/packages").json())).containsExactly("shared");
        assertThat(alice.get("/namespaces/carol/packages?count=true").json().path("packages").asInt())
            .isEqualTo(1);
        assertThat(alice.get("/namespaces/carol/packages/shared").status()).isEqualTo(200);
        final Http.Reply hidden = alice.get("/namespaces/carol/packages/hidden");
        final Http.Reply absent = alice.get("/namespaces/carol/packages/absent");
        assertThat(hidden.status()).isEqualTo(403);
        assertThat(absent.status()).isEqualTo(403);
        assertThat(hidden.error()).doesNotContain("exist");
    }

    static List<String> names(final JsonNode array)
    {
        final List<String> out = new ArrayList<>();
        for (final JsonNode n : array)
        {
            out.add(n.path("name").asText());
        }
        return out;
    }

    static String param(final JsonNode params, final String key)
    {
        for (final JsonNode p : params)
        {
            if (key.equals(p.path("key").asText()))
            {
                return p.path("value").asText();
            }
        }
        return null;
    }
}
