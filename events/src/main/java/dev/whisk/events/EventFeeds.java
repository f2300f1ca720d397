package dev.whisk.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.json.Json;
import dev.whisk.frontdoor.event.FeedFirer;
import dev.whisk.frontdoor.event.NativeFeed;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The platform's event-source feeds: {@code /whisk.system/messaging/kafkaFeed} (Kafka topics),
 * {@code /whisk.system/postgresql/changesFeed} (PostgreSQL logical decoding) and
 * {@code /whisk.system/redis/streamFeed} (Redis stream consumer groups), each a {@link NativeFeed} lifecycle run
 * here and one {@link SourcePoller} thread per engine that consumes for every trigger of that engine.
 *
 * <p>Lifecycle: CREATE checks the parameters and connects (a wrong address or password fails it with the engine's
 * complaint), sets up the engine's checkpoint (a Kafka consumer group's offsets, a replication slot, a Redis
 * consumer group) and starts consuming; READ answers the configuration (passwords left out), the state, lag, last
 * error, counters and the newest dead letters; UPDATE changes the parameters (keeping the checkpoint when the
 * stream is the same); PAUSE and UNPAUSE stop and resume consuming; DELETE stops and removes what CREATE set up at
 * the engine. Feeds and dead letters are durable under one directory and consuming resumes at start.
 *
 * <p>Threads: lifecycle events run one at a time on the {@code feeds-control} thread (they block on the engines,
 * so never on an event loop); each engine's subscriptions live on its poller thread.
 */
