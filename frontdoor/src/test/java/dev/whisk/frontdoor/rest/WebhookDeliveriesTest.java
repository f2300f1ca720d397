package dev.whisk.frontdoor.rest;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** A delivery is known for its window and then forgotten; memory stays bounded without forgetting early. */
class WebhookDeliveriesTest
{
    private final AtomicLong nowMs = new AtomicLong(1_000_000);

    @Test
    void aDeliveryIsAReplayWithinItsWindowOnly()
    {
        final WebhookDeliveries d = new WebhookDeliveries(300_000, 10, nowMs::get);
        assertThat(d.tryRecord("a")).isEqualTo(WebhookDeliveries.Outcome.NEW);
        assertThat(d.tryRecord("a")).isEqualTo(WebhookDeliveries.Outcome.REPLAYED);
        nowMs.addAndGet(299_999);
        assertThat(d.tryRecord("a")).isEqualTo(WebhookDeliveries.Outcome.REPLAYED);
        nowMs.addAndGet(1);
        assertThat(d.tryRecord("a")).isEqualTo(WebhookDeliveries.Outcome.NEW);
    }

    @Test
    void aFullTableRefusesNewDeliveriesUntilOldOnesLeaveTheWindow()
    {
        final WebhookDeliveries d = new WebhookDeliveries(1_000, 2, nowMs::get);
        assertThat(d.tryRecord("a")).isEqualTo(WebhookDeliveries.Outcome.NEW);
        assertThat(d.tryRecord("b")).isEqualTo(WebhookDeliveries.Outcome.NEW);
        assertThat(d.tryRecord("c")).isEqualTo(WebhookDeliveries.Outcome.FULL);
        assertThat(d.tryRecord("a")).as("still known, not forgotten to make room").isEqualTo(
            WebhookDeliveries.Outcome.REPLAYED);
        nowMs.addAndGet(1_000);
        assertThat(d.tryRecord("c")).isEqualTo(WebhookDeliveries.Outcome.NEW);
        assertThat(d.size()).isEqualTo(1);
    }

    @Test
    void aForgottenDeliveryMayComeAgain()
    {
        final WebhookDeliveries d = new WebhookDeliveries(1_000, 2, nowMs::get);
        d.tryRecord("a");
        d.forget("a");
        assertThat(d.tryRecord("a")).isEqualTo(WebhookDeliveries.Outcome.NEW);
    }

    @Test
    void aTimestampCountsWithinFiveMinutesEitherWay()
    {
        final long now = 1_700_000_000_000L;
        assertThat(WebhooksApi.isFresh("1700000000", now)).isTrue();
        assertThat(WebhooksApi.isFresh("1699999700", now)).isTrue();
        assertThat(WebhooksApi.isFresh("1699999699", now)).isFalse();
        assertThat(WebhooksApi.isFresh("1700000301", now)).isFalse();
        assertThat(WebhooksApi.isFresh("soon", now)).isFalse();
    }
}
