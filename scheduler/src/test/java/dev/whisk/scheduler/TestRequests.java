package dev.whisk.scheduler;

import dev.whisk.core.wire.InvokeRequest;

/** The invoke requests the scheduler's tests journal and dispatch: guest's nodejs:20 action {@code guest/a}. */
final class TestRequests
{
    private TestRequests()
    {
    }

    /** A request with activation id {@code hi}:{@code lo} and {@code params}, 256 MB, 1 s, concurrency 1. */
    static InvokeRequest request(final long hi, final long lo, final byte[] params)
    {
        final InvokeRequest r = new InvokeRequest();
        r.idHi = hi;
        r.idLo = lo;
        r.namespace = "guest";
        r.subject = "guest";
        r.actionPath = "guest/a";
        r.actionVersion = "0.0.1";
        r.kind = "nodejs:20";
        r.timeoutMs = 1000;
        r.memoryMb = 256;
        r.logsMb = 10;
        r.concurrency = 1;
        r.params = params;
        return r;
    }
}
