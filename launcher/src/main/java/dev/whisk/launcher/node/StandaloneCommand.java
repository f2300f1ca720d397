package dev.whisk.launcher.node;

import dev.whisk.pool.ContainerPoolConfig;
import dev.whisk.pool.StemCell;
import dev.whisk.scheduler.SchedulerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * {@code whisk standalone}: runs the platform in this JVM until SIGTERM or Ctrl-C, after showing a function
 * deployed and invoked through its own API.
 */
@Command(name = "standalone", mixinStandardHelpOptions = true,
    description = "Run the whole platform in one process, a warm invoke on one event loop.")
public final class StandaloneCommand extends NodeCommand<Standalone>
{
    @Option(names = "--host", defaultValue = "${env:WHISK_HOST:-127.0.0.1}",
        description = "Address the API listens on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "${env:WHISK_PORT:-3233}",
        description = "Port the API listens on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", defaultValue = "${env:WHISK_DATA_DIR:-${sys:user.home}/.whisk}",
        description = "Where journal, stores and credentials live (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--memory-mb", defaultValue = "${env:WHISK_MEMORY_MB:-0}",
        description = "Memory budget of the container pool in MB (default: half the machine).")
    int memoryMb;

    @Option(names = "--stem-cells", split = ",", defaultValue = "${env:WHISK_STEM_CELLS:-nodejs:20:256:4}",
        description = "Pre-warmed containers per kind and memory, kind:memoryMb:count[,...]; 'none' for none "
            + "(default: ${DEFAULT-VALUE}).")
    List<String> stemCells;

    @Option(names = "--pause-grace-ms", defaultValue = "${env:WHISK_PAUSE_GRACE_MS:-50}",
        description = "Pause an idle warm container after this many ms; negative never pauses (default: "
            + "${DEFAULT-VALUE}).")
    long pauseGraceMs;

    @Option(names = "--invoker-label", defaultValue = "${env:WHISK_INVOKER_LABEL:-" + StandaloneConfig.INVOKER_LABEL
        + "}", description = "Label of this platform's containers; leftovers with it are removed at start, so two "
        + "platforms on one Docker engine need different labels (default: ${DEFAULT-VALUE}).")
    String invokerLabel;

    @Option(names = "--nodejs-image", defaultValue = "${env:WHISK_NODEJS_IMAGE:-"
        + ContainerPoolConfig.DEFAULT_NODEJS_IMAGE + "}", description = "Image of the nodejs:20 runtime, e.g. one "
        + "built by runtimes/nodejs/build-image.sh under another name, or OpenWhisk's own (default: ${DEFAULT-VALUE}).")
    String nodejsImage;

    @Option(names = "--min-free-mb", defaultValue = "${env:WHISK_MIN_FREE_MB:-0}",
        description = "Refuse invokes and fires with 503 while a store's disk has less free space than this, in MB "
            + "(default: 64, or four of the largest invoke bodies if more).")
    long minFreeMb;

    @Option(names = "--journal-roll", defaultValue = "${env:WHISK_JOURNAL_ROLL:-" + SchedulerConfig.DEFAULT_ROLL_CYCLE
        + "}", description = "Roll cycle of the journal, the unit its retention deletes once every request in it is "
        + "recorded: FIVE_MINUTELY, FAST_HOURLY, FAST_DAILY... (default: ${DEFAULT-VALUE}).")
    String journalRoll;
    @Mixin
    FrontDoorBoundsOptions bounds = new FrontDoorBoundsOptions();

    @Option(names = "--seal-key-file",
        defaultValue = "${env:WHISK_SEAL_KEY_FILE:-${sys:user.home}/.config/whisk/seal.key}",
        description = "The key that seals webhook secrets and keys at rest, kept outside the data directory; created "
            + "0600 on first start (default: ${DEFAULT-VALUE}). WHISK_SEAL_KEY (base64 of 32 bytes) overrides it.")
    Path sealKeyFile;

    @Option(names = "--no-demo", negatable = false,
        description = "Do not deploy, invoke and delete the hello action.")
    boolean noDemo;

    @Override
    Standalone start() throws Exception
    {
        StandaloneConfig config = StandaloneConfig.defaults(dataDir.toAbsolutePath(), host, port);
        final String inlineKey = System.getenv("WHISK_SEAL_KEY");
        config = config.withSealKey(new SealKey(sealKeyFile, inlineKey == null || inlineKey.isBlank() ? null :
            inlineKey));
        if (memoryMb > 0)
        {
            config = config.withPool(config.pool().withMemoryBudgetMb(memoryMb));
        }
        config = config.withPool(config.pool().withPauseGraceMs(pauseGraceMs).withStemCells(
            stemCells.contains("none") ? List.of() : stemCells.stream().map(StemCell::parse).toList()));
        final ContainerPoolConfig p = config.pool();
        config = config.withPool(new ContainerPoolConfig(p.dockerHost(), p.network(), invokerLabel,
            runtimeImages(p.runtimeImages()), p.apiHost(), p.memoryBudgetMb(), p.dockerThreads(), p.logWaitMs(),
            p.idleTimeoutMs(),
            p.clientThreads(), p.stemCells(), p.pauseGraceMs(), p.maxWaiting()));
        config = config.withScheduler(config.scheduler().withJournal(journalRoll, minFreeMb * 1024 * 1024,
            config.scheduler().trimMs()));
        config = config.withFrontDoor(bounds.applyTo(config.frontDoor()).withRuntimeImages(
            config.pool().runtimeImages()));
        return new Standalone(config);
    }

