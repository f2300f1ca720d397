package dev.whisk.launcher.node;

import dev.whisk.frontdoor.FrontDoorConfig;
import dev.whisk.scheduler.SchedulerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** {@code whisk controller}: front door, scheduler and stores, for invokers in other processes or hosts. */
@Command(name = "controller", mixinStandardHelpOptions = true,
    description = "Run the controller: API, scheduler and stores; invokers join it over Aeron UDP.")
public final class ControllerCommand extends NodeCommand<Controller>
{
    @Option(names = "--host", defaultValue = "${env:WHISK_HOST:-127.0.0.1}", description = "API address.")
    String host;

    @Option(names = "--port", defaultValue = "${env:WHISK_PORT:-3233}", description = "API port.")
    int port;

    @Option(names = "--data-dir", defaultValue = "${env:WHISK_DATA_DIR:-${sys:user.home}/.whisk-controller}",
        description = "Journal, stores and credentials.")
    Path dataDir;

    @Option(names = "--completions", defaultValue = "${env:WHISK_COMPLETIONS:-127.0.0.1:24001}",
        description = "host:port (UDP) where invokers send heartbeats, results and completions.")
    String completions;

    @Option(names = "--code-endpoint", defaultValue = "${env:WHISK_CODE_ENDPOINT:-127.0.0.1:3234}",
        description = "host:port (HTTP) where invokers fetch action code.")
    String codeEndpoint;

    @Option(names = "--invoker-token", defaultValue = "${env:WHISK_INVOKER_TOKEN}", required = true,
        description = "Shared secret invokers present to fetch code (at least 16 characters).")
    String token;

    @Option(names = "--invokers", defaultValue = "${env:WHISK_INVOKERS:-64}", description = "Invoker ids 0..n-1.")
    int capacity;

    @Option(names = "--silence-ms", defaultValue = "${env:WHISK_SILENCE_MS:-2000}",
        description = "An invoker silent this long is routed around.")
    long silenceMs;

    @Option(names = "--blackbox-fraction", defaultValue = "${env:WHISK_BLACKBOX_FRACTION:-0.1}",
        description = "Share of the invokers (the last ones) that run blackbox (user image) actions.")
    double blackboxFraction;

    @Option(names = "--idle-park-us", defaultValue = "${env:WHISK_IDLE_PARK_US:-100}",
        description = "Longest idle park of the Aeron threads, µs: lower answers invokers sooner, costs idle CPU.")
    long idleParkUs;

    @Mixin
    FrontDoorBoundsOptions bounds = new FrontDoorBoundsOptions();

    @Override
    Controller start() throws Exception
    {
        final FrontDoorConfig d = FrontDoorConfig.defaults();
        final Path dir = dataDir.toAbsolutePath();
        final int colon = codeEndpoint.lastIndexOf(':');
        return new Controller(new Controller.Config(dir,
            bounds.applyTo(new FrontDoorConfig(host, port, d.ioThreads(), d.maxBodyBytes(), d.maxInvokeBodyBytes(),
                d.maxBlockingWaitMs())),
            SchedulerConfig.defaults(dir.resolve("journal")), completions,
            new InetSocketAddress(codeEndpoint.substring(0, colon), Integer.parseInt(codeEndpoint.substring(colon + 1))),
            token, capacity, silenceMs, blackboxFraction, TimeUnit.MICROSECONDS.toNanos(idleParkUs)));
    }

    @Override
    void announce(final Controller controller) throws Exception
    {
        final Path dir = dataDir.toAbsolutePath();
        controller.guestCredentials().writeWskProps(dir.resolve("wskprops"), controller.apiHost());
        System.out.println("whisk controller is listening on " + controller.apiHost() + "/api/v1");
        System.out.println("  AUTH:        " + controller.guestAuth());
        System.out.println("  completions: udp " + completions + ", code: http://" + codeEndpoint);
    }
}
