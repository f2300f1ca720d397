package dev.whisk.launcher;

import dev.whisk.frontdoor.FrontDoorConfig;
import dev.whisk.launcher.node.Standalone;
import dev.whisk.launcher.node.StandaloneConfig;
import dev.whisk.pool.ContainerPoolConfig;
import dev.whisk.pool.docker.DockerDriver;
import dev.whisk.testkit.Docker;
import dev.whisk.testkit.Fixture;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The real standalone platform for a test: real stores in a temporary data directory, real Aeron, real Docker, on
 * a free port. Without a Docker engine the test is skipped, unless {@code WHISK_REQUIRE_DOCKER=true} (as CI sets
 * it), in which case it fails.
 * <p>
 * A test class declares it as one field, started once for the class (or, as an instance field, for each test):
 * <pre>
 * &#64;RegisterExtension
 * static final TestPlatform platform = TestPlatform.standalone();
 * static final Api api = platform.guest();
 * </pre>
 * The static {@code start} methods start one at once in a given directory, for tests that stop, kill or restart
 * platforms themselves.
 */
final class TestPlatform extends Fixture
{
    /** What a test does in the data directory before the platform starts (users made with the admin command). */
    interface Setup
    {
        void before(Path dataDir) throws Exception;
    }

    private final UnaryOperator<FrontDoorConfig> frontDoor;
    private Callable<String> image = () -> ContainerPoolConfig.DEFAULT_NODEJS_IMAGE;
    private Setup setup = dir -> { };
    private Standalone platform;

    private TestPlatform(final UnaryOperator<FrontDoorConfig> frontDoor)
    {
        this.frontDoor = frontDoor;
    }

    /** The platform with its default settings. */
    static TestPlatform standalone()
    {
        return new TestPlatform(UnaryOperator.identity());
    }

    /** The platform with the front door's settings changed by {@code frontDoor} (bounds, limits). */
    static TestPlatform standalone(final UnaryOperator<FrontDoorConfig> frontDoor)
    {
        return new TestPlatform(frontDoor);
    }

    /** Runs {@code setup} in the data directory before the platform starts, Docker made sure of first. */
    TestPlatform before(final Setup setup)
    {
        this.setup = setup;
        return this;
    }

    /** Runs nodejs:20 actions on the image {@code image} answers when the platform starts. */
    TestPlatform onImage(final Callable<String> image)
    {
        this.image = image;
        return this;
    }

    @Override
    protected void open(final Path dataDir) throws Exception
    {
        requireDockerAndImage();
        setup.before(dataDir);
        platform = start(dataDir, 60_000, image.call(), frontDoor);
    }

    @Override
    public void close()
    {
        if (platform != null)
        {
            platform.close();
            platform = null;
        }
    }

    /** The running platform. */
    Standalone get()
    {
        return platform;
    }

    String apiHost()
    {
        return platform.apiHost();
    }

    String guestAuth()
    {
        return platform.guestAuth();
    }

    InetSocketAddress address()
    {
        return platform.address();
    }

    /** The guest's client of the REST API; usable once the platform runs (it may be made before). */
    Api guest()
    {
        return new Api(this::apiHost, this::guestAuth);
    }

    /** A client with the credential {@code auth} answers (read at each request, e.g. a user made in setup). */
    Api api(final Supplier<String> auth)
    {
        return new Api(this::apiHost, auth);
    }

    static Standalone start(final Path dataDir) throws IOException, InterruptedException
    {
        return start(dataDir, 60_000);
    }

    static Standalone start(final Path dataDir, final int maxBlockingWaitMs) throws IOException, InterruptedException
    {
        return start(dataDir, maxBlockingWaitMs, ContainerPoolConfig.DEFAULT_NODEJS_IMAGE);
    }

    /** As {@link #start(Path)}, running nodejs:20 actions on {@code image}. */
    static Standalone start(final Path dataDir, final int maxBlockingWaitMs, final String image)
        throws IOException, InterruptedException
    {
        return start(dataDir, maxBlockingWaitMs, image, UnaryOperator.identity());
    }

    /** As {@link #start(Path)}, with the front door's settings changed by {@code frontDoor} (bounds, limits). */
    static Standalone start(final Path dataDir, final UnaryOperator<FrontDoorConfig> frontDoor)
        throws IOException, InterruptedException
    {
        return start(dataDir, 60_000, ContainerPoolConfig.DEFAULT_NODEJS_IMAGE, frontDoor);
    }

    private static Standalone start(final Path dataDir, final int maxBlockingWaitMs, final String image,
        final UnaryOperator<FrontDoorConfig> frontDoor) throws IOException, InterruptedException
    {
        requireDockerAndImage();
        return new Standalone(config(dataDir, maxBlockingWaitMs, image, frontDoor));
    }

    /**
     * The configuration {@link #start(Path)} uses: loopback on a free port, blocking waits up to 60 s, a 2 GB pool
     * labelled {@link #invokerLabel()} on the default runtime image; for a test that changes more (the journal).
     */
    static StandaloneConfig config(final Path dataDir)
    {
        return config(dataDir, 60_000, ContainerPoolConfig.DEFAULT_NODEJS_IMAGE, UnaryOperator.identity());
    }