    @Override
    void announce(final Standalone platform) throws Exception
    {
        final Credentials guest = platform.guestCredentials();
        final Path props = dataDir.toAbsolutePath().resolve("wskprops");
        guest.writeWskProps(props, platform.apiHost());
        final String homeNote = publishHomeProps(guest, Path.of(System.getProperty("user.home"), ".wskprops"),
            platform.apiHost());
        System.out.println("whisk standalone is listening on " + platform.apiHost() + "/api/v1");
        System.out.println("  namespace: guest");
        System.out.println("  AUTH:      " + guest.auth());
        System.out.println("  wskprops:  " + props + homeNote);
        if (!noDemo)
        {
            demo(platform.apiHost(), guest.auth());
        }
        System.out.println("Press Ctrl-C to stop.");
    }

    /**
     * Writes {@code home} (the user's {@code ~/.wskprops}) for this instance when it does not exist, and never
     * overwrites one: it may point at another instance the user relies on.
     *
     * @return what the banner says of it after the data directory's file: written, already pointing here, or left
     * alone and where it points instead.
     */
    static String publishHomeProps(final Credentials guest, final Path home, final String apiHost) throws IOException
    {
        if (!Files.exists(home))
        {
            guest.writeWskProps(home, apiHost);
            return " (and " + home + ", written now)";
        }
        final java.util.Properties existing = new java.util.Properties();
        try (java.io.Reader r = Files.newBufferedReader(home, StandardCharsets.UTF_8))
        {
            existing.load(r);
        }
        catch (final IOException | IllegalArgumentException unreadable)
        {
            return " (" + home + " left alone: it could not be read)";
        }
        final String otherHost = existing.getProperty("APIHOST", "").trim();
        final String otherAuth = existing.getProperty("AUTH", "").trim();
        if (otherHost.equals(apiHost) && otherAuth.equals(guest.auth()))
        {
            return " (and " + home + ", which already points here)";
        }
        return " (" + home + " left alone: it points at " + (otherHost.isEmpty() ? "no APIHOST" : otherHost) +
            (otherHost.equals(apiHost) ? " with another key" : "") + "; point clients at the file above with " +
            "--props or WSK_CONFIG_FILE)";
    }

    /** The default runtime images with {@code --nodejs-image} for every nodejs kind. */
    private java.util.Map<String, String> runtimeImages(final java.util.Map<String, String> defaults)
    {
        final java.util.Map<String, String> images = new java.util.HashMap<>(defaults);
        images.replaceAll((kind, image) -> kind.startsWith("nodejs") ? nodejsImage : image);
        return java.util.Map.copyOf(images);
    }

    /**
     * Deploys {@code hello} through the platform's own API, invokes it blocking, printing what a user sees, and
     * deletes it again: the demo leaves nothing in the user's namespace that a later {@code create hello} (a user's,
     * or a client library's tests) would trip on with 409.
     */
    private static void demo(final String apiHost, final String auth) throws Exception
    {
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        final String authHeader = "Basic " + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8));
        final String code = "function main(params) { return { greeting: 'Hello, ' + (params.name || 'world') + '!' }; }";
        final String action = "{\"exec\":{\"kind\":\"nodejs:default\",\"code\":" +
            com.fasterxml.jackson.databind.node.TextNode.valueOf(code) + "}}";
        final String url = apiHost + "/api/v1/namespaces/guest/actions/hello";
        final HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(url + "?overwrite=true"))
            .header("Authorization", authHeader).header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(action)).build(), HttpResponse.BodyHandlers.ofString());
        System.out.println("PUT  /api/v1/namespaces/guest/actions/hello -> " + put.statusCode());
        for (int i = 0; i < 2; i++)
        {
            final long start = System.nanoTime();
            final HttpResponse<String> run = http.send(HttpRequest.newBuilder(
                    URI.create(url + "?blocking=true&result=true"))
                .header("Authorization", authHeader).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"whisk\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
            final double ms = (System.nanoTime() - start) / 1e6;
            System.out.printf("POST /api/v1/namespaces/guest/actions/hello?blocking=true&result=true -> %d %s" +
                " (%s, %.1f ms)%n", run.statusCode(), run.body(), i == 0 ? "cold start" : "warm", ms);
        }
        final HttpResponse<String> delete = http.send(HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", authHeader).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        System.out.println("DELETE /api/v1/namespaces/guest/actions/hello -> " + delete.statusCode() +
            " (the demo leaves nothing behind)");
    }
}
