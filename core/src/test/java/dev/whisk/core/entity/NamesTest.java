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

    /** OpenWhisk's pattern for simple names, the specification the hand-written check must agree with. */
    private static final java.util.regex.Pattern SPEC =
        java.util.regex.Pattern.compile("\\A([\\w]|[\\w][\\w@ .&-]{0,254}[\\w@.&-])\\z");

    @Test
    void theHandWrittenCheckAgreesWithOpenWhisksPatternOnEdgeCasesAndRandomNames()
    {
        final String[] edges = {"", "a", "_", "-", " ", "a ", " a", "a b", "a-", "a@", "a.", "a&", "a$", "é", "aé",
            "a/b", "a\tb", "1", "a".repeat(256), "a".repeat(257), "a" + " ".repeat(254) + "b", "ab\n"};
        for (final String name : edges)
        {
            org.assertj.core.api.Assertions.assertThat(EntityName.isValid(name)).as("'%s'", name)
                .isEqualTo(SPEC.matcher(name).matches());
        }
        final java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        final String alphabet = "aZ09_@ .&-$/é\t";
        for (int i = 0; i < 20_000; i++)
        {
            final int length = random.nextInt(1, 8);
            final StringBuilder name = new StringBuilder(length);
            for (int k = 0; k < length; k++)
            {
                name.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            org.assertj.core.api.Assertions.assertThat(EntityName.isValid(name.toString())).as("'%s'", name)
                .isEqualTo(SPEC.matcher(name).matches());
        }
    }
}
