package dev.whisk.frontdoor;

import dev.whisk.core.entity.KeySeal;
import dev.whisk.frontdoor.compose.Composer;
import dev.whisk.frontdoor.event.AlarmFeed;
import dev.whisk.frontdoor.event.NativeFeed;
import dev.whisk.frontdoor.event.NativeFeeds;
import dev.whisk.frontdoor.event.SystemFeeds;
import dev.whisk.frontdoor.event.TriggerFiring;
import dev.whisk.frontdoor.invoke.ActionLookup;
import dev.whisk.frontdoor.invoke.Admission;
import dev.whisk.frontdoor.invoke.DispatchPort;
import dev.whisk.frontdoor.invoke.Invocations;
import dev.whisk.frontdoor.rest.ActionsApi;
import dev.whisk.frontdoor.rest.ActivationsApi;
import dev.whisk.frontdoor.rest.InvokeApi;
import dev.whisk.frontdoor.rest.LogForwardingApi;
import dev.whisk.frontdoor.rest.LogForwardingStore;
import dev.whisk.frontdoor.rest.NamespacesApi;
import dev.whisk.frontdoor.rest.PackagesApi;
import dev.whisk.frontdoor.rest.RulesApi;
import dev.whisk.frontdoor.rest.TriggersApi;
import dev.whisk.frontdoor.rest.WebhooksApi;
import dev.whisk.frontdoor.web.ApiGateway;
import dev.whisk.frontdoor.web.RouteStore;
import dev.whisk.frontdoor.web.WebActionsApi;
import dev.whisk.scheduler.Scheduler;
import dev.whisk.scheduler.alarm.AlarmService;
import dev.whisk.storage.ActivationStore;
import dev.whisk.storage.EntityStore;
import dev.whisk.storage.SubjectStore;

import java.util.List;

/**
 * Builds the control plane's object graph behind the front door, once: the invocation service over the scheduler,
 * the composition runner, the event service (trigger fires, alarms, event-source feeds), the REST APIs over them,
 * and the {@link ApiHandler} that routes to those APIs. Nothing here runs until {@link #start}: the alarm timer and
 * the event-source feeds begin firing triggers (through the event service) only then.
 *
 * <p>{@code ControlPlane} (the launcher) wires the whole platform with it; the front door's tests and benchmarks wire
 * the API alone (no scheduler).
 */
public final class ApiWiring
{
    private final SubjectStore subjects;
    private final AlarmService alarms;
    private final List<NativeFeed> nativeFeeds;
    private final Invocations invocations;
    private final TriggerFiring firing;
    private final ApiHandler handler;
    private boolean started;

    private ApiWiring(final Builder b)
    {
        this.subjects = b.subjects;
        this.alarms = b.alarms;
        this.nativeFeeds = List.copyOf(b.nativeFeeds);
        final Authenticator authenticator = new Authenticator(b.subjects);
        b.metrics.add(out ->
        {
            Metrics.counter(out, "whisk_auth_slow_checks_total",
                "Credentials checked with the slow hash (off the event loops).", authenticator.slowChecks());
            Metrics.counter(out, "whisk_auth_refused_over_budget_total",
                "Requests refused with 429 because their client failed authentication too often.",
                authenticator.refusedOverBudget());
        });
        final AlarmFeed alarmFeed = b.alarms == null ? null : new AlarmFeed(b.alarms, b.entities, b.activations);
        final NativeFeeds natives = b.nativeFeeds.isEmpty() ? null :
            new NativeFeeds(b.nativeFeeds, b.entities, b.activations);
        this.invocations = new Invocations(new ActionLookup(b.entities), DispatchPort.of(b.scheduler), b.admission,
            b.seal, b.config.maxInvokeBodyBytes(), b.config.maxBlockingWaitMs(),
            alarmFeed == null && natives == null ? null : new SystemFeeds(alarmFeed, natives),
            service -> new Composer(service, b.activations));
        this.firing = new TriggerFiring(b.entities, invocations, b.activations);
        final TriggersApi triggers = new TriggersApi(b.entities, firing, invocations);
        final WebActionsApi web = new WebActionsApi(b.subjects, authenticator, invocations);
        this.handler = new ApiHandler(authenticator, new ActionsApi(b.entities), new InvokeApi(invocations),
            new ActivationsApi(b.activations), new NamespacesApi(b.config.runtimeImages()),
            new PackagesApi(b.entities), triggers, new RulesApi(b.entities), web,
            new WebhooksApi(b.entities, b.subjects, triggers, b.seal),
            b.routes == null ? null : new ApiGateway(b.routes, b.entities, authenticator, web),
            new LogForwardingApi(authenticator, b.forwarding), new InvokersHandler(invocations::invokerStates),
            new MetricsHandler(b.metrics));
    }

