package dev.whisk.frontdoor;

import dev.whisk.core.entity.NamespaceLimits;
import dev.whisk.frontdoor.invoke.Admission;
import dev.whisk.frontdoor.web.RouteStore;
import dev.whisk.storage.FileActivationStore;
import dev.whisk.storage.FileEntityStore;
import dev.whisk.storage.FileSubjectStore;
import dev.whisk.storage.WriteResult;
import dev.whisk.testkit.Fixture;
import dev.whisk.testkit.Http;
import org.agrona.CloseHelper;

import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The real front door over real file stores in a temporary directory, with two namespaces, {@code alice} and
 * {@code bob}, each with its own credential. No scheduler: routes that invoke are exercised by the launcher's
 * platform tests.
 * <p>
 * A test class declares it as one field, started once for the class (or, as an instance field, for each test):
 * <pre>
 * &#64;RegisterExtension
 * static final TestServer server = new TestServer();
 * static final Http alice = server.alice();
 * </pre>
 * The constructors that take a directory start at once, for a test that restarts a server over the same data.
 */
final class TestServer extends Fixture
{
    static final String KEY = "k".repeat(64);

    private final boolean withRoutes;
    private final FrontDoorConfig custom;
    FileEntityStore entities;
    FileSubjectStore subjects;
    FileActivationStore activations;
    RouteStore routes;
    final Admission admission = new Admission();
    FrontDoor frontDoor;
    String aliceAuth;
    String bobAuth;

    /** A server with the default settings on a free port, started by JUnit as an extension. */
    TestServer()
    {
        this(false, null);
    }

    /**
     * As above: {@code withRoutes} serves the API gateway from a route store in {@code dir/routes}, and
     * {@code custom} settings of the front door ({@code null}: the defaults on a free port).
     */
    TestServer(final boolean withRoutes, final FrontDoorConfig custom)
    {
        this.withRoutes = withRoutes;
        this.custom = custom;
    }

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
        this(withRoutes, custom);
        open(dir);
    }

    @Override
    protected void open(final Path dir) throws Exception
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

    /** Alice's client of the REST API; usable once the server runs (it may be made before). */
    Http alice()
    {
        return new Http(this::baseUrl, () -> aliceAuth);
    }

    /** Alice's client with paths relative to the server's root rather than {@code /api/v1}. */
    Http aliceAtRoot()
    {
        return new Http(() -> "http://127.0.0.1:" + port(), () -> aliceAuth);
    }

    Http bob()
    {
        return new Http(this::baseUrl, () -> bobAuth);
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(frontDoor, routes, entities, subjects, activations);
        frontDoor = null;
        routes = null;
        entities = null;
        subjects = null;
        activations = null;
    }
}
