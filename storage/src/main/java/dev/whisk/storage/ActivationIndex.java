package dev.whisk.storage;

import dev.whisk.core.activation.Activation;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each activation record sits in the activation log: by id, and per namespace in append order (see
 * {@link NamespaceActivations}). Holds positions, starts and paths only; records are read from the log.
 * <p>
 * Threads: {@link #add} from one writer at a time (the opening thread during recovery, then the writer thread);
 * lookups from any thread.
 */
final class ActivationIndex
{
    private static final long[] NO_POSITIONS = new long[0];

    private final ConcurrentHashMap<String, Long> positionsById = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, NamespaceActivations> byNamespace = new ConcurrentHashMap<>();

    void add(final Activation activation, final long position)
    {
        NamespaceActivations namespace = byNamespace.get(activation.namespace());
        if (namespace == null)
        {
            namespace = new NamespaceActivations();
            byNamespace.put(activation.namespace(), namespace);
        }
        namespace.add(activation.startMs(), activation.path(), position);
        positionsById.put(activation.activationId(), position);
    }

    /** The log position of the record with this id, or -1. */
    long positionOf(final String activationId)
    {
        final Long position = positionsById.get(activationId);
        return position == null ? -1 : position;
    }

    long[] select(final ActivationQuery query)
    {
        final NamespaceActivations namespace = query.namespace() == null ? null : byNamespace.get(query.namespace());
        return namespace == null ? NO_POSITIONS : namespace.select(query);
    }

    int count(final ActivationQuery query)
    {
        final NamespaceActivations namespace = query.namespace() == null ? null : byNamespace.get(query.namespace());
        return namespace == null ? 0 : namespace.count(query);
    }

    int size()
    {
        return positionsById.size();
    }
}
