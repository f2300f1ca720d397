package dev.whisk.core.entity;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeySealTest
{
    private static final String KEY = "23bc46b1-71f6-4ed5-8c54-816aa4f8c502:" +
        "123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP";

    @Test
    void aSealedKeyOpensToItselfAndShowsNothingOfIt()
    {
        final KeySeal seal = KeySeal.ephemeral();
        final String sealed = seal.seal(KEY);
        assertThat(sealed).startsWith(KeySeal.PREFIX).doesNotContain(KEY).doesNotContain(KEY.substring(37));
        assertThat(seal.seal(KEY)).as("a fresh nonce each time").isNotEqualTo(sealed);
        assertThat(seal.open(sealed)).isEqualTo(KEY);
        assertThat(seal.seal(null)).isNull();
        assertThat(seal.open(null)).isNull();
    }

    @Test
    void valuesFromBeforeSealingPassThroughAndForeignOrAlteredOnesAreRefused()
    {
        final KeySeal seal = KeySeal.derivedFrom("a shared invoker token");
        assertThat(seal.open(KEY)).isEqualTo(KEY);
        assertThat(KeySeal.derivedFrom("a shared invoker token").open(seal.seal(KEY))).as("same secret, same key")
            .isEqualTo(KEY);
        assertThatThrownBy(() -> KeySeal.ephemeral().open(seal.seal(KEY)))
            .isInstanceOf(IllegalArgumentException.class);
        final String sealed = seal.seal(KEY);
        final char last = sealed.charAt(sealed.length() - 3);
        final String altered = sealed.substring(0, sealed.length() - 3) + (last == 'A' ? 'B' : 'A') +
            sealed.substring(sealed.length() - 2);
        assertThatThrownBy(() -> seal.open(altered)).isInstanceOf(IllegalArgumentException.class);
    }
}
