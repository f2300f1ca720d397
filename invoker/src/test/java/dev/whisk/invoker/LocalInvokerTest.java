package dev.whisk.invoker;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.entity.KeySeal;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.core.wire.MessageHeader;
import dev.whisk.pool.Job;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The invoker in the controller's process: a dispatched request becomes a job for its pool, and the job's result and
 * completion reach the completion agent as activation records, by plain calls, without Docker.
 */
class LocalInvokerTest
{
    private final FakePool pool = new FakePool();
    private final KeySeal seal = KeySeal.ephemeral();
    private final List<Delivered> delivered = new ArrayList<>();
    private final LocalInvoker invoker = new LocalInvoker(new LocalInvoker.Context().invokerId(3).seal(seal)
        .completions((template, invokerId, activation) -> delivered.add(new Delivered(template, invokerId,
            activation)))
        .jobs(pool::attach));

    record Delivered(short template, int invokerId, Activation activation)
    {
    }

    @Test
    void aDispatchedRequestBecomesOneJobWithWhatTheRequestSays()
    {
        invoker.start();
        dispatch(Requests.request(7, true, "{\"name\":\"Ada\"}"));

        assertThat(pool.started).isTrue();
        assertThat(pool.jobs).hasSize(1);
        final Job job = pool.jobs.get(0);
        assertThat(job.activationId()).isEqualTo(Requests.request(7, true, "{}").activationId());
        assertThat(job.namespace()).isEqualTo("guest");
        assertThat(job.actionPath()).isEqualTo("guest/pkg/hello");
        assertThat(job.version()).isEqualTo("0.0.2");
        assertThat(job.revision()).isEqualTo(4);
        assertThat(job.kind()).isEqualTo("nodejs:20");
        assertThat(job.limits()).isEqualTo(new ActionLimits(60_000, 256, 10, 1));
        assertThat(new String(job.params(), StandardCharsets.UTF_8)).isEqualTo("{\"name\":\"Ada\"}");
        assertThat(job.blocking()).isTrue();
        assertThat(job.apiKey()).as("no key unless the action asks for it").isNull();
    }

    @Test
    void aKeyIsOpenedWithTheSealOnlyForAnActionThatAsksForIt()
    {
        final InvokeRequest asks = Requests.request(8, false, "{}");
        asks.apiKey = seal.seal("uuid:secret");
        asks.flags |= InvokeRequest.FLAG_PROVIDE_API_KEY;
        final InvokeRequest doesNotAsk = Requests.request(9, false, "{}");
        doesNotAsk.apiKey = seal.seal("uuid:secret");

        dispatch(asks);
        dispatch(doesNotAsk);

        assertThat(pool.jobs).extracting(Job::apiKey).containsExactly("uuid:secret", null);
    }

    @Test
    void aBlockingRunAnswersWithItsResultFirstThenItsWholeRecord()
    {
        dispatch(Requests.request(10, true, "{}"));
        final Job job = pool.jobs.get(0);

        pool.finish(job, "{\"greeting\":\"hi\"}", List.of("one log line"));

        assertThat(delivered).extracting(Delivered::template)
            .containsExactly(MessageHeader.RESULT, MessageHeader.COMPLETION);
        assertThat(delivered).extracting(Delivered::invokerId).containsOnly(3);
        final Activation result = delivered.get(0).activation();
        final Activation record = delivered.get(1).activation();
        assertThat(result.logs()).as("a result does not wait for logs").isEmpty();
        assertThat(record.logs()).containsExactly("one log line");
        for (final Activation a : List.of(result, record))
        {
            assertThat(a.activationId()).isEqualTo(job.activationId());
            assertThat(a.name()).isEqualTo("hello");
            assertThat(a.path()).isEqualTo("guest/pkg/hello");
            assertThat(a.status()).isEqualTo(ActivationStatus.SUCCESS);
            assertThat(new String(a.result(), StandardCharsets.UTF_8)).isEqualTo("{\"greeting\":\"hi\"}");
            assertThat(a.waitTimeMs()).as("from acceptance to start").isEqualTo(3);
            assertThat(a.endMs() - a.startMs()).isEqualTo(5);
            assertThat(a.limits().memory()).isEqualTo(256);
        }
    }

    @Test
    void aNonBlockingRunIsAnsweredOnlyByItsRecord()
    {
        dispatch(Requests.request(11, false, "{}"));

        pool.finish(pool.jobs.get(0), "{}", List.of());

        assertThat(delivered).extracting(Delivered::template).containsExactly(MessageHeader.COMPLETION);
    }

    @Test
    void itsDutyCycleIsThePoolsAndClosingItClosesThePool()
    {
        invoker.doWork();
        invoker.doWork();
        invoker.onClose();

        assertThat(pool.duties).isEqualTo(2);
        assertThat(pool.closed).isTrue();
        assertThat(invoker.roleName()).isEqualTo("invoker-3");
        assertThat(invoker.pool()).as("no container pool behind a test's pool").isNull();
    }

    private void dispatch(final InvokeRequest request)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        final int length = request.encode(buffer, 16);
        invoker.onRequest(buffer, 16, length);
    }
}
