package dev.whisk.pool;

import org.junit.jupiter.api.Test;

import static dev.whisk.pool.PooledContainer.State.BUSY;
import static dev.whisk.pool.PooledContainer.State.IDLE;
import static dev.whisk.pool.PooledContainer.State.PAUSED;
import static dev.whisk.pool.PooledContainer.State.PREWARMED;
import static dev.whisk.pool.PooledContainer.State.REMOVING;
import static dev.whisk.pool.PooledContainer.State.STARTING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A container's lifecycle, as OpenWhisk's ContainerProxy has it: the moves the pool may make, and no other. */
class ContainerStatesTest
{
    @Test
    void aStemCellIsTakenForAnActionThenRunsIdlesPausesAndIsResumedForItsNextJob()
    {
        final PooledContainer c = new PooledContainer(1, "nodejs:20", 256, null);
        for (final PooledContainer.State next : new PooledContainer.State[] {PREWARMED, STARTING, BUSY, IDLE, PAUSED,
            BUSY, IDLE, REMOVING})
        {
            c.moveTo(next);
            assertThat(c.state).isEqualTo(next);
        }
    }

    @Test
    void aPausedContainerCannotBecomeIdleWithoutAJobNorARemovedOneComeBack()
    {
        final PooledContainer c = new PooledContainer(1, "nodejs:20", 256, null);
        c.moveTo(IDLE);
        c.moveTo(PAUSED);
        assertThatThrownBy(() -> c.moveTo(IDLE)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("PAUSED -> IDLE");
        c.moveTo(REMOVING);
        for (final PooledContainer.State any : PooledContainer.State.values())
        {
            assertThat(REMOVING.canBecome(any)).as("REMOVING -> %s", any).isFalse();
        }
        assertThat(BUSY.canBecome(PAUSED)).as("a container is never frozen mid-run").isFalse();
        assertThat(PREWARMED.canBecome(BUSY)).as("a stem cell is initialized before it runs").isFalse();
    }
}
