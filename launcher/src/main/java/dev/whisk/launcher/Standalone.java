package dev.whisk.launcher;

import dev.whisk.core.entity.NamespaceLimits;
import dev.whisk.frontdoor.ApiHandler;
import dev.whisk.frontdoor.Authenticator;
import dev.whisk.frontdoor.FrontDoor;
import dev.whisk.frontdoor.api.ActionsApi;
import dev.whisk.frontdoor.api.ActivationsApi;
import dev.whisk.frontdoor.api.InvokeApi;
import dev.whisk.frontdoor.api.NamespacesApi;
import dev.whisk.invoker.InvokerAgent;
import dev.whisk.scheduler.ChronicleJournal;
import dev.whisk.scheduler.CompletionAgent;
import dev.whisk.scheduler.InvokerTable;
import dev.whisk.scheduler.Scheduler;
import dev.whisk.scheduler.Waiters;
import dev.whisk.storage.FileActivationStore;
import dev.whisk.storage.FileEntityStore;
import dev.whisk.storage.FileSubjectStore;
import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The whole platform in one JVM: stores, an embedded Aeron media driver over IPC, the scheduler ring and journal,
 * one invoker with its container pool, and the front door. Starts in dependency order and closes in reverse.
 */
public final class Standalone implements AutoCloseable
{
    public static final int REQUEST_STREAM = 1001;
    public static final int COMPLETION_STREAM = 1002;
    private static final Logger LOG = LoggerFactory.getLogger(Standalone.class);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Credentials guest;
    private final FrontDoor frontDoor;
    private final InvokerAgent invoker;
    private final String apiHost;

    public Standalone(final StandaloneConfig config) throws IOException, InterruptedException
    {
        boolean started = false;
        try
        {
            Files.createDirectories(config.dataDir());
            final FileEntityStore entities = own(FileEntityStore.open(config.dataDir().resolve("entities")));
            final FileSubjectStore subjects = own(FileSubjectStore.open(config.dataDir().resolve("subjects")));
            final FileActivationStore activations =
                own(FileActivationStore.open(config.dataDir().resolve("activations")));
            guest = Credentials.ensure(config.dataDir(), subjects, "guest", NamespaceLimits.UNTHROTTLED);

            final MediaDriver driver = own(MediaDriver.launchEmbedded(new MediaDriver.Context()
                .threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(idle(config))
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)));
            final Aeron aeron = own(Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(driver.aeronDirectoryName())));
            final Publication requestPub = own(aeron.addPublication(config.aeronChannel(), REQUEST_STREAM));
            final Subscription requestSub = own(aeron.addSubscription(config.aeronChannel(), REQUEST_STREAM));
            final Publication completionPub = own(aeron.addPublication(config.aeronChannel(), COMPLETION_STREAM));
            final Subscription completionSub = own(aeron.addSubscription(config.aeronChannel(), COMPLETION_STREAM));
            awaitConnected(requestPub, completionPub);

            invoker = new InvokerAgent(0, requestSub, completionPub, config.pool(),
                new StoreCodeSource(entities, config.pool().runtimeImages()));
            invoker.start();
            final Waiters waiters = new Waiters();
            final CompletionAgent completions = new CompletionAgent(completionSub, activations, waiters);
            final AgentRunner runner = new AgentRunner(idle(config),
                error -> LOG.error("event=agent-error", error), null, new CompositeAgent(invoker, completions));
            AgentRunner.startOnThread(runner);
            own(runner);

            final ChronicleJournal journal = new ChronicleJournal(config.scheduler().journalDir());
            final int recovered = Scheduler.recover(journal, activations);
            if (recovered > 0)
            {
                LOG.warn("event=recovered-unfinished count={}", recovered);
            }
            final Scheduler scheduler = own(new Scheduler(config.scheduler(), journal,
                new InvokerTable(List.of(requestPub)), activations, waiters));

            final ApiHandler api = new ApiHandler(new Authenticator(subjects), new ActionsApi(entities),
                new InvokeApi(entities, scheduler, config.frontDoor()), new ActivationsApi(activations),
                new NamespacesApi());
            frontDoor = own(new FrontDoor(config.frontDoor(), api));
            apiHost = "http://" + frontDoor.localAddress().getHostString() + ":" + frontDoor.localAddress().getPort();
            LOG.info("event=standalone-started apiHost={} dataDir={} memoryBudgetMb={}", apiHost, config.dataDir(),
                config.pool().memoryBudgetMb());
            started = true;
        }
        finally
        {
            if (!started)
            {
                close();
            }
        }
    }

    public String apiHost()
    {
        return apiHost;
    }

    public InetSocketAddress address()
    {
        return frontDoor.localAddress();
    }

    /** The {@code uuid:key} credential of namespace {@code guest}. */
    public String guestAuth()
    {
        return guest.auth();
    }

    Credentials guestCredentials()
    {
        return guest;
    }

    public InvokerAgent invoker()
    {
        return invoker;
    }

    private <T extends AutoCloseable> T own(final T resource)
    {
        resources.add(resource);
        return resource;
    }

    private static IdleStrategy idle(final StandaloneConfig config)
    {
        return new BackoffIdleStrategy(64, 16, 1_000, config.agentMaxParkNs());
    }

    private static void awaitConnected(final Publication... publications) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        final SleepingMillisIdleStrategy idle = new SleepingMillisIdleStrategy(1);
        for (final Publication p : publications)
        {
            while (!p.isConnected())
            {
                if (System.nanoTime() > deadline)
                {
                    throw new IllegalStateException("Aeron publication " + p.channel() + " stream " +
                        p.streamId() + " did not connect within 10 s");
                }
                if (Thread.interrupted())
                {
                    throw new InterruptedException();
                }
                idle.idle();
            }
        }
    }

    /** Closes everything in reverse start order; idempotent. */
    @Override
    public synchronized void close()
    {
        final List<AutoCloseable> reversed = new ArrayList<>(resources);
        Collections.reverse(reversed);
        resources.clear();
        CloseHelper.closeAll(reversed);
    }
}
