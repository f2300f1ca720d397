package dev.whisk.launcher.node;

import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.entity.Exec;
import dev.whisk.core.entity.Param;
import dev.whisk.core.entity.SemVer;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.core.entity.WhiskEntity;
import dev.whisk.core.entity.WhiskPackage;
import dev.whisk.scheduler.HealthPinger;
import dev.whisk.storage.EntityStore;
import dev.whisk.storage.WriteResult;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The catalog every subject can read: namespace {@value #NAMESPACE} with the published packages {@code utils}
 * ({@code echo}, {@code cat}, {@code head}, {@code sort}, as OpenWhisk's catalog has them) and {@code alarms} (the
 * feeds {@code alarm}, {@code once} and {@code interval}, run by the platform's timer service, not in a container). Installed at start when
 * missing; an entity that exists is left as it is, so an operator's changes survive restarts.
 */
final class SystemCatalog
{
    static final String NAMESPACE = HealthPinger.SYSTEM_NAMESPACE;
    static final String UTILS = "utils";
    static final String ALARMS = "alarms";
    private static final String FEED_CODE = "function main() { return { error: 'This feed is run by the platform " +
        "itself; invoke it with a lifecycleEvent.' }; }";
    private static final String KIND = "nodejs:20";
    /** The action the controller pings unhealthy invokers with (see {@link HealthPinger#ACTION}). */
    static final String HEALTH_ACTION = HealthPinger.ACTION;
    static final String HEALTH_ACTION_ID = HealthPinger.ACTION_ID;
    /** Small and short, so a ping takes little of an invoker that is struggling. */
    static final ActionLimits HEALTH_LIMITS = new ActionLimits(10_000, 128, 1, 1);
    private static final long WRITE_TIMEOUT_S = 10;

    private static final List<String[]> UTILS_ACTIONS = List.of(
        new String[]{"echo", "Returns its input unchanged.",
            "function main(params) { return params || {}; }"},
        new String[]{"cat", "Joins the array 'lines' into one string 'payload', one line each.",
            "function main(params) { const lines = params.lines || []; " +
                "return { lines: lines, payload: lines.join('\\n') }; }"},
        new String[]{"head", "Returns the first 'num' (default 1) elements of the array 'lines'.",
            "function main(params) { const lines = params.lines || []; const num = params.num || 1; " +
                "return { lines: lines.slice(0, num), num: num }; }"},
        new String[]{"sort", "Sorts the array 'lines' and counts it.",
            "function main(params) { const lines = (params.lines || []).slice().sort(); " +
                "return { lines: lines, length: lines.length }; }"});

    private SystemCatalog()
    {
    }

    /** Writes whatever part of the catalog is missing; blocks until durable (start-up only). */
    static void install(final EntityStore store)
    {
        final long now = System.currentTimeMillis();
        final String packageId = NAMESPACE + "/" + UTILS;
        if (store.get(packageId) == null)
        {
            write(store, new WhiskPackage(NAMESPACE, UTILS, SemVer.INITIAL, true, null,
                List.of(Param.of("description", TextNode.valueOf("Building blocks that format and assemble data"))),
                List.of(), now));
        }
        for (final String[] a : UTILS_ACTIONS)
        {
            if (store.get(packageId + "/" + a[0]) == null)
            {
                write(store, new WhiskAction(packageId, a[0], SemVer.INITIAL, true, Exec.code(KIND, a[2], null),
                    List.of(Param.of("description", TextNode.valueOf(a[1])),
                        Param.of("provide-api-key", BooleanNode.FALSE),
                        Param.of("exec", TextNode.valueOf(KIND))),
                    List.of(), ActionLimits.DEFAULT, now));
            }
        }
        installAlarms(store, now);
        if (store.get(HEALTH_ACTION_ID) == null)
        {
            write(store, new WhiskAction(NAMESPACE, HEALTH_ACTION, SemVer.INITIAL, false,
                Exec.code(KIND, "function main(params) { return { invoker: params.invoker, ok: true }; }", null),
                List.of(Param.of("description", TextNode.valueOf("Health ping: proves an invoker runs containers")),
                    Param.of("exec", TextNode.valueOf(KIND))),
                List.of(), HEALTH_LIMITS, now));
        }
    }

    /**
     * The event-source feeds' packages and actions ({@code whisk.system/messaging} with {@code kafkaFeed}, ...),
     * run by the platform's consumers, not in a container; {@code feeds} maps each package id to its feed's name.
     */
    static void installFeeds(final EntityStore store, final List<java.util.Map.Entry<String, String>> feeds)
    {
        final long now = System.currentTimeMillis();
        for (final java.util.Map.Entry<String, String> f : feeds)
        {
            final String packageId = f.getKey();
            if (store.get(packageId) == null)
            {
                write(store, new WhiskPackage(NAMESPACE, packageId.substring(NAMESPACE.length() + 1),
                    SemVer.INITIAL, true, null, List.of(Param.of("description",
                        TextNode.valueOf("Fire triggers on events from " + f.getValue()))), List.of(), now));
            }
            if (store.get(packageId + "/" + f.getValue()) == null)
            {
                write(store, new WhiskAction(packageId, f.getValue(), SemVer.INITIAL, true,
                    Exec.code(KIND, FEED_CODE, null),
                    List.of(Param.of("feed", BooleanNode.TRUE), Param.of("provide-api-key", BooleanNode.FALSE),
                        Param.of("exec", TextNode.valueOf(KIND))),
                    List.of(), ActionLimits.DEFAULT, now));
            }
        }
    }

    private static void installAlarms(final EntityStore store, final long now)
    {
        final String packageId = NAMESPACE + "/" + ALARMS;
        if (store.get(packageId) == null)
        {
            write(store, new WhiskPackage(NAMESPACE, ALARMS, SemVer.INITIAL, true, null,
                List.of(Param.of("description", TextNode.valueOf("Fire triggers on a schedule"))), List.of(), now));
        }
        for (final String feed : List.of("alarm", "once", "interval"))
        {
            if (store.get(packageId + "/" + feed) == null)
            {
                write(store, new WhiskAction(packageId, feed, SemVer.INITIAL, true, Exec.code(KIND, FEED_CODE, null),
                    List.of(Param.of("feed", BooleanNode.TRUE), Param.of("provide-api-key", BooleanNode.FALSE),
                        Param.of("exec", TextNode.valueOf(KIND))),
                    List.of(), ActionLimits.DEFAULT, now));
            }
        }
    }

    private static void write(final EntityStore store, final WhiskEntity entity)
    {
        try
        {
            final WriteResult r = store.put(entity, null).get(WRITE_TIMEOUT_S, TimeUnit.SECONDS);
            if (r != WriteResult.OK && r != WriteResult.CONFLICT)
            {
                throw new IllegalStateException("could not install " + entity.docId() + ": " + r);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing " + entity.docId(), ex);
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            throw new IllegalStateException("could not install " + entity.docId(), ex);
        }
    }
}
