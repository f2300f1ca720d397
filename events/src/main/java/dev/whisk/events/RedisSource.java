package dev.whisk.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.json.Json;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamGroupInfo;

import java.util.List;
import java.util.Map;

/**
 * A trigger's consumer in its Redis stream's group: first the entries pending for it (read before a restart and
 * never acknowledged), then new ones; each becomes {@code {id, stream, fields}}. Reads do not block: the poller
 * comes back.
 *
 * <p>Threads: its poller's.
 */
final class RedisSource extends MessageSource
{
    static final String CONSUMER = "whisk";
    private static final long LAG_EVERY_MS = 1_000;

    private final Jedis jedis;
    private final String stream;
    private final String group;
    /** While replaying this consumer's pending entries: the id after which to read; null once they are all read. */
    private StreamEntryID history = new StreamEntryID(0, 0);
    private long lagAtMs;

    RedisSource(final Jedis jedis, final String stream, final String group)
    {
        this.jedis = jedis;
        this.stream = stream;
        this.group = group;
    }

    @Override
    public int poll(final List<SourceEvent> into, final int max)
    {
        final StreamEntryID from = history != null ? history : StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY;
        final List<Map.Entry<String, List<StreamEntry>>> read = jedis.xreadGroup(group, CONSUMER,
            XReadGroupParams.xReadGroupParams().count(max), Map.of(stream, from));
        int n = 0;
        if (read != null)
        {
            for (final Map.Entry<String, List<StreamEntry>> s : read)
            {
                for (final StreamEntry e : s.getValue())
                {
                    final ObjectNode m = Json.MAPPER.createObjectNode();
                    m.put("stream", stream);
                    final ObjectNode fields = m.putObject("fields");
                    e.getFields().forEach(fields::put);
                    into.add(SourceEvent.of(e.getID().toString(), m, e.getID()));
                    if (history != null)
                    {
                        history = e.getID();
                    }
                    n++;
                }
            }
        }
        if (n == 0)
        {
            history = null;
            final long now = System.currentTimeMillis();
            if (now - lagAtMs >= LAG_EVERY_MS)
            {
                lagAtMs = now;
                lag = lagOf();
            }
        }
        return n;
    }

    @Override
    public void checkpoint(final List<SourceEvent> done)
    {
        final StreamEntryID[] ids = new StreamEntryID[done.size()];
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = (StreamEntryID)done.get(i).position();
        }
        jedis.xack(stream, group, ids);
    }

    @Override
    protected void release()
    {
        jedis.close();
    }

    /** Entries not yet read by the group plus those read and not acknowledged. */
    private long lagOf()
    {
        for (final StreamGroupInfo g : jedis.xinfoGroups(stream))
        {
            if (g.getName().equals(group))
            {
                final Object unread = g.getGroupInfo().get("lag");
                return g.getPending() + (unread instanceof Number u ? u.longValue() : 0);
            }
        }
        return -1;
    }
}
