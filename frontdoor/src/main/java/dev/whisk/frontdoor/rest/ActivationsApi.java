package dev.whisk.frontdoor.rest;

import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationId;
import dev.whisk.core.activation.ActivationJson;
import dev.whisk.core.entity.EntityName;
import dev.whisk.core.entity.Messages;
import dev.whisk.frontdoor.ApiError;
import dev.whisk.frontdoor.Exchange;
import dev.whisk.storage.ActivationQuery;
import dev.whisk.storage.ActivationStore;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;

/** Reads of activation records: list (with its filters), one record, its result, its logs. */
public final class ActivationsApi
{
    private final ActivationStore store;

    public ActivationsApi(final ActivationStore store)
    {
        this.store = store;
    }

    public void list(final Exchange ex, final String namespace)
    {
        final Paging paging = Paging.of(ex, "activations");
        final String name = ex.query("name");
        if (name != null && !isSimpleOrPackaged(name))
        {
            throw ApiError.badRequest("Parameter may be a 'simple' name or 'package-name/simple' name: " + name);
        }
        final long since = epochMs(ex.query("since"), 0);
        final long upto = epochMs(ex.query("upto"), Long.MAX_VALUE);
        final ActivationQuery query = new ActivationQuery(namespace, name, since, upto, paging.skip(),
            paging.limit());
        if (paging.count())
        {
            ex.sendJson(HttpResponseStatus.OK,
                ("{\"activations\":" + store.count(query) + "}").getBytes(StandardCharsets.US_ASCII));
            return;
        }
        ex.sendJson(HttpResponseStatus.OK, ActivationJson.list(store.list(query), ex.queryFlag("docs")));
    }

    public void get(final Exchange ex, final String namespace, final String id)
    {
        ex.sendJson(HttpResponseStatus.OK, ActivationJson.full(find(namespace, id)));
    }

    public void result(final Exchange ex, final String namespace, final String id)
    {
        ex.sendJson(HttpResponseStatus.OK, ActivationJson.resultResponse(find(namespace, id)));
    }

    public void logs(final Exchange ex, final String namespace, final String id)
    {
        ex.sendJson(HttpResponseStatus.OK, ActivationJson.logs(find(namespace, id)));
    }

    private Activation find(final String namespace, final String id)
    {
        if (id.length() != ActivationId.LENGTH)
        {
            throw ApiError.badRequest(String.format(Messages.ACTIVATION_ID_LENGTH, id.length()));
        }
        if (!ActivationId.isValid(id))
        {
            throw ApiError.badRequest("Activation id must be 32 lowercase hexadecimal characters.");
        }
        final Activation a = store.get(namespace, id);
        if (a == null)
        {
            throw ApiError.notFound();
        }
        return a;
    }

    private static boolean isSimpleOrPackaged(final String name)
    {
        final int slash = name.indexOf('/');
        if (slash < 0)
        {
            return EntityName.isValid(name);
        }
        return EntityName.isValid(name.substring(0, slash)) && EntityName.isValid(name.substring(slash + 1));
    }

    private static long epochMs(final String value, final long absent)
    {
        if (value == null)
        {
            return absent;
        }
        try
        {
            return Long.parseLong(value);
        }
        catch (final NumberFormatException ex)
        {
            throw ApiError.badRequest("Parameter is not a valid value for epoch seconds: " + value);
        }
    }
}
