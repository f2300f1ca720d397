package dev.whisk.scheduler;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.wire.InvokeRequest;
import dev.whisk.storage.FileActivationStore;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;

/**
 * Run in a child JVM with a small heap by {@link RecoveryMemoryTest}: opens a data directory's journal and activation
 * store, plans recovery, and prints what it found, one line each: {@code dispatch <id>} and {@code unfinished <id>}.
 */
public final class RecoveryProbe
{
    private RecoveryProbe()
    {
    }

    public static void main(final String[] args)
    {
        final Path dir = Path.of(args[0]);
        try (FileActivationStore store = FileActivationStore.open(dir);
            ChronicleJournal journal = new ChronicleJournal(dir.resolve("journal")))
        {
            final Recovery r = Recovery.plan(journal, store, false);
            for (final byte[] request : r.toDispatch())
            {
                System.out.println("dispatch " + new InvokeRequest().decode(new UnsafeBuffer(request), 0,
                    request.length).activationId());
            }
            for (final Activation a : r.unfinished())
            {
                System.out.println("unfinished " + a.activationId());
            }
            System.out.println("maxHeapMb " + Runtime.getRuntime().maxMemory() / (1024 * 1024));
        }
    }
}
