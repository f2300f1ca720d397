package dev.whisk.frontdoor.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.entity.Param;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.core.json.Json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one parameter-merge rule of every run: package &lt; binding &lt; action &lt; request. The action's own
 * (non-init) parameters, after those it inherits, lie under the request's arguments; an action annotated
 * {@code final} refuses a request that sets one of its parameters that has a value. A run the platform starts inside
 * a composition may override them even when final, as OpenWhisk merges a component's. Stateless; any thread.
 */
public final class Arguments
{
    private Arguments()
    {
    }

    /**
     * A caller's arguments ({@code body}, a JSON object) over the action's parameters, final ones enforced. With no
     * action parameters the body goes through untouched after a streaming check that it is one JSON object.
     *
     * @throws Refusal BAD_REQUEST when the body is not an object or overrides a final parameter.
     */
    public static byte[] forCaller(final WhiskAction action, final List<Param> inherited, final byte[] body)
    {
        return merge(action, inherited, body, Param.isTrue(action.annotations(), "final"));
    }

    /** The input of a step the platform starts inside a composition over the action's parameters (final ignored). */
    public static byte[] forComponent(final WhiskAction action, final List<Param> inherited, final byte[] input)
    {
        return merge(action, inherited, input, false);
    }

    /**
     * {@code request} over the action's parameters, final ones enforced, as a new object: a web action's request
     * fields, to which it then adds its {@code __ow_*} fields.
     */
    public static ObjectNode over(final WhiskAction action, final List<Param> inherited, final ObjectNode request)
    {
        final List<Param> defaults = layer(inherited, action.parameters());
        return under(defaults, request, Param.isTrue(action.annotations(), "final"));
    }

    /** Parameters merged by key, later lists overriding earlier ones; init parameters included. */
    public static List<Param> layer(final List<Param> lower, final List<Param> higher)
    {
        if (lower.isEmpty())
        {
            return higher;
        }
        if (higher.isEmpty())
        {
            return lower;
        }
        final Map<String, Param> merged = new LinkedHashMap<>();
        for (final Param p : lower)
        {
            merged.put(p.key(), p);
        }
        for (final Param p : higher)
        {
            merged.put(p.key(), p);
        }
        return new ArrayList<>(merged.values());
    }

    private static byte[] merge(final WhiskAction action, final List<Param> inherited, final byte[] body,
        final boolean isFinal)
    {
        final List<Param> defaults = layer(inherited, action.parameters());
        boolean anyArgs = false;
        for (final Param p : defaults)
        {
            anyArgs |= !p.init();
        }
        if (!anyArgs)
        {
            return Bodies.requireObject(body);
        }
        return under(defaults, Bodies.object(body), isFinal).toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The rule itself: the non-init {@code defaults}, then every field of {@code request} over them. */
    private static ObjectNode under(final List<Param> defaults, final ObjectNode request, final boolean isFinal)
    {
        final ObjectNode merged = Json.MAPPER.createObjectNode();
        for (final Param p : defaults)
        {
            if (p.init())
            {
                continue;
            }
            if (isFinal && request.has(p.key()) && p.value() != null && !p.value().isNull())
            {
                throw Refusal.badRequest(Messages.PARAMS_NOT_ALLOWED);
            }
            merged.set(p.key(), p.value());
        }
        final Iterator<Map.Entry<String, JsonNode>> it = request.fields();
        while (it.hasNext())
        {
            final Map.Entry<String, JsonNode> e = it.next();
            merged.set(e.getKey(), e.getValue());
        }
        return merged;
    }
}
