package dev.whisk.frontdoor.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.NamespaceLimits;
import dev.whisk.core.json.Json;
import dev.whisk.frontdoor.Exchange;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;

/** {@code GET /api/v1} and {@code GET /api/v1/namespaces}. */
public final class NamespacesApi
{
    private static final byte[] INFO = ("{\"description\":\"OpenWhisk API\",\"api_version\":\"1.0.0\"," +
        "\"api_version_path\":\"v1\",\"build\":\"whisk-java\",\"buildno\":\"0.1.0\"," +
        "\"swagger_paths\":{\"ui\":\"/docs\",\"api-docs\":\"/api/v1/api-docs\"}}").getBytes(StandardCharsets.UTF_8);

    public static byte[] info()
    {
        return INFO;
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
