package dev.whisk.frontdoor.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.NamespaceLimits;
import dev.whisk.core.json.Json;
import dev.whisk.frontdoor.Exchange;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;

/** {@code GET /}, {@code GET /api/v1} and {@code GET /api/v1/namespaces}. */
public final class NamespacesApi
{
    private static final String BUILD = "whisk-java";
    private static final String BUILD_NUMBER = "0.1.0";
    private static final String API_PATH = "/api/v1";
    private static final byte[] INFO = ("{\"description\":\"OpenWhisk API\",\"api_version\":\"1.0.0\"," +
        "\"api_version_path\":\"v1\",\"build\":\"" + BUILD + "\",\"buildno\":\"" + BUILD_NUMBER + "\"," +
        "\"swagger_paths\":{\"ui\":\"/docs\",\"api-docs\":\"/api/v1/api-docs\"}}").getBytes(StandardCharsets.UTF_8);

    private final byte[] deployment;

    /** With the default runtime images. */
    public NamespacesApi()
    {
        this(dev.whisk.frontdoor.FrontDoorConfig.DEFAULT_RUNTIME_IMAGES);
    }

    /** @param runtimeImages runtime kind to the image its actions run on, as {@code GET /} lists them. */
    public NamespacesApi(final java.util.Map<String, String> runtimeImages)
    {
        this.deployment = deploymentInfo(runtimeImages);
    }

    /** {@code GET /api/v1}: the API version, as OpenWhisk's controller answers it. */
    public static byte[] info()
    {
        return INFO;
    }

    /**
     * {@code GET /}: the deployment's description, as OpenWhisk's controller answers it (its API paths, the default
     * namespace limits, the runtimes by family with kind and image), with the build of {@code GET /api/v1}. Clients
     * ask for it to learn which kinds exist.
     */
    public byte[] deployment()
    {
        return deployment;
    }

    private static byte[] deploymentInfo(final java.util.Map<String, String> runtimeImages)
    {
        final ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("description", "OpenWhisk");
        out.putObject("support").put("github", "https://github.com/apache/openwhisk/issues")
            .put("slack", "http://slack.openwhisk.org");
        out.putArray("api_paths").add(API_PATH);
        final NamespaceLimits d = NamespaceLimits.DEFAULT;
        final long mb = 1024L * 1024;
        out.putObject("limits")
            .put("actions_per_minute", d.invocationsPerMinute())
            .put("triggers_per_minute", d.firesPerMinute())
            .put("concurrent_actions", d.concurrentInvocations())
            .put("sequence_length", ActionDocs.MAX_SEQUENCE_ACTIONS)
            .put("min_action_duration", ActionDocs.MIN_TIMEOUT_MS)
            .put("max_action_duration", ActionDocs.MAX_TIMEOUT_MS)
            .put("min_action_memory", ActionDocs.MIN_MEMORY_MB * mb)
            .put("max_action_memory", ActionDocs.MAX_MEMORY_MB * mb)
            .put("min_action_logs", ActionDocs.MIN_LOGS_MB * mb)
            .put("max_action_logs", ActionDocs.MAX_LOGS_MB * mb);
        final ObjectNode runtimes = out.putObject("runtimes");
        for (final String kind : new java.util.TreeSet<>(runtimeImages.keySet()))
        {
            final int colon = kind.indexOf(':');
            final String family = colon > 0 ? kind.substring(0, colon) : kind;
            final com.fasterxml.jackson.databind.node.ArrayNode versions = runtimes.has(family) ?
                (com.fasterxml.jackson.databind.node.ArrayNode)runtimes.get(family) : runtimes.putArray(family);
            versions.addObject()
                .put("kind", kind)
                .put("image", runtimeImages.get(kind))
                .put("deprecated", false)
                .put("default", kind.equals(ActionDocs.DEFAULT_NODEJS))
                .put("attached", false)
                .put("requireMain", false);
        }
        out.put("build", BUILD);
        out.put("buildno", BUILD_NUMBER);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code GET /namespaces/{ns}/limits}: the namespace's throttles and the action limit ranges it may use. */
    public void limits(final Exchange ex, final Identity identity)
    {
        final NamespaceLimits l = identity.limits();
        final ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("invocationsPerMinute", l.invocationsPerMinute());
        out.put("concurrentInvocations", l.concurrentInvocations());
        out.put("firesPerMinute", l.firesPerMinute());
        out.put("maxActionInstances", l.concurrentInvocations());
        out.put("minActionMemory", ActionDocs.MIN_MEMORY_MB);
        out.put("maxActionMemory", ActionDocs.maxMemoryMb(l));
        out.put("minActionLogs", ActionDocs.MIN_LOGS_MB);
        out.put("maxActionLogs", ActionDocs.maxLogsMb(l));
        out.put("minActionTimeout", ActionDocs.MIN_TIMEOUT_MS);
        out.put("maxActionTimeout", ActionDocs.maxTimeoutMs(l));
        out.put("minActionConcurrency", ActionDocs.MIN_CONCURRENCY);
        out.put("maxActionConcurrency", ActionDocs.maxConcurrency(l));
        out.put("maxParameterSize", ActionDocs.MAX_PARAMETER_BYTES / (1024 * 1024) + " MB");
        ex.sendJson(HttpResponseStatus.OK, out.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A key selects one namespace: the list has exactly that one. */
    public void list(final Exchange ex, final Identity identity)
    {
        ex.sendJson(HttpResponseStatus.OK, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode()
            .add(identity.namespace()).toString().getBytes(StandardCharsets.UTF_8));
    }
}
