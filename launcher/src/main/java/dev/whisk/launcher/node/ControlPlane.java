package dev.whisk.launcher.node;

import dev.whisk.core.entity.KeySeal;
import dev.whisk.core.entity.NamespaceLimits;
import dev.whisk.events.EventFeeds;
import dev.whisk.frontdoor.ApiHandler;
import dev.whisk.frontdoor.ApiWiring;
import dev.whisk.frontdoor.FrontDoor;
import dev.whisk.frontdoor.FrontDoorConfig;
import dev.whisk.frontdoor.Metrics;
import dev.whisk.frontdoor.invoke.Admission;
import dev.whisk.frontdoor.rest.LogForwarder;
import dev.whisk.frontdoor.rest.LogForwardingStore;
import dev.whisk.frontdoor.web.RouteStore;
import dev.whisk.scheduler.ChronicleJournal;
import dev.whisk.scheduler.CompletionAgent;
import dev.whisk.scheduler.Fleet;
import dev.whisk.scheduler.HealthPinger;
import dev.whisk.scheduler.InvokerHealth;
import dev.whisk.scheduler.Recovery;
import dev.whisk.scheduler.Scheduler;
import dev.whisk.scheduler.SchedulerConfig;
import dev.whisk.scheduler.Waiters;
import dev.whisk.scheduler.alarm.AlarmService;
import dev.whisk.storage.FileActivationStore;
import dev.whisk.storage.FileEntityStore;
import dev.whisk.storage.FileSubjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * Everything of the platform but the invokers: stores, credentials and the system catalog, admission, the scheduler
 * ring with its journal, the completion agent and the front door. Standalone and the controller differ only in the
 * {@link Fleet} they hand in (the invoker in this process, or remote invokers joining by heartbeat over UDP) and in who
 * runs the completion agent. Closes in reverse start order.
 */
