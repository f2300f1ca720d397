package dev.whisk.storage;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.whisk.core.activation.Activation;
import dev.whisk.core.activation.ActivationId;
import dev.whisk.core.activation.ActivationStatus;
import dev.whisk.core.entity.ActionLimits;
import dev.whisk.core.entity.Exec;
import dev.whisk.core.entity.Param;
import dev.whisk.core.entity.SemVer;
import dev.whisk.core.entity.WhiskAction;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Small factories for the values the store tests write. */
final class Fixtures
{
    static final String KIND = "nodejs:20";

    private Fixtures()
    {
    }

    static WhiskAction action(final String namespace, final String name, final long updated)
    {
        return new WhiskAction(namespace, name, SemVer.INITIAL, false,
            Exec.code(KIND, "function main(params) { return params; }", null),
            List.of(Param.of("web-export", IntNode.valueOf(1))),
            List.of(Param.of("greeting", TextNode.valueOf("hello"))),
            ActionLimits.DEFAULT, updated);
    }

    static WhiskAction updated(final WhiskAction action, final long updated)
    {
        return new WhiskAction(action.namespace(), action.name(), SemVer.bumpPatch(action.version()),
            action.publish(), action.exec(), action.annotations(), action.parameters(), action.limits(), updated);
    }

    /** A successful activation in {@code namespace} of the action at {@code path} ({@code ns/[pkg/]name}). */
    static Activation activation(final String namespace, final String path, final long startMs)
    {
        final String name = path.substring(path.lastIndexOf('/') + 1);
        return new Activation(ActivationId.random(), namespace, "subject-" + namespace, name, SemVer.INITIAL, path,
            KIND, startMs, startMs + 7, null, ActivationStatus.SUCCESS,
            "{\"ok\":true}".getBytes(StandardCharsets.UTF_8), List.of("2026-01-01T00:00:00Z stdout: hi"),
            ActionLimits.DEFAULT, false, 3, -1);
    }
}
