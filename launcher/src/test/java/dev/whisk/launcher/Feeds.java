package dev.whisk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.json.Json;

import java.util.ArrayList;
import java.util.List;

/** Driving an event-source feed the way wsk does, and reading what its trigger was fired with, for the feed tests. */
final class Feeds
{
    static final String KAFKA = "messaging/kafkaFeed";
    static final String POSTGRES = "postgresql/changesFeed";
    static final String REDIS = "redis/streamFeed";

    private Feeds()
    {
    }

    /**
     * Creates trigger {@code trigger} annotated with feed {@code feed}, a rule from it to a no-op action that
     * returns the ids it got, then runs the feed's CREATE with {@code params}, as {@code wsk trigger create --feed}
     * does; returns the feed's answer.
     */
    static Api.Reply create(final Api api, final String namespace, final String trigger, final String feed,
        final ObjectNode params) throws Exception
    {
        if (api.get("/namespaces/_/actions/sink").status() != 200)
        {
            api.putAction("sink", "function main(p) { const list = p.messages || p.changes || []; " +
                "return { ids: list.map(m => m.id) }; }", null);
        }
        api.put("/namespaces/_/triggers/" + trigger + "?overwrite=true",
            "{\"annotations\":[{\"key\":\"feed\",\"value\":\"/whisk.system/" + feed + "\"}]}");
        api.put("/namespaces/_/rules/" + trigger + "Rule?overwrite=true", "{\"trigger\":\"/_/" + trigger +
            "\",\"action\":\"/_/sink\"}");
        return lifecycle(api, namespace, trigger, feed, "CREATE", params);
    }

    /** Runs one lifecycle event of {@code feed} for {@code trigger}, blocking, as wsk invokes a feed action. */
    static Api.Reply lifecycle(final Api api, final String namespace, final String trigger, final String feed,
        final String event, final ObjectNode params) throws Exception
    {
        final ObjectNode body = params == null ? Json.MAPPER.createObjectNode() : params.deepCopy();
        body.put("lifecycleEvent", event);
        body.put("triggerName", "/" + namespace + "/" + trigger);
        return api.post("/namespaces/whisk.system/actions/" + feed + "?blocking=true", body.toString());
    }

    /** The feed's READ result ({@code {config, status, deadLetters}}). */
    static JsonNode read(final Api api, final String namespace, final String trigger, final String feed)
        throws Exception
    {
        final Api.Reply r = lifecycle(api, namespace, trigger, feed, "READ", null);
        if (r.status() != 200)
        {
            throw new AssertionError("READ answered " + r.status() + ": " + r.body());
        }
        return r.json().path("response").path("result");
    }

    /** Every event the trigger was fired with (from its activation records), oldest fire first. */
    static List<JsonNode> events(final Api api, final String trigger) throws Exception
    {
        final List<JsonNode> records = new ArrayList<>();
        for (int skip = 0; ; skip += 200)
        {
            final JsonNode page = api.get("/namespaces/_/activations?docs=true&limit=200&skip=" + skip + "&name=" +
                trigger).json();
            page.forEach(records::add);
            if (page.size() < 200)
            {
                break;
            }
        }
        records.sort((a, b) -> Long.compare(a.path("start").asLong(), b.path("start").asLong()));
        final List<JsonNode> out = new ArrayList<>();
        for (final JsonNode r : records)
        {
            final JsonNode result = r.path("response").path("result");
            final JsonNode list = result.has("messages") ? result.get("messages") : result.path("changes");
            list.forEach(out::add);
        }
        return out;
    }

    /** The ids of {@link #events}. */
    static List<String> ids(final Api api, final String trigger) throws Exception
    {
        final List<String> ids = new ArrayList<>();
        for (final JsonNode e : events(api, trigger))
        {
            ids.add(e.path("id").asText());
        }
        return ids;
    }

    static ObjectNode params()
    {
        return Json.MAPPER.createObjectNode();
    }
}
