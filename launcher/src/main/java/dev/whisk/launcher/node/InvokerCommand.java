package dev.whisk.launcher.node;

import dev.whisk.pool.ContainerPoolConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.TimeUnit;

/** {@code whisk invoker}: one invoker process joining a controller. */
@Command(name = "invoker", mixinStandardHelpOptions = true,
    description = "Run an invoker: containers for the controller's activations, over Aeron UDP.")
public final class InvokerCommand extends NodeCommand<InvokerNode>
{
    @Option(names = "--id", defaultValue = "${env:WHISK_INVOKER_ID:-0}", description = "Invoker id, unique.")
    int id;

    @Option(names = "--listen", defaultValue = "${env:WHISK_INVOKER_LISTEN:-127.0.0.1:24100}",
        description = "host:port (UDP) this invoker takes requests on; must be reachable from the controller.")
    String listen;

    @Option(names = "--controller", defaultValue = "${env:WHISK_COMPLETIONS:-127.0.0.1:24001}",
        description = "The controller's completion endpoint, host:port (UDP).")
    String controller;

    @Option(names = "--code-url", defaultValue = "${env:WHISK_CODE_URL:-http://127.0.0.1:3234}",
        description = "The controller's code endpoint.")
    String codeUrl;

    @Option(names = "--invoker-token", defaultValue = "${env:WHISK_INVOKER_TOKEN}", required = true,
        description = "The shared secret of the controller's code endpoint.")
    String token;

    @Option(names = "--memory-mb", defaultValue = "${env:WHISK_MEMORY_MB:-0}",
        description = "Container memory budget (default: half the machine).")
    int memoryMb;

    @Option(names = "--api-host", defaultValue = "${env:WHISK_API_HOST:-http://127.0.0.1:3233}",
        description = "What actions see as __OW_API_HOST.")
    String apiHost;

    @Option(names = "--idle-park-us", defaultValue = "${env:WHISK_IDLE_PARK_US:-100}",
        description = "Longest idle park of the Aeron threads, µs: lower notices requests sooner, costs idle CPU.")
    long idleParkUs;

    @Override
    InvokerNode start()
    {
        ContainerPoolConfig pool = ContainerPoolConfig.defaults("invoker-" + id, apiHost);
        if (memoryMb > 0)
        {
            pool = pool.withMemoryBudgetMb(memoryMb);
        }
        return new InvokerNode(new InvokerNode.Config(id, listen, controller, codeUrl, token, pool, 500,
            TimeUnit.MICROSECONDS.toNanos(idleParkUs)));
    }

    @Override
    void announce(final InvokerNode node)
    {
        System.out.println("whisk invoker " + id + " takes requests on udp " + listen + ", controller " + controller);
    }
}
