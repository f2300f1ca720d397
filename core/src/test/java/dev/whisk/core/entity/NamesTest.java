package dev.whisk.core.entity;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NamesTest
{
    @Test
    void namesFollowOpenWhisksPattern()
    {
        assertThat(EntityName.isValid("hello")).isTrue();
        assertThat(EntityName.isValid("a")).isTrue();
        assertThat(EntityName.isValid("hello world@x.y&z-1")).isTrue();
        assertThat(EntityName.isValid("trailing ")).isFalse();
        assertThat(EntityName.isValid(" leading")).isFalse();
        assertThat(EntityName.isValid("slash/no")).isFalse();
        assertThat(EntityName.isValid("")).isFalse();
        assertThat(EntityName.isValid("x".repeat(256))).isTrue();
        assertThat(EntityName.isValid("x".repeat(257))).isFalse();
    }

    @Test
    void qualifiedNamesResolveTheDefaultNamespace()
    {
        assertThat(FullyQualifiedName.parse("/_/pkg/a", "guest").path()).isEqualTo("guest/pkg/a");
        assertThat(FullyQualifiedName.parse("a", "guest").qualifiedName()).isEqualTo("/guest/a");
        assertThat(FullyQualifiedName.parse("pkg/a", "guest").entityPath()).isEqualTo("guest/pkg");
        assertThatThrownBy(() -> FullyQualifiedName.parse("/a/b/c/d", "guest"))
            .isInstanceOf(IllegalArgumentException.class).hasMessage(Messages.ILLEGAL_NAME);
    }

    @Test
    void binaryIsInferredFromTheCodeNotTakenFromTheClient()
    {
        assertThat(Exec.isBinary("UEsDBBQAAAAIAA==")).isTrue();
        assertThat(Exec.isBinary("function main() {}")).isFalse();
        assertThat(Exec.isBinary("abc")).isFalse();
        assertThat(Exec.isBinary("   ")).isFalse();
    }
}
