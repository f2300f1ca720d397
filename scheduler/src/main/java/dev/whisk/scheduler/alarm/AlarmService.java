package dev.whisk.scheduler.alarm;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.whisk.core.json.Json;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The platform's timer service behind the {@code /whisk.system/alarms} feeds: alarms are kept durably in
 * {@code alarms.json} (rewritten atomically on every change, so a crash leaves the old or the new file, never half
 * of one), each is scheduled on one timer thread, and when due it fires its trigger as its owner. Alarms survive
 * restarts; one whose trigger is gone is removed when it next fires.
 *
 * <p>Missed firings: a due time that passed while the platform was down is handled by {@link MissedPolicy}:
 * {@code SKIP} (default) resumes at the next due time; {@code FIRE_ONCE} fires once at start for all that was
 * missed, then resumes.
 *
 * <p>Threads: {@link #put}, {@link #delete} and {@link #get} from any thread (synchronized; alarms change rarely);
 * firing on the one timer thread.
 */
public final class AlarmService implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(AlarmService.class);
    private static final String FILE = "alarms.json";

    /** What to do at start with due times that passed while the platform was down. */
    public enum MissedPolicy
    {
        SKIP, FIRE_ONCE
    }

    private final Path file;
    private final MissedPolicy missedPolicy;
    private final ScheduledExecutorService timer;
    private final Map<String, Alarm> alarms = new HashMap<>();
    private final Map<String, ScheduledFuture<?>> scheduled = new HashMap<>();
    private final Histogram latenessMs = new Histogram(3_600_000L, 3);
    private TriggerFirer firer;

    public AlarmService(final Path dir, final MissedPolicy missedPolicy) throws IOException
    {
        Files.createDirectories(dir);
        this.file = dir.resolve(FILE);
        this.missedPolicy = missedPolicy;
        final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r ->
        {
            final Thread t = new Thread(r, "alarms");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.timer = executor;
        if (Files.exists(file))
        {
            final List<Alarm> stored = Json.MAPPER.readValue(file.toFile(), new TypeReference<List<Alarm>>()
            {
            });
            for (final Alarm a : stored)
            {
                alarms.put(a.trigger(), a);
            }
        }
    }

    /** Starts firing through {@code firer}: the alarms loaded from disk and all that are put from now on. */
    public synchronized void start(final TriggerFirer firer)
    {
        this.firer = firer;
        final long now = System.currentTimeMillis();
        for (final Alarm a : new ArrayList<>(alarms.values()))
        {
            final long missedFrom = a.lastFiredMs() > 0 ? a.lastFiredMs() : a.startMs();
            final long firstMissed = Schedules.next(a, Math.max(missedFrom, 0));
            if (missedPolicy == MissedPolicy.FIRE_ONCE && firstMissed > 0 && firstMissed < now)
            {
                timer.execute(() -> fire(a.trigger(), firstMissed));
            }
            else
            {
                schedule(a, now);
            }
        }
        LOG.info("event=alarms-started alarms={} missedPolicy={}", alarms.size(), missedPolicy);
    }

    /**
     * Adds or replaces the alarm of a trigger and makes it durable before returning.
     *
     * @throws IllegalArgumentException when its schedule is invalid or never due.
     */
    public synchronized void put(final Alarm alarm)
    {
        if (alarm.kind() == Alarm.Kind.CRON)
        {
            Schedules.cron(alarm.cron());
        }
        if (Schedules.next(alarm, System.currentTimeMillis()) < 0)
        {
            throw new IllegalArgumentException("the alarm would never fire");
        }
        alarms.put(alarm.trigger(), alarm);
        persist();
        if (firer != null)
        {
            schedule(alarm, System.currentTimeMillis());
        }
    }

    /** Removes the alarm of {@code trigger}; false when there was none. */
    public synchronized boolean delete(final String trigger)
    {
        final ScheduledFuture<?> f = scheduled.remove(trigger);
        if (f != null)
        {
            f.cancel(false);
        }
        if (alarms.remove(trigger) == null)
        {
            return false;
        }
        persist();
        return true;
    }

    public synchronized Alarm get(final String trigger)
    {
        return alarms.get(trigger);
    }

    /** How late firings were against their due times, in ms, since start. */
    public synchronized Histogram lateness()
    {
        return latenessMs.copy();
    }

    private void schedule(final Alarm a, final long nowMs)
    {
        final long next = Schedules.next(a, nowMs);
        if (next < 0)
        {
            alarms.remove(a.trigger());
            persist();
            return;
        }
        scheduled.put(a.trigger(), timer.schedule(() -> fire(a.trigger(), next), Math.max(0, next - nowMs),
            TimeUnit.MILLISECONDS));
    }

    private void fire(final String trigger, final long dueMs)
    {
        final Alarm a;
        synchronized (this)
        {
            a = alarms.get(trigger);
            if (a == null)
            {
                return;
            }
        }
        final long now = System.currentTimeMillis();
        boolean exists = true;
        try
        {
            exists = firer.fire(a.owner(), a.trigger(), a.payload().getBytes(StandardCharsets.UTF_8));
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("event=alarm-fire-failed trigger={}", trigger, ex);
        }
        synchronized (this)
        {
            latenessMs.recordValue(Math.max(0, now - dueMs));
            if (alarms.get(trigger) != a)
            {
                return;
            }
            if (!exists)
            {
                LOG.info("event=alarm-removed trigger={} reason=trigger-gone", trigger);
                alarms.remove(trigger);
                scheduled.remove(trigger);
                persist();
                return;
            }
            final Alarm fired = a.firedAt(Math.max(now, dueMs));
            alarms.put(trigger, fired);
            persist();
            schedule(fired, Math.max(System.currentTimeMillis(), dueMs));
        }
    }

    /** Writes all alarms to a temporary file, forces it, and moves it over the old one. */
    private void persist()
    {
        final Path tmp = file.resolveSibling(FILE + ".tmp");
        try
        {
            Files.write(tmp, Json.MAPPER.writeValueAsBytes(new ArrayList<>(alarms.values())));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE))
            {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("could not store alarms in " + file, ex);
        }
    }

    @Override
    public void close()
    {
        timer.shutdownNow();
    }
}
