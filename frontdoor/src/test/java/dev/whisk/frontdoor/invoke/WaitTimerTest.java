package dev.whisk.frontdoor.invoke;

import io.netty.channel.DefaultEventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class WaitTimerTest
{
    private final DefaultEventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stop()
    {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void anAnsweredCallersWaitTimerIsCancelledSoNothingOfTheRequestStaysQueuedForTheRestOfTheWait()
    {
        final WaitTimer timer = new WaitTimer();
        final ScheduledFuture<?> wait = loop.schedule(() -> { }, 60, TimeUnit.SECONDS);
        timer.set(wait);

        timer.cancel();

        assertThat(wait.isCancelled()).isTrue();
    }

    @Test
    void aTimerSetAfterTheAnswerCameIsCancelledAtOnce()
    {
        final WaitTimer timer = new WaitTimer();
        timer.cancel();
        final ScheduledFuture<?> wait = loop.schedule(() -> { }, 60, TimeUnit.SECONDS);

        timer.set(wait);

        assertThat(wait.isCancelled()).isTrue();
    }

    @Test
    void aCallerNotYetAnsweredKeepsItsTimer()
    {
        final WaitTimer timer = new WaitTimer();
        final ScheduledFuture<?> wait = loop.schedule(() -> { }, 60, TimeUnit.SECONDS);

        timer.set(wait);

        assertThat(wait.isCancelled()).isFalse();
        wait.cancel(false);
    }
}
