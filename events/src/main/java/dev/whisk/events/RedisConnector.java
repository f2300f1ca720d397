package dev.whisk.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * {@code /whisk.system/redis/streamFeed}: reads a Redis stream through a consumer group. Parameters: {@code host}
 * (default 127.0.0.1), {@code port} (6379), {@code user}, {@code password}, {@code stream}, {@code group} (default
 * {@code whisk-<trigger>}), {@code startFrom} ({@code $}, the default: entries added after CREATE; {@code 0}: the
 * whole stream). {@code XACK} is the checkpoint: entries read and not acknowledged stay pending in the group and are
 * read again first after a restart. DELETE destroys the group when the feed named it.
 */
final class RedisConnector implements Connector
{
    private static final int TIMEOUT_MS = 5_000;

    @Override
    public String feedName()
    {
        return "streamFeed";
    }

    @Override
    public String packageId()
    {
        return "whisk.system/redis";
    }

    @Override
    public ObjectNode configure(final String trigger, final ObjectNode params)
    {
        final ObjectNode c = Params.address(params, 6379);
        Params.copyIfGiven(params, "user", c);
        Params.copyIfGiven(params, "password", c);
        c.put("stream", Params.required(params, "stream"));
        c.put("group", Params.optional(params, "group", defaultGroup(trigger)));
        final String startFrom = Params.optional(params, "startFrom", "$");
        if (!startFrom.equals("$") && !startFrom.equals("0"))
        {
            throw new IllegalArgumentException("'startFrom' must be '$' (new entries) or '0' (the whole stream)");
        }
        c.put("startFrom", startFrom);
        return c;
    }

    @Override
    public Source open(final String trigger, final ObjectNode config, final boolean creating)
    {
        final Jedis jedis = connect(config);
        boolean opened = false;
        try
        {
            final String stream = config.get("stream").asText();
            final String group = config.get("group").asText();
            try
            {
                jedis.xgroupCreate(stream, group, config.get("startFrom").asText().equals("0") ?
                    new StreamEntryID(0, 0) : StreamEntryID.XGROUP_LAST_ENTRY, true);
            }
            catch (final JedisDataException exists)
            {
                if (exists.getMessage() == null || !exists.getMessage().startsWith("BUSYGROUP"))
                {
                    throw exists;
                }
            }
            opened = true;
            return new RedisSource(jedis, stream, group);
        }
        catch (final JedisException ex)
        {
            throw new IllegalArgumentException("Redis at " + address(config) + " refused the feed: " +
                ex.getMessage());
        }
        finally
        {
            if (!opened)
            {
                jedis.close();
            }
        }
    }

    @Override
    public boolean sameStream(final ObjectNode before, final ObjectNode after)
    {
        return address(before).equals(address(after)) && before.get("stream").equals(after.get("stream")) &&
            before.get("group").equals(after.get("group"));
    }

    @Override
    public void cleanup(final String trigger, final ObjectNode config)
    {
        if (!config.get("group").asText().equals(defaultGroup(trigger)))
        {
            return;
        }
        try (Jedis jedis = connect(config))
        {
            jedis.xgroupDestroy(config.get("stream").asText(), config.get("group").asText());
        }
        catch (final JedisException ex)
        {
            throw new IllegalStateException("the feed is stopped, but its consumer group could not be destroyed: " +
                ex.getMessage());
        }
    }

    private static String defaultGroup(final String trigger)
    {
        return "whisk-" + trigger.replace('/', '.');
    }

    private static String address(final ObjectNode config)
    {
        return config.get("host").asText() + ":" + config.get("port").asInt();
    }

    /** Connects and authenticates; a wrong address or password fails here with Redis's own words. */
    private static Jedis connect(final ObjectNode config)
    {
        final DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder().timeoutMillis(TIMEOUT_MS);
        if (config.hasNonNull("user"))
        {
            b.user(config.get("user").asText());
        }
        if (config.hasNonNull("password"))
        {
            b.password(config.get("password").asText());
        }
        Jedis jedis = null;
        try
        {
            // the constructor connects and authenticates already, with this client version
            jedis = new Jedis(new HostAndPort(config.get("host").asText(), config.get("port").asInt()), b.build());
            jedis.ping();
            return jedis;
        }
        catch (final JedisException ex)
        {
            if (jedis != null)
            {
                jedis.close();
            }
            throw new IllegalArgumentException("could not connect to Redis at " + address(config) + ": " +
                ex.getMessage());
        }
    }
}
