package dev.whisk.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whisk.core.json.Json;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Decodes PostgreSQL's {@code pgoutput} logical replication messages (protocol version 1) into change events
 * {@code {table, operation, before, after, xid}}: {@code before} for UPDATE and DELETE only when the server sends
 * the old row (the table's replica identity: its key columns by default, the whole row with {@code REPLICA
 * IDENTITY FULL}), {@code after} for INSERT and UPDATE. Column values come as PostgreSQL's text forms and are
 * turned into JSON booleans, numbers and documents for those types, strings for the rest. Unchanged TOASTed values
 * are left out.
 *
 * <p>Threads: its source's poller.
 */
final class PgOutput
{
    private static final int BOOL = 16;
    private static final int INT8 = 20;
    private static final int INT2 = 21;
    private static final int INT4 = 23;
    private static final int OID = 26;
    private static final int JSON = 114;
    private static final int FLOAT4 = 700;
    private static final int FLOAT8 = 701;
    private static final int NUMERIC = 1700;
    private static final int JSONB = 3802;

    /** What one message was: a change (see {@link #change}), a commit (see {@link #commitEndLsn}), or other. */
    enum Kind
    {
        CHANGE, COMMIT, OTHER
    }

    private record Relation(String table, String[] columns, int[] types)
    {
    }

    private final Map<Integer, Relation> relations = new HashMap<>();
    private long xid;
    private ObjectNode change;
    private long commitEndLsn;

    /** The change decoded by the last {@link #decode} that answered {@link Kind#CHANGE}. */
    ObjectNode change()
    {
        return change;
    }

    /** The end LSN of the transaction whose commit the last {@link #decode} read. */
    long commitEndLsn()
    {
        return commitEndLsn;
    }

    Kind decode(final ByteBuffer b)
    {
        final char type = (char)b.get();
        switch (type)
        {
            case 'B' ->
            {
                b.getLong();
                b.getLong();
                xid = Integer.toUnsignedLong(b.getInt());
                return Kind.OTHER;
            }
            case 'C' ->
            {
                b.get();
                b.getLong();
                commitEndLsn = b.getLong();
                return Kind.COMMIT;
            }
            case 'R' ->
            {
                final int relid = b.getInt();
                final String schema = string(b);
                final String name = string(b);
                b.get();
                final int n = b.getShort();
                final String[] columns = new String[n];
                final int[] types = new int[n];
                for (int i = 0; i < n; i++)
                {
                    b.get();
                    columns[i] = string(b);
                    types[i] = b.getInt();
                    b.getInt();
                }
                relations.put(relid, new Relation(schema + "." + name, columns, types));
                return Kind.OTHER;
            }
            case 'I' ->
            {
                final Relation r = relation(b.getInt());
                b.get();
                change = change(r, "insert");
                change.putNull("before");
                change.set("after", tuple(b, r));
                return Kind.CHANGE;
            }
            case 'U' ->
            {
                final Relation r = relation(b.getInt());
                change = change(r, "update");
                final char part = (char)b.get();
                if (part == 'K' || part == 'O')
                {
                    change.set("before", tuple(b, r));
                    b.get();
                }
                else
                {
                    change.putNull("before");
                }
                change.set("after", tuple(b, r));
                return Kind.CHANGE;
            }
            case 'D' ->
            {
                final Relation r = relation(b.getInt());
                b.get();
                change = change(r, "delete");
                change.set("before", tuple(b, r));
                change.putNull("after");
                return Kind.CHANGE;
            }
            case 'T' ->
            {
                final int n = b.getInt();
                b.get();
                change = Json.MAPPER.createObjectNode();
                final var tables = change.putArray("tables");
                for (int i = 0; i < n; i++)
                {
                    tables.add(relation(b.getInt()).table());
                }
                change.put("operation", "truncate");
                change.put("xid", xid);
                return Kind.CHANGE;
            }
            default ->
            {
                return Kind.OTHER;
            }
        }
    }

    private ObjectNode change(final Relation r, final String operation)
    {
        final ObjectNode c = Json.MAPPER.createObjectNode();
        c.put("table", r.table());
        c.put("operation", operation);
        c.put("xid", xid);
        return c;
    }

    private Relation relation(final int relid)
    {
        final Relation r = relations.get(relid);
        if (r == null)
        {
            throw new IllegalStateException("pgoutput sent a change of relation " + relid + " before describing it");
        }
        return r;
    }

    private static ObjectNode tuple(final ByteBuffer b, final Relation r)
    {
        final ObjectNode row = Json.MAPPER.createObjectNode();
        final int n = b.getShort();
        for (int i = 0; i < n; i++)
        {
            final char kind = (char)b.get();
            final String column = i < r.columns().length ? r.columns()[i] : "column" + i;
            switch (kind)
            {
                case 'n' -> row.putNull(column);
                case 't', 'b' ->
                {
                    final byte[] v = new byte[b.getInt()];
                    b.get(v);
                    row.set(column, value(new String(v, StandardCharsets.UTF_8),
                        i < r.types().length ? r.types()[i] : 0));
                }
                default ->
                {
                    // 'u': an unchanged TOASTed value the server does not send again
                }
            }
        }
        return row;
    }

    private static JsonNode value(final String text, final int type)
    {
        try
        {
            return switch (type)
            {
                case BOOL -> Json.MAPPER.getNodeFactory().booleanNode("t".equals(text));
                case INT2, INT4, INT8, OID -> Json.MAPPER.getNodeFactory().numberNode(Long.parseLong(text));
                case FLOAT4, FLOAT8, NUMERIC -> Json.MAPPER.getNodeFactory().numberNode(new BigDecimal(text));
                case JSON, JSONB -> Json.MAPPER.readTree(text);
                default -> Json.MAPPER.getNodeFactory().textNode(text);
            };
        }
        catch (final NumberFormatException | IOException notThatType)
        {
            // NaN, Infinity and the like stay text
            return Json.MAPPER.getNodeFactory().textNode(text);
        }
    }

    private static String string(final ByteBuffer b)
    {
        final int start = b.position();
        int end = start;
        while (b.get(end) != 0)
        {
            end++;
        }
        final byte[] s = new byte[end - start];
        b.get(s);
        b.get();
        return new String(s, StandardCharsets.UTF_8);
    }
}
