package dev.whisk.frontdoor.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.entity.Exec;
import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.KeySeal;
import dev.whisk.core.entity.NamespaceLimits;
import dev.whisk.core.entity.Param;
import dev.whisk.core.entity.SemVer;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.core.json.Json;
import dev.whisk.frontdoor.compose.Composer;
import dev.whisk.frontdoor.event.TriggerFiring;
import dev.whisk.frontdoor.invoke.Admission;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The invocation, composition and event services wired as the platform wires them, over a {@link FakeDispatch}
 * and {@link MemoryStores}: no Docker, no sockets, no files, no threads.
 */
final class Services
{
    static final int MAX_BODY = 1024;
    static final int MAX_WAIT_MS = 5_000;

    final MemoryStores.Entities entities = new MemoryStores.Entities();
    final MemoryStores.Activations activations = new MemoryStores.Activations();
    final Admission admission = new Admission();
    final FakeDispatch dispatch = new FakeDispatch(admission::onCompleted);
    final KeySeal seal = KeySeal.ephemeral();
    final Invocations invocations;
    final TriggerFiring firing;

    Services()
    {
        this(services -> null);
    }

    /** @param feeds the feeds the platform runs itself, made over these stores ({@code null}: none). */
    Services(final Function<Services, PlatformFeeds> feeds)
    {
        this.invocations = new Invocations(new ActionLookup(entities), dispatch, admission, seal, MAX_BODY,
            MAX_WAIT_MS, feeds.apply(this), service -> new Composer(service, activations));
        this.firing = new TriggerFiring(entities, invocations, activations);
    }

    static Identity identity(final String namespace, final NamespaceLimits limits)
    {
        return new Identity(namespace, namespace, "uuid-" + namespace, namespace + "-key", limits);
    }

    static Identity identity(final String namespace)
    {
        return identity(namespace, NamespaceLimits.DEFAULT);
    }

    /** A nodejs action {@code namespace/name} (namespace may be {@code ns/pkg}) with these parameters. */
    WhiskAction action(final String namespace, final String name, final List<Param> annotations,
        final String... params)
    {
        return entities.add(new WhiskAction(namespace, name, SemVer.INITIAL, false,
            Exec.code("nodejs:20", "function main(a) { return a; }", null), annotations, params(params),
            ActionLimits.DEFAULT, 1L));
    }

    WhiskAction action(final String namespace, final String name, final String... params)
    {
        return action(namespace, name, List.of(), params);
    }

    /** A sequence {@code namespace/name} of these components ({@code /ns/name}). */
    WhiskAction sequence(final String namespace, final String name, final String... components)
    {
        return entities.add(new WhiskAction(namespace, name, SemVer.INITIAL, false,
            new Exec(Exec.SEQUENCE, null, null, null, null, List.of(components)), List.of(), List.of(),
            ActionLimits.DEFAULT, 1L));
    }

    /** {@code key=json} pairs as parameters. */
    static List<Param> params(final String... keyValues)
    {
        final List<Param> out = new ArrayList<>();
        for (final String kv : keyValues)
        {
            final int eq = kv.indexOf('=');
            out.add(Param.of(kv.substring(0, eq), json(kv.substring(eq + 1))));
        }
        return out;
    }

    static JsonNode json(final String text)
    {
        try
        {
            return Json.MAPPER.readTree(text);
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException(text, ex);
        }
    }

    static JsonNode json(final byte[] bytes)
    {
        return json(new String(bytes, StandardCharsets.UTF_8));
    }

    static byte[] body(final String json)
    {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
