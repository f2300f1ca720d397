package dev.whisk.frontdoor.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.entity.Exec;
import dev.whisk.core.entity.FullyQualifiedName;
import dev.whisk.core.entity.Messages;
import dev.whisk.core.entity.NamespaceLimits;
import dev.whisk.core.entity.Param;
import dev.whisk.core.entity.SemVer;
import dev.whisk.core.entity.WhiskAction;
import dev.whisk.frontdoor.ApiError;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a PUT body into an action: validation with the spec's messages, defaults on create, and OpenWhisk's merge
 * rules on update (omitted fields kept, each limit on its own, parameters replaced, annotations merged by key).
 */
final class ActionDocs
{
    static final String DEFAULT_NODEJS = "nodejs:20";
    static final List<String> KINDS = List.of("nodejs:20", "nodejs:default", Exec.BLACKBOX);
    static final int MAX_CODE_BYTES = 48 * 1024 * 1024;
    static final int MAX_PARAMETER_BYTES = 1024 * 1024;
    /** The parameter in which a sequence stores its components, as OpenWhisk does. */
    static final String SEQUENCE_PARAMETER = "_actions";
    static final int MAX_SEQUENCE_ACTIONS = dev.whisk.frontdoor.invoke.Compositions.MAX_ACTIONS;
    static final int MIN_TIMEOUT_MS = 100;
    static final int MAX_TIMEOUT_MS = 300_000;
    static final int MIN_MEMORY_MB = 128;
    static final int MAX_MEMORY_MB = 512;
    static final int MIN_LOGS_MB = 0;
    static final int MAX_LOGS_MB = 10;
    static final int MIN_CONCURRENCY = 1;
    static final int MAX_CONCURRENCY = 500;

    private ActionDocs()
    {
    }

    /**
     * @param existing the stored action for an update, or {@code null} to create.
     * @param limits   the namespace's limits, whose action maxima (when set) replace the system's.
     */
    static WhiskAction fromPut(final ObjectNode body, final String entityNamespace, final String name,
        final WhiskAction existing, final long nowMs, final NamespaceLimits limits)
    {
        final JsonNode execNode = body.get("exec");
        final Exec exec;
        if (execNode == null || execNode.isNull())
        {
            if (existing == null)
            {
                throw ApiError.badRequest(Messages.EXEC_UNDEFINED);
            }
            exec = existing.exec();
        }
        else
        {
            final int slash = entityNamespace.indexOf('/');
            exec = exec(execNode, slash < 0 ? entityNamespace : entityNamespace.substring(0, slash));
        }
        final List<Param> parameters;
        if (exec.isSequence())
        {
            final ArrayNode actions = JsonNodeFactory.instance.arrayNode();
            exec.components().forEach(actions::add);
            parameters = List.of(Param.of(SEQUENCE_PARAMETER, actions));
        }
        else
        {
            parameters = body.has("parameters") ? params(body.get("parameters"), "parameters") :
                existing != null && !existing.exec().isSequence() ? existing.parameters() : List.of();
        }
        final ActionLimits actionLimits = limits(body.get("limits"), existing != null ? existing.limits() :
            ActionLimits.DEFAULT, limits);
        final boolean publish = body.has("publish") ? bool(body.get("publish"), "publish") :
            existing != null && existing.publish();
        final String version = version(body.get("version"), existing);
        final List<Param> annotations = annotations(body, existing, exec.kind());
        checkSize("parameters", parameters, annotations);
        return new WhiskAction(entityNamespace, name, version, publish, exec, annotations, parameters, actionLimits,
            nowMs);
    }

