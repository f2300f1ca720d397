package dev.whisk.frontdoor.invoke;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.entity.WhiskEntity;
import dev.whisk.storage.ActivationQuery;
import dev.whisk.storage.ActivationStore;
import dev.whisk.storage.EntityStore;
import dev.whisk.storage.WriteResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Stores held in maps, durable at once: the fast tests of the services run without files or threads. */
final class MemoryStores
{
    private MemoryStores()
    {
    }

    /** Entities by document id; writes complete at once on the calling thread. */
    static final class Entities implements EntityStore
    {
        private final Map<String, WhiskEntity> byId = new LinkedHashMap<>();

        @Override
        public WhiskEntity get(final String docId)
        {
            return byId.get(docId);
        }

        @Override
        public List<WhiskEntity> list(final String namespace, final String collection, final int skip,
            final int limit)
        {
            throw new UnsupportedOperationException("not used by the services");
        }

        @Override
        public int count(final String namespace, final String collection)
        {
            throw new UnsupportedOperationException("not used by the services");
        }

        @Override
        public CompletableFuture<WriteResult> put(final WhiskEntity entity, final WhiskEntity expected)
        {
            final WhiskEntity current = byId.get(entity.docId());
            if (current != expected)
            {
                return CompletableFuture.completedFuture(WriteResult.CONFLICT);
            }
            byId.put(entity.docId(), entity);
            return CompletableFuture.completedFuture(WriteResult.OK);
        }

        @Override
        public CompletableFuture<WriteResult> delete(final String docId, final WhiskEntity expected)
        {
            final WhiskEntity current = byId.get(docId);
            if (current == null)
            {
                return CompletableFuture.completedFuture(WriteResult.NOT_FOUND);
            }
            if (current != expected)
            {
                return CompletableFuture.completedFuture(WriteResult.CONFLICT);
            }
            byId.remove(docId);
            return CompletableFuture.completedFuture(WriteResult.OK);
        }

        /** Stores {@code entity} (a test's setup). */
        <T extends WhiskEntity> T add(final T entity)
        {
            byId.put(entity.docId(), entity);
            return entity;
        }

        @Override
        public void close()
        {
        }
    }

    /** Records in the order appended; each is durable as soon as it is taken (the interface's default). */
    static final class Activations implements ActivationStore
    {
        final List<Activation> appended = new ArrayList<>();

        @Override
        public boolean append(final Activation activation)
        {
            appended.add(activation);
            return true;
        }

        @Override
        public Activation get(final String namespace, final String activationId)
        {
            for (final Activation a : appended)
            {
                if (a.activationId().equals(activationId) && a.namespace().equals(namespace))
                {
                    return a;
                }
            }
            return null;
        }

        @Override
        public List<Activation> list(final ActivationQuery query)
        {
            throw new UnsupportedOperationException("not used by the services");
        }

        @Override
        public int count(final ActivationQuery query)
        {
            throw new UnsupportedOperationException("not used by the services");
        }

        @Override
        public void close()
        {
        }
    }
}