final class ControlPlane implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);
    /** Log forwarding: how often the forwarder looks, the lines of one batch, how long a sink may take to answer. */
    private static final long FORWARD_PERIOD_MS = 500;
    private static final int FORWARD_MAX_LINES = 10_000;
    private static final long FORWARD_TIMEOUT_MS = 2_000;

    private final Resources resources = new Resources();
    private final FileEntityStore entities;
    private final Credentials guest;
    private final CompletionAgent completions;
    private final FrontDoor frontDoor;
    private final String apiHost;
    private final Fleet fleet;
    private final AlarmService alarms;
    private final Metrics metrics;
    private final Path dataDir;
    private final KeySeal seal;
    private dev.whisk.scheduler.JournalKeeper keeper;

    /**
     * @param fleet  where the invokers are: in this process (standalone) or joining by heartbeat (controller).
     * @param ioLoop the event loops the front door serves connections on, owned by the caller, or {@code null} for
     *               loops of the front door's own.
     * @param seal   seals the keys runs are handed and the webhook secrets before they reach the journal or a store;
     *               its key is kept outside the data directory ({@link SealKey}, or derived from the invoker token).
     */
    ControlPlane(final Path dataDir, final FrontDoorConfig frontDoorConfig, final SchedulerConfig schedulerConfig,
        final Fleet fleet, final io.netty.channel.EventLoopGroup ioLoop, final KeySeal seal)
        throws IOException, InterruptedException
    {
        boolean started = false;
        this.dataDir = dataDir;
        try
        {
            DataDir.protect(dataDir);
            this.seal = java.util.Objects.requireNonNull(seal, "seal");
            entities = own(FileEntityStore.open(dataDir.resolve("entities")));
            final FileSubjectStore subjects = own(FileSubjectStore.open(dataDir.resolve("subjects")));
            final FileActivationStore activations = own(FileActivationStore.open(dataDir.resolve("activations")));
            guest = Credentials.ensure(dataDir, subjects, "guest", NamespaceLimits.UNTHROTTLED);
            Credentials.ensure(dataDir, subjects, SystemCatalog.NAMESPACE, NamespaceLimits.UNTHROTTLED);
            SystemCatalog.install(entities);
            final Admission admission = new Admission(frontDoorConfig.bounds().maxPayloadBytesQueued(),
                frontDoorConfig.bounds().payloadAccountingMinBytes());
            metrics = new Metrics(admission);
            final Waiters waiters = new Waiters();

            this.fleet = fleet;
            final ChronicleJournal journal = new ChronicleJournal(schedulerConfig.journalDir(),
                ChronicleJournal.rollCycle(schedulerConfig.rollCycle()));
            final Recovery recovery = Recovery.plan(journal, activations, fleet);
            recovery.completed().forEach(activations::append);
            recovery.unfinished().forEach(activations::append);
            fleet.adopt(recovery);
            final Scheduler scheduler = own(new Scheduler(new Scheduler.Context().config(schedulerConfig)
                .journal(journal).fleet(fleet).activations(activations).waiters(waiters)
                .onUndeliverable(admission::onCompleted)));
            completions = new CompletionAgent(new CompletionAgent.Context().fleet(fleet).store(activations)
                .waiters(waiters).onCompletion(admission::onCompleted).records(scheduler.records())
                .health(new InvokerHealth(fleet.invokers(), new HealthPinger(entities, scheduler),
                    SystemCatalog.HEALTH_ACTION_ID)));
            for (final byte[] request : recovery.toDispatch())
            {
                while (!scheduler.tryRedispatch(request))
                {
                    Thread.onSpinWait();
                }
            }
            if (!recovery.unfinished().isEmpty() || !recovery.awaiting().isEmpty() ||
                !recovery.toDispatch().isEmpty() || !recovery.completed().isEmpty())
            {
                LOG.warn("event=journal-recovered redispatched={} awaitingInvokers={} failedUnfinished={} " +
                    "completedFromJournal={}", recovery.toDispatch().size(), recovery.awaiting().size(),
                    recovery.unfinished().size(), recovery.completed().size());
            }
            alarms = own(new AlarmService(dataDir.resolve("alarms"),
                AlarmService.MissedPolicy.SKIP));
            final EventFeeds events = own(new EventFeeds(dataDir.resolve("feeds"),
                frontDoorConfig.maxInvokeBodyBytes()));
            SystemCatalog.installFeeds(entities, events.catalog());
            final RouteStore routes = own(RouteStore.open(dataDir.resolve("routes")));
            final LogForwardingStore forwarding = LogForwardingStore.open(dataDir.resolve("logforwarding"));
            watchDisk(dataDir, schedulerConfig, frontDoorConfig, journal, activations, scheduler);
            metrics.add(own(new LogForwarder(activations, forwarding, FORWARD_PERIOD_MS, FORWARD_MAX_LINES,
                FORWARD_TIMEOUT_MS)));
            final ApiHandler api = ApiWiring.builder(subjects, entities, activations, frontDoorConfig, admission)
                .scheduler(scheduler).alarms(alarms).metrics(metrics).seal(this.seal)
                .nativeFeeds(java.util.List.of(events)).routes(routes).forwarding(forwarding).build().start()
                .handler();
            frontDoor = own(new FrontDoor(frontDoorConfig, api, ioLoop));
            apiHost = "http://" + frontDoor.localAddress().getHostString() + ":" + frontDoor.localAddress().getPort();
            started = true;
        }
        finally
        {
            if (!started)
            {
                close();
            }
        }
    }

    /**
     * Refuses invokes and fires while a store is short of disk space, and trims the journal's finished cycles, on the
     * journal keeper's low-rate thread (closed before the scheduler and its journal).
     */
    private void watchDisk(final Path dataDir, final SchedulerConfig config, final FrontDoorConfig frontDoorConfig,
        final ChronicleJournal journal, final FileActivationStore activations, final Scheduler scheduler)
    {
        final java.util.Map<String, Path> stores = new java.util.LinkedHashMap<>();
        stores.put("journal", config.journalDir());
        stores.put("activation store", dataDir.resolve("activations"));
        stores.put("entity store", dataDir.resolve("entities"));
        stores.put("subject store", dataDir.resolve("subjects"));
        stores.put("route store", dataDir.resolve("routes"));
        stores.put("alarm store", dataDir.resolve("alarms"));
        stores.put("feed store", dataDir.resolve("feeds"));
        final long minFree = config.minFreeBytes() > 0 ? config.minFreeBytes() :
            dev.whisk.scheduler.DiskGuard.defaultMinFreeBytes(frontDoorConfig.maxInvokeBodyBytes());
        final dev.whisk.scheduler.DiskGuard guard = new dev.whisk.scheduler.DiskGuard(stores, minFree);
        scheduler.watchDisk(guard);
        keeper = own(new dev.whisk.scheduler.JournalKeeper(journal, activations, guard, config.diskCheckMs(),
            config.trimMs()));
    }

    /** The journal's housekeeping: free space and retention. */
    dev.whisk.scheduler.JournalKeeper keeper()
    {
        return keeper;
    }

    /** The seal the front door seals keys with; an in-process invoker opens them with it. */
    KeySeal seal()
    {
        return seal;
    }

    FileEntityStore entities()
    {
        return entities;
    }

    Credentials guest()
    {
        return guest;
    }

    /** What {@code GET /metrics} renders; a node adds the samples of what it runs beside (its container pool). */
    Metrics metrics()
    {
        return metrics;
    }

    /** The agent that reads invoker messages; the caller runs it (alone, or composed with an in-process invoker). */
    CompletionAgent completions()
    {
        return completions;
    }

    /** The timer service of the alarm feeds (its lateness histogram is a benchmark figure). */
    AlarmService alarms()
    {
        return alarms;
    }

    /** Activations dispatched to remote invokers and not yet completed (0 with in-process invokers). */
    int inFlightActivations()
    {
        return fleet.inFlight();
    }

    String apiHost()
    {
        return apiHost;
    }

    InetSocketAddress address()
    {
        return frontDoor.localAddress();
    }

    /**
     * Serves the API on {@code host} too (the containers' gateway address), unless the front door already listens
     * on every address; returns the API's URL there, for {@code __OW_API_HOST}.
     */
    String listenAlso(final String host) throws InterruptedException
    {
        final InetSocketAddress main = frontDoor.localAddress();
        if (!main.getAddress().isAnyLocalAddress() && !main.getAddress().getHostAddress().equals(host))
        {
            frontDoor.listenAlso(host);
        }
        return "http://" + host + ":" + main.getPort();
    }

    private <T extends AutoCloseable> T own(final T resource)
    {
        return resources.own(resource);
    }

    @Override
    public void close()
    {
        resources.close();
        try
        {
            DataDir.protect(dataDir);
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.warn("event=data-dir-protect-failed dataDir={}", dataDir, ex);
        }
    }
}
