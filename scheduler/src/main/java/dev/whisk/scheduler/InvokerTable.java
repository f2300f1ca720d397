package dev.whisk.scheduler;

import io.aeron.Publication;

import java.util.List;

/**
 * The invokers the dispatcher can send to, with each action's home invoker chosen by a hash of its path so that
 * repeated calls find their warm containers. Owned by the dispatch handler's thread.
 */
public final class InvokerTable
{
    private final Publication[] publications;

    public InvokerTable(final List<Publication> publications)
    {
        if (publications.isEmpty())
        {
            throw new IllegalArgumentException("at least one invoker publication is needed");
        }
        this.publications = publications.toArray(new Publication[0]);
    }

    public int size()
    {
        return publications.length;
    }

    /** The home invoker of an action: a stable hash of its path. */
    public int homeOf(final int actionHash)
    {
        return Math.floorMod(actionHash, publications.length);
    }

    public Publication publication(final int index)
    {
        return publications[index];
    }
}
