package dev.whisk.frontdoor.api;

import dev.whisk.core.entity.Identity;
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

    /** A key selects one namespace: the list has exactly that one. */
    public void list(final Exchange ex, final Identity identity)
    {
        ex.sendJson(HttpResponseStatus.OK, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode()
            .add(identity.namespace()).toString().getBytes(StandardCharsets.UTF_8));
    }
}
