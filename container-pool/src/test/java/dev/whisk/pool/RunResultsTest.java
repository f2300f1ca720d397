package dev.whisk.pool;

import dev.whisk.core.activation.ActivationStatus;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class RunResultsTest
{
    private static RunResults.Classified run(final int status, final String body)
    {
        return RunResults.classifyRun(status, body.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(final byte[] b)
    {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void anObjectOrArrayAnsweredWith200IsASuccess()
    {
        assertThat(run(200, "{\"a\":1}").status()).isEqualTo(ActivationStatus.SUCCESS);
        assertThat(run(200, "[1,2]").status()).isEqualTo(ActivationStatus.SUCCESS);
        assertThat(text(run(200, "{\"a\":{\"error\":1}}").result())).isEqualTo("{\"a\":{\"error\":1}}");
    }

    @Test
    void aTopLevelErrorIsAnApplicationErrorKeepingOnlyTheError()
    {
        final RunResults.Classified c = run(200, "{\"error\":{\"why\":\"x\"},\"other\":1}");
        assertThat(c.status()).isEqualTo(ActivationStatus.APPLICATION_ERROR);
        assertThat(text(c.result())).isEqualTo("{\"error\":{\"why\":\"x\"}}");
    }

    @Test
    void non200OrNonJsonOrScalarIsADeveloperError()
    {
        assertThat(run(502, "{\"error\":\"An error has occurred: boom\"}").status())
            .isEqualTo(ActivationStatus.DEVELOPER_ERROR);
        assertThat(text(run(502, "{\"error\":\"An error has occurred: boom\"}").result()))
            .isEqualTo("{\"error\":\"An error has occurred: boom\"}");
        assertThat(text(run(200, "42").result()))
            .isEqualTo("{\"error\":\"The action did not produce a valid JSON or JSON Array response: 42\"}");
        assertThat(run(200, "{\"a\":").status()).isEqualTo(ActivationStatus.DEVELOPER_ERROR);
        assertThat(run(200, "").status()).isEqualTo(ActivationStatus.DEVELOPER_ERROR);
        assertThat(run(200, "{} {}").status()).isEqualTo(ActivationStatus.DEVELOPER_ERROR);
    }

    @Test
    void aResultOverOneMegabyteIsATruncatedApplicationError()
    {
        final String big = "{\"s\":\"" + "x".repeat(RunResults.MAX_RESULT_BYTES) + "\"}";
        final RunResults.Classified c = run(200, big);
        assertThat(c.status()).isEqualTo(ActivationStatus.APPLICATION_ERROR);
        assertThat(text(c.result())).startsWith(
            "{\"error\":\"The action produced a response that exceeded the allowed length: " + big.length() +
            " > 1048576 bytes. The truncated response was: {");
        assertThat(c.result().length).isLessThan(4096);
    }
}
