package dev.whisk.frontdoor;

import dev.whisk.core.entity.NamespaceLimits;
import dev.whisk.frontdoor.invoke.Admission;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Admission control on the test thread with an explicit clock. */
class AdmissionTest
{
    private static final long MINUTE_MS = 60_000;

    @Test
    void refusesTheInvokeOverThePerMinuteLimitUntilTheNextMinute()
    {
        final Admission admission = new Admission();
        final NamespaceLimits limits = new NamespaceLimits(3, 100, 60);
        final long t0 = 10 * MINUTE_MS + 5;
        for (int i = 0; i < 3; i++)
        {
            assertThat(admission.tryAdmit("ns", limits, t0 + i)).isEqualTo(Admission.Decision.ADMITTED);
        }
        assertThat(admission.tryAdmit("ns", limits, t0 + 10)).isEqualTo(Admission.Decision.TOO_MANY_PER_MINUTE);
        assertThat(admission.refusal(Admission.Decision.TOO_MANY_PER_MINUTE, "ns", limits).getMessage())
            .isEqualTo("Too many requests in the last minute (count: 3, allowed: 3).");
        assertThat(ApiError.statusOf(admission.refusal(Admission.Decision.TOO_MANY_PER_MINUTE, "ns", limits).kind())
            .code())
            .isEqualTo(429);
        assertThat(admission.tryAdmit("other", limits, t0 + 10)).isEqualTo(Admission.Decision.ADMITTED);
        assertThat(admission.tryAdmit("ns", limits, t0 + MINUTE_MS)).isEqualTo(Admission.Decision.ADMITTED);
    }

    @Test
    void refusesTheInvokeOverTheConcurrentLimitUntilOneCompletes()
    {
        final Admission admission = new Admission();
        final NamespaceLimits limits = new NamespaceLimits(1000, 2, 60);
        assertThat(admission.tryAdmit("ns", limits, 0)).isEqualTo(Admission.Decision.ADMITTED);
        assertThat(admission.tryAdmit("ns", limits, 1)).isEqualTo(Admission.Decision.ADMITTED);
        assertThat(admission.tryAdmit("ns", limits, 2)).isEqualTo(Admission.Decision.TOO_MANY_CONCURRENT);
        assertThat(admission.refusal(Admission.Decision.TOO_MANY_CONCURRENT, "ns", limits).getMessage())
            .isEqualTo("Too many concurrent requests in flight (count: 2, allowed: 2).");
        assertThat(admission.inFlight("ns")).isEqualTo(2);

        admission.release("ns");
        assertThat(admission.inFlight("ns")).isEqualTo(1);
        assertThat(admission.tryAdmit("ns", limits, 3)).isEqualTo(Admission.Decision.ADMITTED);
    }

    @Test
    void aNamespaceWithZeroLimitsIsBlocked()
    {
        final Admission admission = new Admission();
        assertThat(admission.tryAdmit("ns", new NamespaceLimits(0, 10, 0), 0))
            .isEqualTo(Admission.Decision.TOO_MANY_PER_MINUTE);
        assertThat(admission.tryAdmit("ns", new NamespaceLimits(10, 0, 0), 0))
            .isEqualTo(Admission.Decision.TOO_MANY_CONCURRENT);
        assertThat(admission.inFlight("ns")).isZero();
    }

    @Test
    void aZeroPerMinuteLimitRefusesEvenTheFirstInvokeOfAMinute()
    {
        final Admission admission = new Admission();
        final NamespaceLimits zero = new NamespaceLimits(0, 10, 0);
        assertThat(admission.tryAdmit("ns", zero, 7 * MINUTE_MS + 1)).isEqualTo(Admission.Decision.TOO_MANY_PER_MINUTE);
        assertThat(admission.tryFire("ns", zero, 7 * MINUTE_MS + 1)).isEqualTo(Admission.Decision.TOO_MANY_PER_MINUTE);
    }

    @Test
    void firesHaveTheirOwnPerMinuteWindow()
    {
        final Admission admission = new Admission();
        final NamespaceLimits limits = new NamespaceLimits(1, 10, 2);
        final long t = 3 * MINUTE_MS;
        assertThat(admission.tryAdmit("ns", limits, t)).isEqualTo(Admission.Decision.ADMITTED);
        assertThat(admission.tryFire("ns", limits, t)).isEqualTo(Admission.Decision.ADMITTED);
        assertThat(admission.tryFire("ns", limits, t)).isEqualTo(Admission.Decision.ADMITTED);
        assertThat(admission.tryFire("ns", limits, t)).isEqualTo(Admission.Decision.TOO_MANY_PER_MINUTE);
        assertThat(admission.fireRefusal("ns", limits).getMessage())
            .isEqualTo("Too many requests in the last minute (count: 2, allowed: 2).");
        assertThat(admission.tryFire("ns", limits, t + MINUTE_MS)).isEqualTo(Admission.Decision.ADMITTED);
        assertThat(admission.inFlight("ns")).isEqualTo(1);
    }

    @Test
    void inFlightNeverGoesBelowZero()
    {
        final Admission admission = new Admission();
        admission.tryAdmit("ns", NamespaceLimits.DEFAULT, 0);
        admission.release("ns");
        admission.release("ns");
        admission.release("unknown");
        assertThat(admission.inFlight("ns")).isZero();
    }
}