    private static StandaloneConfig config(final Path dataDir, final int maxBlockingWaitMs, final String image,
        final UnaryOperator<FrontDoorConfig> frontDoor)
    {
        final StandaloneConfig d = StandaloneConfig.defaults(dataDir, "127.0.0.1", 0);
        final FrontDoorConfig f = d.frontDoor();
        final ContainerPoolConfig p = d.pool();
        return d
            .withFrontDoor(frontDoor.apply(new FrontDoorConfig(f.host(), 0, f.ioThreads(), f.maxBodyBytes(),
                f.maxInvokeBodyBytes(), maxBlockingWaitMs, f.bounds(), f.runtimeImages())))
            .withPool(new ContainerPoolConfig(p.dockerHost(), p.network(), invokerLabel(),
                java.util.Map.of("nodejs:20", image), p.apiHost(), 2048, p.dockerThreads(), p.logWaitMs(),
                p.idleTimeoutMs(), p.clientThreads()));
    }

    /** The invoker label of the platforms this test JVM starts. */
    static String invokerLabel()
    {
        return "test-" + ProcessHandle.current().pid();
    }

    /** How many containers, running or not, carry the invoker label {@code label}. */
    static int containersOf(final String label)
    {
        return containersOf(label, null);
    }

    /** How many containers of invoker {@code label} serve action {@code actionPath} ({@code null}: any). */
    static int containersOf(final String label, final String actionPath)
    {
        final java.util.Map<String, String> labels = new java.util.HashMap<>();
        labels.put(DockerDriver.LABEL_INVOKER, label);
        if (actionPath != null)
        {
            labels.put(DockerDriver.LABEL_ACTION, actionPath);
        }
        return Docker.count(labels);
    }

    /** The engine's logs (stdout and stderr) of every container of invoker {@code label}, concatenated. */
    static String logsOfContainers(final String label)
    {
        return Docker.logs(java.util.Map.of(DockerDriver.LABEL_INVOKER, label));
    }

    /** Removes containers a killed process left behind. */
    static void removeContainersOf(final String label)
    {
        try (DockerDriver driver = new DockerDriver("unix:///var/run/docker.sock",
            ContainerPoolConfig.DEFAULT_NETWORK))
        {
            driver.removeAll(label);
        }
    }

    static void requireDockerAndImage() throws IOException, InterruptedException
    {
        final boolean required = "true".equalsIgnoreCase(System.getenv("WHISK_REQUIRE_DOCKER"));
        final boolean reachable;
        try (DockerDriver driver = new DockerDriver("unix:///var/run/docker.sock",
            ContainerPoolConfig.DEFAULT_NETWORK))
        {
            reachable = driver.isReachable();
            if (reachable && !driver.hasImage(ContainerPoolConfig.DEFAULT_NODEJS_IMAGE))
            {
                buildImage();
            }
        }
        if (!reachable)
        {
            if (required)
            {
                throw new IllegalStateException("WHISK_REQUIRE_DOCKER=true but no Docker engine answers");
            }
            Assumptions.abort("no Docker engine: the platform tests need one");
        }
    }

    /**
     * The runtime image of this checkout's proxy, tagged by the hash of its sources ({@code proxy-<12 hex>}) and
     * built when missing: unlike the shared {@code latest} tag, which any checkout on the machine may rebuild from
     * its own proxy, this tag always holds the proxy the test was compiled beside.
     */
    static String imageOfThisProxy() throws IOException, InterruptedException
    {
        requireDockerAndImage();
        final Path proxy = repositoryRoot().resolve("runtimes/nodejs/proxy");
        final java.security.MessageDigest sha;
        try
        {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        }
        catch (final java.security.NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
        try (java.util.stream.Stream<Path> files = Files.list(proxy))
        {
            for (final Path f : files.filter(f -> f.getFileName().toString().endsWith(".js"))
                .sorted(java.util.Comparator.comparing(Path::toString)).toList())
            {
                sha.update(Files.readAllBytes(f));
            }
        }
        final String tag = "whisk/action-nodejs-v20:proxy-" +
            java.util.HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        final Process p = new ProcessBuilder(repositoryRoot().resolve("runtimes/nodejs/build-image.sh").toString(),
            tag).inheritIO().start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0)
        {
            throw new IllegalStateException("building the Node.js runtime image " + tag + " failed");
        }
        return tag;
    }

    private static Path repositoryRoot()
    {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("runtimes/nodejs/build-image.sh")))
        {
            dir = dir.getParent();
        }
        if (dir == null)
        {
            throw new IllegalStateException("runtimes/nodejs/build-image.sh not found above " +
                Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private static void buildImage() throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(repositoryRoot().resolve("runtimes/nodejs/build-image.sh").toString())
            .inheritIO().start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0)
        {
            throw new IllegalStateException("building the Node.js runtime image failed");
        }
    }
}