    /** The API over these stores, with {@code admission} throttling invokes; the rest is set on the builder. */
    public static Builder builder(final SubjectStore subjects, final EntityStore entities,
        final ActivationStore activations, final FrontDoorConfig config, final Admission admission)
    {
        return new Builder(subjects, entities, activations, config, admission);
    }

    /**
     * Starts what fires triggers by itself: the alarm timer and each event-source feed, which from now on fire
     * through the event service as the triggers' owners. Once; returns this.
     */
    public ApiWiring start()
    {
        if (started)
        {
            return this;
        }
        started = true;
        if (alarms != null)
        {
            alarms.start((owner, trigger, payload) ->
                firing.fireFromAlarm(subjects.findByNamespace(owner), trigger, payload));
        }
        for (final NativeFeed feed : nativeFeeds)
        {
            feed.start((owner, trigger, payload, listener) ->
                firing.fireFromFeed(subjects.findByNamespace(owner), trigger, payload, listener));
        }
        return this;
    }

    /** The channel handler that serves the API (shared by all channels). */
    public ApiHandler handler()
    {
        return handler;
    }

    /** The invocation service every run goes through. */
    public Invocations invocations()
    {
        return invocations;
    }

    /** The event service that fires triggers. */
    public TriggerFiring firing()
    {
        return firing;
    }

    /** What the API is built over; each setting has the default that the API alone (no scheduler) needs. */
    public static final class Builder
    {
        private final SubjectStore subjects;
        private final EntityStore entities;
        private final ActivationStore activations;
        private final FrontDoorConfig config;
        private final Admission admission;
        private Scheduler scheduler;
        private AlarmService alarms;
        private Metrics metrics;
        private KeySeal seal = KeySeal.ephemeral();
        private List<NativeFeed> nativeFeeds = List.of();
        private RouteStore routes;
        private LogForwardingStore forwarding;

        private Builder(final SubjectStore subjects, final EntityStore entities, final ActivationStore activations,
            final FrontDoorConfig config, final Admission admission)
        {
            this.subjects = subjects;
            this.entities = entities;
            this.activations = activations;
            this.config = config;
            this.admission = admission;
        }

        /** The scheduler invokes are published to; none (the default) places nothing: the API alone. */
        public Builder scheduler(final Scheduler scheduler)
        {
            this.scheduler = scheduler;
            return this;
        }

        /** The timer service that runs the {@code /whisk.system/alarms} feeds (fires once started). */
        public Builder alarms(final AlarmService alarms)
        {
            this.alarms = alarms;
            return this;
        }

        /** What {@code GET /metrics} renders, to which the caller may add more sources; default: admission's. */
        public Builder metrics(final Metrics metrics)
        {
            this.metrics = metrics;
            return this;
        }

        /**
         * Seals every key a run is handed and every webhook secret before it reaches the journal or a store (the
         * invokers open them with the same key); default: an ephemeral seal.
         */
        public Builder seal(final KeySeal seal)
        {
            this.seal = seal;
            return this;
        }

        /** The event sources, running their feed packages' lifecycles and firing their triggers (once started). */
        public Builder nativeFeeds(final List<NativeFeed> nativeFeeds)
        {
            this.nativeFeeds = nativeFeeds;
            return this;
        }

        /** The API gateway's routes; none (the default) leaves {@code /api/{ns}/...} and apimgmt unserved. */
        public Builder routes(final RouteStore routes)
        {
            this.routes = routes;
            return this;
        }

        /** The namespaces' log forwarding destinations; none (the default): the platform's store only. */
        public Builder forwarding(final LogForwardingStore forwarding)
        {
            this.forwarding = forwarding;
            return this;
        }

        public ApiWiring build()
        {
            if (metrics == null)
            {
                metrics = new Metrics(admission);
            }
            return new ApiWiring(this);
        }
    }
}
