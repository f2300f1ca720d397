package dev.whisk.invoker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.core.entity.Exec;
import dev.whisk.core.entity.Param;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.core.entity.WhiskEntity;
import dev.whisk.pool.ActionCode;
import dev.whisk.pool.ActionCodeSource;
import dev.whisk.storage.EntityStore;

import java.util.HashMap;
import java.util.Map;

/** Action code straight from the entity store, for invokers in the same process as the store. */
public final class StoreCodeSource implements ActionCodeSource
{
    private final EntityStore store;
    private final Map<String, String> runtimeImages;

    public StoreCodeSource(final EntityStore store, final Map<String, String> runtimeImages)
    {
        this.store = store;
        this.runtimeImages = runtimeImages;
    }

    @Override
    public ActionCode fetch(final String actionPath, final String version, final long revision)
    {
        final WhiskEntity e = store.get(actionPath);
        if (!(e instanceof WhiskAction action) || action.updated() != revision || !action.version().equals(version))
        {
            return null;
        }
        final Exec exec = action.exec();
        final String image = Exec.BLACKBOX.equals(exec.kind()) ? exec.image() : runtimeImages.get(exec.kind());
        if (image == null)
        {
            return null;
        }
        final Map<String, String> initEnv = new HashMap<>();
        for (final Param p : action.parameters())
        {
            if (p.init())
            {
                final JsonNode v = p.value();
                initEnv.put(p.key(), v == null || v.isNull() ? "" : v.isTextual() ? v.asText() : v.toString());
            }
        }
        return new ActionCode(exec.kind(), image, exec.code(), exec.main(), Boolean.TRUE.equals(exec.binary()),
            initEnv);
    }
}
