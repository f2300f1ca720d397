package dev.whisk.pool;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StemCellParseTest
{
    @Test
    void aKindWithAColonIsParsedFromTheRight()
    {
        assertThat(StemCell.parse("nodejs:20:256:2")).isEqualTo(new StemCell("nodejs:20", 256, 2));
    }

    @Test
    void malformedOrOutOfRangeStemCellsAreRefusedWithTheBadValue()
    {
        assertThatThrownBy(() -> StemCell.parse("nodejs")).hasMessageContaining("'nodejs'");
        assertThatThrownBy(() -> StemCell.parse("nodejs:20:big:2")).hasMessageContaining("nodejs:20:big:2");
        assertThatThrownBy(() -> StemCell.parse("nodejs:20:64:2")).hasMessageContaining("64 MB");
    }
}
