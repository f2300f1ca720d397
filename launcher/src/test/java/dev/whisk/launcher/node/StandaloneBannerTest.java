package dev.whisk.launcher.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What the start-up banner says of the user's {@code ~/.wskprops}: only the truth, and the file is never clobbered. */
class StandaloneBannerTest
{
    private static final String API_HOST = "http://127.0.0.1:3233";
    private final Credentials guest = new Credentials("guest", "11111111-2222-3333-4444-555555555555", "k".repeat(64));

    @TempDir
    Path home;

    @Test
    void aMissingFileIsWrittenAndTheBannerSaysSo() throws Exception
    {
        final Path props = home.resolve(".wskprops");
        assertThat(StandaloneCommand.publishHomeProps(guest, props, API_HOST))
            .isEqualTo(" (and " + props + ", written now)");
        assertThat(Files.readString(props)).contains("APIHOST=" + API_HOST).contains("AUTH=" + guest.auth());
    }

    @Test
    void aFileThatAlreadyPointsHereIsSaidToPointHere() throws Exception
    {
        final Path props = home.resolve(".wskprops");
        guest.writeWskProps(props, API_HOST);
        assertThat(StandaloneCommand.publishHomeProps(guest, props, API_HOST))
            .isEqualTo(" (and " + props + ", which already points here)");
    }

    @Test
    void aFilePointingAtAnotherInstanceIsLeftAloneAndTheBannerSaysWhere() throws Exception
    {
        final Path props = home.resolve(".wskprops");
        final String other = "APIHOST=http://10.0.0.9:3233\nAUTH=someone:else\nNAMESPACE=guest\n";
        Files.writeString(props, other, StandardCharsets.UTF_8);
        final String note = StandaloneCommand.publishHomeProps(guest, props, API_HOST);
        assertThat(note).startsWith(" (" + props + " left alone: it points at http://10.0.0.9:3233;")
            .doesNotContain("(and ");
        assertThat(Files.readString(props)).isEqualTo(other);

        Files.writeString(props, "APIHOST=" + API_HOST + "\nAUTH=someone:else\n", StandardCharsets.UTF_8);
        assertThat(StandaloneCommand.publishHomeProps(guest, props, API_HOST))
            .startsWith(" (" + props + " left alone: it points at " + API_HOST + " with another key;");
    }
}
