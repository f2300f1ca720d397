package dev.whisk.invoker;

import dev.whisk.core.wire.InvokeRequest;

import java.nio.charset.StandardCharsets;

/** Invoke requests as the scheduler sends them. */
final class Requests
{
    private Requests()
    {
    }

    static InvokeRequest request(final long idLo, final boolean blocking, final String params)
    {
        final InvokeRequest r = new InvokeRequest();
        r.idHi = 0x1234;
        r.idLo = idLo;
        r.acceptedMs = 1_700_000_000_000L;
        r.revision = 4;
        r.timeoutMs = 60_000;
        r.memoryMb = 256;
        r.logsMb = 10;
        r.concurrency = 1;
        r.flags = blocking ? InvokeRequest.FLAG_BLOCKING : 0;
        r.namespace = "guest";
        r.subject = "guest";
        r.actionPath = "guest/pkg/hello";
        r.actionVersion = "0.0.2";
        r.kind = "nodejs:20";
        r.cause = null;
        r.params = params.getBytes(StandardCharsets.UTF_8);
        return r;
    }
}
