package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.core.json.Json;
import dev.whisk.launcher.node.Standalone;
import org.junit.jupiter.api.BeforeAll;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /whisk.system/postgresql/changesFeed} against a real PostgreSQL 15 with {@code wal_level=logical}: a wrong
 * password fails the CREATE with the server's words; a trigger created with {@code feedParameters} (the platform
 * runs the lifecycle) gets the filtered table's inserts, updates and deletes with the rows before and after, in
 * commit order; deleting the trigger drops its replication slot and publication.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@NeedsDocker
class PostgresFeedTest
{
    private static final String PUBLICATIONS = "select count(*) from pg_publication where pubname like 'whisk_%'";
    private static Engines.Engine pg;

    @RegisterExtension
    static final BeforeAllCallback ENGINE = (ExtensionContext context) ->
    {
        TestPlatform.requireDockerAndImage();
        pg = Engines.postgres(context);
    };

    @TempDir
    Path dataDir;

    @Test
    void deliversFilteredRowChangesAndDeleteDropsTheSlot() throws Exception
    {
        sql("create table if not exists orders (id int primary key, item text, qty int, doc jsonb)",
            "alter table orders replica identity full",
            "create table if not exists audit (id serial primary key, note text)");
        try (Standalone platform = TestPlatform.start(dataDir))
        {
            final Api api = new Api(platform.apiHost(), platform.guestAuth());
            final int slotsBefore = slots();
            final int publicationsBefore = count(PUBLICATIONS);
            final Api.Reply wrong = Feeds.create(api, "guest", "badpw", Feeds.POSTGRES, Feeds.params()
                .put("port", pg.port()).put("user", "postgres").put("password", "wrong"));
            assertThat(wrong.status()).isEqualTo(502);
            assertThat(wrong.json().path("response").path("result").path("error").asText())
                .contains("password authentication failed");
            assertThat(slots()).as("a failed CREATE leaves no slot").isEqualTo(slotsBefore);

            api.putAction("sink", "function main(p) { return { n: (p.changes || []).length }; }", null);
            final Api.Reply created = api.put("/namespaces/_/triggers/orderChanges", "{\"annotations\":[{\"key\":" +
                "\"feed\",\"value\":\"/whisk.system/" + Feeds.POSTGRES + "\"}],\"feedParameters\":" +
                Json.MAPPER.createArrayNode()
                    .add(Json.MAPPER.createObjectNode().put("key", "port").put("value", pg.port()))
                    .add(Json.MAPPER.createObjectNode().put("key", "user").put("value", "postgres"))
                    .add(Json.MAPPER.createObjectNode().put("key", "password").put("value", "secret"))
                    .add(Json.MAPPER.createObjectNode().put("key", "tables").put("value", "public.orders")) + "}");
            assertThat(created.status()).as(created.body()).isEqualTo(200);
            assertThat(api.put("/namespaces/_/rules/onOrder",
                "{\"trigger\":\"/_/orderChanges\",\"action\":\"/_/sink\"}").status()).isEqualTo(200);
            assertThat(slots()).isEqualTo(slotsBefore + 1);
            assertThat(count(PUBLICATIONS)).isEqualTo(publicationsBefore + 1);

            sql("insert into orders values (1, 'apple', 3, '{\"a\":1}')",
                "insert into audit (note) values ('not followed')",
                "update orders set qty = 4 where id = 1",
                "insert into orders values (2, 'pear', 1, null)",
                "delete from orders where id = 1");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> Feeds.events(api, "orderChanges").size() >= 4);
            final List<JsonNode> changes = Feeds.events(api, "orderChanges");
            assertThat(changes).hasSize(4);
            assertThat(changes).extracting(c -> c.path("operation").asText())
                .containsExactly("insert", "update", "insert", "delete");
            assertThat(changes).allMatch(c -> c.path("table").asText().equals("public.orders"));
            assertThat(changes.get(0).path("after").path("qty").asInt()).isEqualTo(3);
            assertThat(changes.get(0).path("after").path("doc").path("a").asInt()).isEqualTo(1);
            assertThat(changes.get(1).path("before").path("qty").asInt()).isEqualTo(3);
            assertThat(changes.get(1).path("after").path("qty").asInt()).isEqualTo(4);
            assertThat(changes.get(2).path("after").path("doc").isNull()).isTrue();
            assertThat(changes.get(3).path("before").path("item").asText()).isEqualTo("apple");
            assertThat(changes.get(3).path("after").isNull()).isTrue();
            assertThat(changes).extracting(c -> c.path("id").asText()).doesNotHaveDuplicates()
                .allMatch(id -> id.matches("[0-9A-F]+/[0-9A-F]+"));

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
            {
                final JsonNode read = Feeds.read(api, "guest", "orderChanges", Feeds.POSTGRES);
                assertThat(read.path("status").path("delivered").asLong()).isEqualTo(4);
                assertThat(read.path("status").path("lag").asLong()).isZero();
                assertThat(read.path("config").has("password")).as("READ shows no password").isFalse();
            });

            final Api.Reply deleted = api.delete("/namespaces/_/triggers/orderChanges");
            assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
            assertThat(deleted.json().has("feedError")).as(deleted.body()).isFalse();
            assertThat(slots()).as("DELETE drops the replication slot").isEqualTo(slotsBefore);
            assertThat(count(PUBLICATIONS)).as("and the publication it made").isEqualTo(publicationsBefore);
        }
    }

    static int slots() throws SQLException
    {
        return count("select count(*) from pg_replication_slots where slot_name like 'whisk_%'");
    }

    private static int count(final String query) throws SQLException
    {
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query))
        {
            rs.next();
            return rs.getInt(1);
        }
    }

    static void sql(final String... statements) throws SQLException
    {
        sql(pg, statements);
    }

    static void sql(final Engines.Engine engine, final String... statements) throws SQLException
    {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + engine.port() +
            "/postgres", "postgres", "secret"); Statement st = c.createStatement())
        {
            for (final String s : statements)
            {
                st.execute(s);
            }
        }
    }

    private static Connection connect() throws SQLException
    {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres", "postgres",
            "secret");
    }
}
