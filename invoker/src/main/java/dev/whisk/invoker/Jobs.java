package dev.whisk.invoker;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.entity.KeySeal;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.pool.Job;
import dev.whisk.pool.RunOutcome;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Conversions between wire requests, pool jobs and activation records. */
final class Jobs
{
    private Jobs()
    {
    }

    static Job fromRequest(final InvokeRequest r, final KeySeal seal)
    {
        String key = null;
        try
        {
            key = r.apiKey == null ? null : seal.open(r.apiKey);
        }
        catch (final IllegalArgumentException ex)
        {
            // Sealed under another key (a controller whose invokers were given another token): the run goes
            // ahead without the key, as it would without provide-api-key, rather than not at all.
            org.slf4j.LoggerFactory.getLogger(Jobs.class).warn("event=key-unsealable activationId={}",
                r.activationId());
        }
        final byte[] params = (r.flags & InvokeRequest.FLAG_AUTH_KEY_PARAM) != 0 && key != null ?
            withAuthKey(r.params, key) : r.params;
        final String apiKey = (r.flags & InvokeRequest.FLAG_PROVIDE_API_KEY) != 0 ? key : null;
        return new Job(r.activationId(), r.namespace, r.subject, r.actionPath, r.actionVersion, r.revision, r.kind,
            new ActionLimits(r.timeoutMs, r.memoryMb, r.logsMb, r.concurrency), params, r.acceptedMs, apiKey,
            r.cause, r.isBlocking(), null);
    }

    /**
     * {@code params} (a JSON object's text) with {@code authKey} set last, so it wins over any field of that name,
     * as the feed arguments wsk passes do. A feed run only: never on the path of an ordinary invoke.
     */
    static byte[] withAuthKey(final byte[] params, final String key)
    {
        final com.fasterxml.jackson.databind.node.ObjectNode args;
        try
        {
            final com.fasterxml.jackson.databind.JsonNode parsed = params == null || params.length == 0 ? null :
                dev.whisk.core.json.Json.MAPPER.readTree(params);
            args = parsed instanceof com.fasterxml.jackson.databind.node.ObjectNode o ? o :
                dev.whisk.core.json.Json.MAPPER.createObjectNode();
        }
        catch (final java.io.IOException ex)
        {
            throw new IllegalArgumentException("feed params are not a JSON object", ex);
        }
        args.remove("authKey");
        args.put("authKey", key);
        return args.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Activation activation(final Job job, final RunOutcome o, final List<String> logs)
    {
        final String path = job.actionPath();
        final String name = path.substring(path.lastIndexOf('/') + 1);
        final int waitTimeMs = (int)Math.max(0, o.startMs() - job.acceptedMs());
        return new Activation(job.activationId(), job.namespace(), job.subject(), name, job.version(), path,
            job.kind(), o.startMs(), Math.max(o.endMs(), o.startMs()), job.cause(), o.status(), o.result(), logs,
            job.limits(), o.timedOut(), waitTimeMs, o.initTimeMs());
    }
}
