package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.launcher.node.Standalone;
import org.junit.jupiter.api.BeforeAll;
import dev.whisk.testkit.NeedsDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /whisk.system/redis/streamFeed} against a real {@code redis-server}: a wrong password fails the CREATE; a
 * namespace allowed one run at a time, with a slow rule action, is throttled (429) again and again while a burst
 * arrives, and the feed waits instead of losing, retrying or dead-lettering: every entry is delivered once, in
 * stream order, and acknowledged; DELETE destroys the consumer group.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@NeedsDocker
class RedisFeedTest
{
    private static Engines.Engine redis;

    @RegisterExtension
    static final BeforeAllCallback ENGINE = (ExtensionContext context) ->
    {
        TestPlatform.requireDockerAndImage();
        redis = Engines.redis(context);
    };

    @TempDir
    Path dataDir;
    @TempDir
    Path work;

    @Test
    void aThrottledNamespacePausesTheFeedAndLosesNothing() throws Exception
    {
        final WhiskCli cli = new WhiskCli(work);
        final WhiskCli.Run user = cli.run(List.of("admin", "user", "create", "slow", "--concurrent-invocations",
            "1", "--data-dir", dataDir.toString()));
        assertThat(user.exit()).as(user.err()).isZero();
        final int count = 12;
        try (Standalone platform = TestPlatform.start(dataDir); Jedis jedis = jedis())
        {
            final Api api = new Api(platform.apiHost(), user.out().trim());
            final Api.Reply wrong = Feeds.create(api, "slow", "badpw", Feeds.REDIS, Feeds.params()
                .put("port", redis.port()).put("password", "wrong").put("stream", "jobs"));
            assertThat(wrong.status()).isEqualTo(502);
            assertThat(wrong.json().path("response").path("result").path("error").asText())
                .contains("could not connect to Redis").containsIgnoringCase("pass");

            assertThat(api.putAction("slowSink", "function main(p) { return new Promise(r => setTimeout(() => " +
                "r({ ids: (p.messages || []).map(m => m.id) }), 400)); }", null).status()).isEqualTo(200);
            api.put("/namespaces/_/triggers/jobs", "{\"annotations\":[{\"key\":\"feed\",\"value\":" +
                "\"/whisk.system/" + Feeds.REDIS + "\"}]}");
            assertThat(api.put("/namespaces/_/rules/jobsRule", "{\"trigger\":\"/_/jobs\",\"action\":" +
                "\"/_/slowSink\"}").status()).isEqualTo(200);
            final Api.Reply created = Feeds.lifecycle(api, "slow", "jobs", Feeds.REDIS, "CREATE", Feeds.params()
                .put("port", redis.port()).put("password", "secret").put("stream", "jobs").put("batchSize", 1)
                .put("maxRetries", 0));
            assertThat(created.status()).as(created.body()).isEqualTo(200);

            final List<String> added = new ArrayList<>();
            for (int i = 0; i < count; i++)
            {
                added.add(jedis.xadd("jobs", StreamEntryID.NEW_ENTRY, Map.of("n", Integer.toString(i))).toString());
            }
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> Feeds.ids(api, "jobs").size() >= count);
            assertThat(Feeds.ids(api, "jobs")).as("every entry once, in stream order").containsExactlyElementsOf(added);
            final List<JsonNode> events = Feeds.events(api, "jobs");
            assertThat(events.get(0).path("fields").path("n").asText()).isEqualTo("0");
            assertThat(events.get(0).path("stream").asText()).isEqualTo("jobs");

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
            {
                final JsonNode status = Feeds.read(api, "slow", "jobs", Feeds.REDIS).path("status");
                assertThat(status.path("delivered").asLong()).isEqualTo(count);
                assertThat(status.path("throttled").asLong()).as("the namespace was throttled").isPositive();
                assertThat(status.path("retries").asLong()).as("a 429 spends no retry").isZero();
                assertThat(status.path("deadLetters").asLong()).as("a 429 dead-letters nothing").isZero();
                assertThat(status.path("lag").asLong()).isZero();
            });
            assertThat(jedis.xpending("jobs", "whisk-slow.jobs").getTotal()).as("all acknowledged").isZero();

            assertThat(Feeds.lifecycle(api, "slow", "jobs", Feeds.REDIS, "DELETE", null).status()).isEqualTo(200);
            assertThat(jedis.xinfoGroups("jobs")).as("DELETE destroys the group").isEmpty();
        }
    }

    @Test
    void theNpmClientsFeedsCreateAndDeleteRunTheFeed() throws Exception
    {
        final Path client = NpmClientTest.installClient();
        try (Standalone platform = TestPlatform.start(dataDir); Jedis jedis = jedis())
        {
            final Api api = new Api(platform.apiHost(), platform.guestAuth());
            api.putAction("sink", "function main(p) { return { n: (p.messages || []).length }; }", null);
            final Path script = client.resolve("drive-feed.js");
            Files.writeString(script, String.join("\n",
                "const ow = require('openwhisk')({ apihost: process.env.APIHOST, api_key: process.env.AUTH });",
                "const feed = '/whisk.system/" + Feeds.REDIS + "';",
                "(async () => {",
                "  if (process.argv[2] === 'create') {",
                "    await ow.triggers.create({ name: 'npmJobs' });",
                "    await ow.rules.create({ name: 'npmJobsRule', trigger: 'npmJobs', action: 'sink' });",
                "    const r = await ow.feeds.create({ name: feed, trigger: 'npmJobs', params: { port: " +
                    redis.port() + ", password: 'secret', stream: 'npmJobs' } });",
                "    process.stdout.write(JSON.stringify(r.response.result));",
                "  } else {",
                "    const r = await ow.feeds.delete({ name: feed, trigger: 'npmJobs' });",
                "    process.stdout.write(JSON.stringify(r.response.result));",
                "  }",
                "})().catch(e => { process.stderr.write(String(e.message || e)); process.exit(1); });", ""));
            assertThat(node(client, script, platform, "create")).isEqualTo("{}");
            final String id = jedis.xadd("npmJobs", StreamEntryID.NEW_ENTRY, Map.of("via", "npm")).toString();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> Feeds.ids(api, "npmJobs").contains(id));
            assertThat(node(client, script, platform, "delete")).isEqualTo("{}");
            assertThat(jedis.xinfoGroups("npmJobs")).as("the npm client's DELETE destroyed the group").isEmpty();
        }
    }

    private static String node(final Path dir, final Path script, final Standalone platform, final String command)
        throws Exception
    {
        final ProcessBuilder pb = new ProcessBuilder("node", script.toString(), command).directory(dir.toFile());
        pb.environment().put("APIHOST", platform.apiHost());
        pb.environment().put("AUTH", platform.guestAuth());
        pb.environment().remove("__OW_API_HOST");
        pb.environment().remove("__OW_API_KEY");
        pb.environment().remove("__OW_NAMESPACE");
        final Path err = dir.resolve("feed-err.txt");
        final Process p = pb.redirectError(err.toFile()).start();
        final String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(err)).isZero();
        return out;
    }

    private static Jedis jedis()
    {
        return new Jedis(new HostAndPort(redis.host(), redis.port()),
            DefaultJedisClientConfig.builder().password("secret").build());
    }
}
