package dev.whisk.frontdoor;

import dev.whisk.core.entity.NamespaceLimits;
import dev.whisk.frontdoor.api.RouteStore;
import dev.whisk.storage.FileActivationStore;
import dev.whisk.storage.FileEntityStore;
import dev.whisk.storage.FileSubjectStore;
import dev.whisk.storage.WriteResult;
import org.agrona.CloseHelper;

import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The real front door over real file stores in a temporary directory, with two namespaces, {@code alice} and
 * {@code bob}, each with its own credential. No scheduler: routes that invoke are exercised by the launcher's
 * platform tests.
 */
final class TestServer implements AutoCloseable
{
    static final String KEY = "k".repeat(64);

    final FileEntityStore entities;
    final FileSubjectStore subjects;
    final FileActivationStore activations;
    final RouteStore routes;
    final Admission admission = new Admission();
    final FrontDoor frontDoor;
    final String aliceAuth;
    final String bobAuth;

    TestServer(final Path dir) throws Exception
    {
        this(dir, false);
    }

    /**
     * @param withRoutes serve the API gateway from a route store in {@code dir/routes}; a second server over the
     *                   same directory reads what the first wrote, as after a restart.
     */
    TestServer(final Path dir, final boolean withRoutes) throws Exception
    {
        this(dir, withRoutes, null);
    }

    /** As above, with {@code custom} settings of the front door ({@code null}: the defaults on a free port). */
    TestServer(final Path dir, final boolean withRoutes, final FrontDoorConfig custom) throws Exception
    {
        routes = withRoutes ? RouteStore.open(dir.resolve("routes")) : null;
        entities = FileEntityStore.open(dir.resolve("entities"));
        subjects = FileSubjectStore.open(dir.resolve("subjects"));
        activations = FileActivationStore.open(dir.resolve("activations"));
        aliceAuth = subjects.findByNamespace("alice") == null ? createNamespace("alice", NamespaceLimits.DEFAULT) :
            null;
        bobAuth = subjects.findByNamespace("bob") == null ? createNamespace("bob", NamespaceLimits.DEFAULT) : null;
        final FrontDoorConfig d = FrontDoorConfig.defaults();
        final FrontDoorConfig base = new FrontDoorConfig("127.0.0.1", 0, 1, d.maxBodyBytes(),
            d.maxInvokeBodyBytes(), d.maxBlockingWaitMs());
        final FrontDoorConfig config = custom == null ? base : custom;
        frontDoor = new FrontDoor(config, ApiWiring.builder(subjects, entities, activations, config, admission)
            .routes(routes).build().handler());
    }

    String createNamespace(final String namespace, final NamespaceLimits limits) throws Exception
    {
        final String uuid = UUID.randomUUID().toString();
        final WriteResult r = subjects.create(namespace, namespace, uuid, KEY, limits).get(10, TimeUnit.SECONDS);
        if (r != WriteResult.OK)
        {
            throw new IllegalStateException("namespace " + namespace + ": " + r);
        }
        return uuid + ":" + KEY;
    }

    /** A client of a new namespace {@code namespace} with {@code limits}. */
    Http newNamespace(final String namespace, final NamespaceLimits limits) throws Exception
    {
        return new Http(baseUrl(), createNamespace(namespace, limits));
    }

    int port()
    {
        return frontDoor.localAddress().getPort();
    }

    String baseUrl()
    {
        return "http://127.0.0.1:" + frontDoor.localAddress().getPort() + "/api/v1";
    }

    Http alice()
    {
        return new Http(baseUrl(), aliceAuth);
    }

    Http bob()
    {
        return new Http(baseUrl(), bobAuth);
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(frontDoor, routes, entities, subjects, activations);
    }
}