    private static Exec exec(final JsonNode node, final String defaultNamespace)
    {
        if (!node.isObject())
        {
            throw ApiError.badRequest("exec malformed: expected an object");
        }
        final JsonNode kindNode = node.get("kind");
        if (kindNode == null || !kindNode.isTextual())
        {
            throw ApiError.badRequest("exec malformed: 'kind' must be a string");
        }
        final String kind = "nodejs:default".equals(kindNode.asText()) ? DEFAULT_NODEJS : kindNode.asText();
        if (Exec.SEQUENCE.equals(kind))
        {
            return sequence(node.get("components"), defaultNamespace);
        }
        if (!KINDS.contains(kind))
        {
            throw ApiError.badRequest(Messages.unsupportedRuntime(kindNode.asText(), "'nodejs:20', 'nodejs:default'"));
        }
        final String code = optionalText(node, "code");
        final String main = optionalText(node, "main");
        if (code != null && code.length() > MAX_CODE_BYTES / 4 &&
            code.getBytes(StandardCharsets.UTF_8).length > MAX_CODE_BYTES)
        {
            throw new ApiError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "exec larger than allowed: " +
                code.getBytes(StandardCharsets.UTF_8).length + " > " + MAX_CODE_BYTES + " bytes.");
        }
        if (Exec.BLACKBOX.equals(kind))
        {
            final String image = optionalText(node, "image");
            if (image == null || image.isBlank())
            {
                throw ApiError.badRequest("exec malformed: 'image' is required for blackbox actions");
            }
            return new Exec(kind, code, main, code == null ? null : Exec.isBinary(code), image, null);
        }
        if (code == null)
        {
            throw ApiError.badRequest("exec malformed: 'code' must be a string");
        }
        final JsonNode binary = node.get("binary");
        if (binary != null && binary.asBoolean(false) && !Exec.isBinary(code))
        {
            // The flag is otherwise inferred (SPEC 3.1), but a client that says "archive" and sends no base64
            // would get an action that can never initialize.
            throw ApiError.badRequest("exec malformed: 'binary' is true but 'code' is not base64");
        }
        return Exec.code(kind, code, main);
    }

    /** The components as {@code /ns/[pkg/]name}, {@code _} and relative names resolved to the namespace. */
    private static Exec sequence(final JsonNode components, final String defaultNamespace)
    {
        if (components == null || components.isNull() || (components.isArray() && components.isEmpty()))
        {
            throw ApiError.badRequest(Messages.SEQUENCE_NO_COMPONENT);
        }
        if (!components.isArray())
        {
            throw ApiError.badRequest("exec malformed: 'components' must be an array of action names");
        }
        final List<String> names = new ArrayList<>(components.size());
        for (final JsonNode c : components)
        {
            if (!c.isTextual())
            {
                throw ApiError.badRequest("exec malformed: 'components' must be an array of action names");
            }
            try
            {
                names.add(FullyQualifiedName.parse(c.asText(), defaultNamespace).qualifiedName());
            }
            catch (final IllegalArgumentException ex)
            {
                throw ApiError.badRequest(Messages.ILLEGAL_NAME);
            }
        }
        return new Exec(Exec.SEQUENCE, null, null, null, null, names);
    }

    private static String optionalText(final JsonNode node, final String field)
    {
        final JsonNode v = node.get(field);
        if (v == null || v.isNull())
        {
            return null;
        }
        if (!v.isTextual())
        {
            throw ApiError.badRequest("exec malformed: '" + field + "' must be a string");
        }
        return v.asText();
    }

    static List<Param> params(final JsonNode node, final String what)
    {
        if (node == null || node.isNull())
        {
            return List.of();
        }
        if (!node.isArray())
        {
            throw ApiError.badRequest("'" + what + "' must be an array of {key, value}");
        }
        final List<Param> out = new ArrayList<>(node.size());
        for (final JsonNode p : node)
        {
            final JsonNode key = p.get("key");
            if (!p.isObject() || key == null || !key.isTextual())
            {
                throw ApiError.badRequest("'" + what + "' must be an array of {key, value}");
            }
            final JsonNode init = p.get("init");
            if (init != null && !init.isBoolean())
            {
                throw ApiError.badRequest("'init' of parameter '" + key.asText() + "' must be a boolean");
            }
            final JsonNode value = p.get("value");
            out.add(new Param(key.asText(), value == null ? com.fasterxml.jackson.databind.node.NullNode.instance :
                value, init != null && init.booleanValue()));
        }
        return out;
    }

    private static List<Param> annotations(final ObjectNode body, final WhiskAction existing, final String kind)
    {
        final Map<String, Param> merged = new LinkedHashMap<>();
        if (existing != null)
        {
            for (final Param p : existing.annotations())
            {
                merged.put(p.key(), p);
            }
        }
        final JsonNode del = body.get("delAnnotations");
        if (del != null && del.isArray())
        {
            for (final JsonNode k : del)
            {
                merged.remove(k.asText());
            }
        }
        for (final Param p : params(body.get("annotations"), "annotations"))
        {
            merged.put(p.key(), p);
        }
        if (existing == null && !merged.containsKey("provide-api-key"))
        {
            merged.put("provide-api-key", Param.of("provide-api-key", BooleanNode.FALSE));
        }
        merged.put("exec", Param.of("exec", TextNode.valueOf(kind)));
        return new ArrayList<>(merged.values());
    }

    static int maxMemoryMb(final NamespaceLimits ns)
    {
        return ns.maxActionMemoryMb() == null ? MAX_MEMORY_MB : ns.maxActionMemoryMb();
    }

    static int maxTimeoutMs(final NamespaceLimits ns)
    {
        return ns.maxActionTimeoutMs() == null ? MAX_TIMEOUT_MS : ns.maxActionTimeoutMs();
    }

    static int maxLogsMb(final NamespaceLimits ns)
    {
        return ns.maxActionLogsMb() == null ? MAX_LOGS_MB : ns.maxActionLogsMb();
    }

    static int maxConcurrency(final NamespaceLimits ns)
    {
        return ns.maxActionConcurrency() == null ? MAX_CONCURRENCY : ns.maxActionConcurrency();
    }

    private static ActionLimits limits(final JsonNode node, final ActionLimits base, final NamespaceLimits ns)
    {
        if (node == null || node.isNull())
        {
            return base;
        }
        if (!node.isObject())
        {
            throw ApiError.badRequest("'limits' must be an object");
        }
        final int timeout = limit(node, "timeout", base.timeout(), MIN_TIMEOUT_MS, maxTimeoutMs(ns), "milliseconds");
        final int memory = limit(node, "memory", base.memory(), MIN_MEMORY_MB, maxMemoryMb(ns), "MB");
        final int logs = limit(node, "logs", base.logs(), MIN_LOGS_MB, maxLogsMb(ns), "MB");
        final int concurrency = limit(node, "concurrency", base.concurrency(), MIN_CONCURRENCY, maxConcurrency(ns),
            null);
        return new ActionLimits(timeout, memory, logs, concurrency);
    }

    private static int limit(final JsonNode limits, final String field, final int base, final int min,
        final int max, final String unit)
    {
        final JsonNode v = limits.get(field);
        if (v == null || v.isNull())
        {
            return base;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber())
        {
            throw ApiError.badRequest("'limits." + field + "' must be an integer");
        }
        final int value = v.intValue();
        final String shown = unit == null ? Integer.toString(value) : value + " " + unit;
        final String bound = unit == null ? "" : " " + unit;
        if (value > max)
        {
            throw ApiError.badRequest("requirement failed: " + field + " " + shown +
                " exceeds allowed threshold of " + max + bound);
        }
        if (value < min)
        {
            throw ApiError.badRequest("requirement failed: " + field + " " + shown +
                " below allowed threshold of " + min + bound);
        }
        return value;
    }

    private static boolean bool(final JsonNode node, final String field)
    {
        if (!node.isBoolean())
        {
            throw ApiError.badRequest("'" + field + "' must be a boolean");
        }
        return node.booleanValue();
    }

    private static String version(final JsonNode node, final WhiskAction existing)
    {
        if (node != null && !node.isNull())
        {
            if (!node.isTextual() || !SemVer.isValid(node.asText()))
            {
                throw ApiError.badRequest("'version' must be a semantic version like 0.0.1");
            }
            return node.asText();
        }
        return existing == null ? SemVer.INITIAL : SemVer.bumpPatch(existing.version());
    }

    private static void checkSize(final String what, final List<Param> parameters, final List<Param> annotations)
    {
        final int size;
        try
        {
            size = dev.whisk.core.json.Json.MAPPER.writeValueAsBytes(parameters).length +
                dev.whisk.core.json.Json.MAPPER.writeValueAsBytes(annotations).length;
        }
        catch (final com.fasterxml.jackson.core.JsonProcessingException ex)
        {
            throw ApiError.badRequest(Messages.MALFORMED_PREFIX + dev.whisk.core.json.Json.problem(ex));
        }
        if (size > MAX_PARAMETER_BYTES)
        {
            throw new ApiError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                what + " larger than allowed: " + size + " > " + MAX_PARAMETER_BYTES + " bytes.");
        }
    }
}
