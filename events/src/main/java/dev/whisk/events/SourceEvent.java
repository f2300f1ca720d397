package dev.whisk.events;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One event read from a source, in the shape the action sees it ({@code json}, which carries {@code id}), with its
 * encoded size and the source's own position of it (a Kafka offset, a WAL position, a stream entry id), which the
 * source's checkpoint uses.
 *
 * @param id       stable across redeliveries: the same event read again after a crash has the same id.
 * @param sizeBytes the UTF-8 size of {@code json} encoded.
 */
record SourceEvent(String id, ObjectNode json, int sizeBytes, Object position)
{
    static SourceEvent of(final String id, final ObjectNode json, final Object position)
    {
        json.put("id", id);
        return new SourceEvent(id, json, Params.size(json), position);
    }
}