public final class EventFeeds implements NativeFeed, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(EventFeeds.class);
    private static final int READ_DEAD_LETTERS = 100;
    private static final long POLLER_CALL_TIMEOUT_S = 30;
    private static final Set<String> NOT_CONFIG = Set.of("lifecycleEvent", "triggerName", "authKey");
    private static final List<String> DELIVERY_KEYS = List.of("batchSize", "batchWindowMs", "maxBatchBytes",
        "maxRetries", "retryBackoffMs");

    private final FeedBook book;
    private final int maxInvokeBodyBytes;
    private final Map<String, Connector> byFeed = new LinkedHashMap<>();
    private final Map<String, SourcePoller> pollers = new HashMap<>();
    private final List<AgentRunner> runners = new ArrayList<>();
    private final ExecutorService control = Executors.newSingleThreadExecutor(r ->
    {
        final Thread t = new Thread(r, "feeds-control");
        t.setDaemon(true);
        return t;
    });
    private FeedFirer firer;

    /**
     * @param dir                where feeds and dead letters are kept.
     * @param maxInvokeBodyBytes the platform's fire body limit: a batch stays under it.
     */
    public EventFeeds(final Path dir, final int maxInvokeBodyBytes)
    {
        this(dir, maxInvokeBodyBytes, List.of(new KafkaConnector(), new PostgresConnector(), new RedisConnector()));
    }

    EventFeeds(final Path dir, final int maxInvokeBodyBytes, final List<Connector> connectors)
    {
        this.book = new FeedBook(dir);
        this.maxInvokeBodyBytes = maxInvokeBodyBytes;
        for (final Connector c : connectors)
        {
            byFeed.put(c.packageId() + "/" + c.feedName(), c);
            pollers.put(c.packageId() + "/" + c.feedName(), new SourcePoller("feeds-" + c.feedName()));
        }
    }

    /** Each feed action the catalog must hold: package id ({@code whisk.system/messaging}) to feed name. */
    public List<Map.Entry<String, String>> catalog()
    {
        final List<Map.Entry<String, String>> out = new ArrayList<>();
        for (final Connector c : byFeed.values())
        {
            out.add(Map.entry(c.packageId(), c.feedName()));
        }
        return out;
    }

    @Override
    public boolean handles(final String packageId)
    {
        for (final Connector c : byFeed.values())
        {
            if (c.packageId().equals(packageId))
            {
                return true;
            }
        }
        return false;
    }

    @Override
    public synchronized void start(final FeedFirer firer)
    {
        if (this.firer != null)
        {
            return;
        }
        this.firer = firer;
        int restored = 0;
        for (final FeedRecord r : book.all())
        {
            final Connector c = byFeed.get(r.feed());
            if (c != null && r.state() == FeedRecord.State.ACTIVE)
            {
                // opened on the poller thread: an engine that is down at start is retried there, with backoff
                final Subscription s = new Subscription(r, c, null, delivery(r.config()), firer, book);
                pollers.get(r.feed()).call(m -> m.put(r.trigger(), s));
                restored++;
            }
        }
        for (final SourcePoller p : pollers.values())
        {
            final AgentRunner runner = new AgentRunner(p.idleStrategy(),
                ex -> LOG.error("event=feed-poller-failed", ex), null, p);
            AgentRunner.startOnThread(runner);
            runners.add(runner);
        }
        LOG.info("event=event-feeds-started feeds={} consuming={}", book.all().size(), restored);
    }

    @Override
    public void onLifecycle(final Identity identity, final String feedName, final Event event, final String trigger,
        final ObjectNode params, final Done done)
    {
        control.execute(() ->
        {
            final byte[] result;
            try
            {
                result = run(identity, feedName, event, trigger, params);
            }
            catch (final IllegalArgumentException | IllegalStateException refused)
            {
                done.onError(refused.getMessage());
                return;
            }
            catch (final RuntimeException failure)
            {
                LOG.warn("event=feed-lifecycle-failed trigger={} lifecycleEvent={}", trigger, event, failure);
                done.onError(event + " failed: " + failure);
                return;
            }
            done.onResult(result);
        });
    }

    private byte[] run(final Identity identity, final String feedName, final Event event, final String trigger,
        final ObjectNode params)
    {
        final FeedRecord existing = book.get(trigger);
        final String feed = feedOf(feedName, existing);
        final Connector c = byFeed.get(feed);
        if (c == null)
        {
            throw new IllegalArgumentException("unknown event-source feed " + feedName);
        }
        if (existing != null && !existing.feed().equals(feed))
        {
            throw new IllegalArgumentException("trigger " + trigger + " is fed by " + existing.feed());
        }
        switch (event)
        {
            case CREATE ->
            {
                return replace(identity, c, feed, trigger, existing, clean(params));
            }
            case UPDATE ->
            {
                final ObjectNode merged = existing == null ? Json.MAPPER.createObjectNode() :
                    existing.config().deepCopy();
                merged.setAll(clean(params));
                return replace(identity, c, feed, trigger, existing, merged);
            }
            case READ ->
            {
                return read(c, trigger, require(existing, trigger, feed));
            }
            case PAUSE ->
            {
                stop(require(existing, trigger, feed));
                book.put(existing.with(FeedRecord.State.PAUSED, existing.lastError()));
                return ok();
            }
            case UNPAUSE ->
            {
                final FeedRecord r = require(existing, trigger, feed);
                stop(r);
                final FeedRecord active = r.with(FeedRecord.State.ACTIVE, null);
                consume(c, active, c.open(trigger, r.config(), false));
                book.put(active);
                return ok();
            }
            case DELETE ->
            {
                if (existing == null)
                {
                    return ok();
                }
                stop(existing);
                book.remove(trigger);
                c.cleanup(trigger, existing.config());
                return ok();
            }
            default -> throw new IllegalArgumentException("unsupported lifecycleEvent " + event);
        }
    }

    /** CREATE and UPDATE: checks, connects, then swaps the old subscription (if any) for the new one. */
    private byte[] replace(final Identity identity, final Connector c, final String feed, final String trigger,
        final FeedRecord existing, final ObjectNode params)
    {
        final ObjectNode config = c.configure(trigger, params);
        for (final String key : DELIVERY_KEYS)
        {
            if (params.hasNonNull(key))
            {
                config.set(key, params.get(key));
            }
        }
        delivery(config);
        final boolean same = existing != null && c.sameStream(existing.config(), config);
        if (existing != null)
        {
            stop(existing);
        }
        final Source source = c.open(trigger, config, !same);
        if (existing != null && !same)
        {
            c.cleanup(trigger, existing.config());
        }
        final FeedRecord r = new FeedRecord(trigger, identity.namespace(), feed, config, FeedRecord.State.ACTIVE,
            null, existing == null ? System.currentTimeMillis() : existing.createdMs());
        book.put(r);
        consume(c, r, source);
        return ok();
    }

    private void consume(final Connector c, final FeedRecord r, final Source source)
    {
        final Subscription s = new Subscription(r, c, source, delivery(r.config()), firer, book);
        await(pollers.get(r.feed()).call(m -> m.put(r.trigger(), s)));
    }

    private void stop(final FeedRecord r)
    {
        await(pollers.get(r.feed()).call(m ->
        {
            final Subscription s = m.remove(r.trigger());
            if (s != null)
            {
                s.close();
            }
            return s;
        }));
    }

    private byte[] read(final Connector c, final String trigger, final FeedRecord r)
    {
        final Subscription s = await(pollers.get(r.feed()).call(m -> m.get(trigger)));
        final ObjectNode out = Json.MAPPER.createObjectNode();
        final ObjectNode config = out.putObject("config");
        config.put("feed", "/" + r.feed());
        config.put("triggerName", "/" + trigger);
        for (final Iterator<Map.Entry<String, JsonNode>> it = r.config().fields(); it.hasNext(); )
        {
            final Map.Entry<String, JsonNode> e = it.next();
            if (!c.isSecret(e.getKey()))
            {
                config.set(e.getKey(), e.getValue());
            }
        }
        final ObjectNode status = out.putObject("status");
        final boolean disabled = s != null && s.disabled;
        final FeedRecord.State state = disabled ? FeedRecord.State.DISABLED : r.state();
        status.put("state", state.name().toLowerCase(java.util.Locale.ROOT));
        status.put("active", state == FeedRecord.State.ACTIVE);
        status.put("dateChanged", r.createdMs());
        status.put("lag", s == null ? -1 : s.lag);
        final String lastError = s == null ? r.lastError() : s.lastError;
        if (lastError == null)
        {
            status.putNull("lastError");
        }
        else
        {
            status.put("lastError", lastError);
        }
        status.put("delivered", s == null ? 0 : s.delivered);
        status.put("fires", s == null ? 0 : s.fires);
        status.put("retries", s == null ? 0 : s.retries);
        status.put("throttled", s == null ? 0 : s.throttled);
        status.put("deadLetters", book.deadLetterCount(trigger));
        out.set("deadLetters", book.deadLetters(trigger, READ_DEAD_LETTERS));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private Delivery delivery(final ObjectNode config)
    {
        return Delivery.of(config, maxInvokeBodyBytes);
    }

    /** The feed's id ({@code package/feed}): of the action run, or of the trigger's feed for READ and DELETE. */
    private String feedOf(final String feedName, final FeedRecord existing)
    {
        for (final String id : byFeed.keySet())
        {
            if (id.endsWith("/" + feedName))
            {
                return id;
            }
        }
        return existing != null ? existing.feed() : feedName;
    }

    private static FeedRecord require(final FeedRecord r, final String trigger, final String feed)
    {
        if (r == null)
        {
            throw new IllegalArgumentException("trigger " + trigger + " has no /" + feed + " feed");
        }
        return r;
    }

    private static ObjectNode clean(final ObjectNode params)
    {
        final ObjectNode out = params.deepCopy();
        out.remove(NOT_CONFIG);
        return out;
    }

    private static byte[] ok()
    {
        return "{}".getBytes(StandardCharsets.UTF_8);
    }

    private static <T> T await(final Future<T> f)
    {
        try
        {
            return f.get(POLLER_CALL_TIMEOUT_S, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            throw new IllegalStateException("the feed's consumer did not answer: " + ex, ex);
        }
    }

    @Override
    public void close()
    {
        control.shutdownNow();
        CloseHelper.closeAll(runners);
    }
}
