package dev.whisk.core.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A reusable holder for the scheduler-to-invoker message that asks for one activation, with its codec. One instance
 * belongs to one thread; {@link #encode} and {@link #decode} never allocate beyond the strings they read.
 *
 * <pre>
 *   header | long idHi | long idLo | long acceptedMs | long revision
 *   int timeoutMs | int memoryMb | int logsMb | int concurrency | int flags
 *   str namespace | str subject | str actionPath | str actionVersion | str kind | str cause | str apiKey
 *   bytes params
 * </pre>
 */
public final class InvokeRequest
{
    public static final int FLAG_BLOCKING = 1;
    public static final int FLAG_PROVIDE_API_KEY = 2;
    /**
     * A feed run: the invoker adds {@code authKey} (the opened {@link #apiKey}) to the params, so the key is never in
     * the params the journal holds.
     */
    public static final int FLAG_AUTH_KEY_PARAM = 4;

    private static final int FIXED_LENGTH = MessageHeader.LENGTH + 8 * 4 + 4 * 5;

    public long idHi;
    public long idLo;
    /** When the front door accepted the request, epoch ms; the start of {@code waitTime}. */
    public long acceptedMs;
    /** The action's {@code updated} stamp: with the version it names the exact code to run. */
    public long revision;
    public int timeoutMs;
    public int memoryMb;
    public int logsMb;
    public int concurrency;
    public int flags;
    /** The invoking namespace; the activation is recorded there. */
    public String namespace;
    public String subject;
    /** {@code ns/[pkg/]name} of the action. */
    public String actionPath;
    public String actionVersion;
    public String kind;
    public String cause;
    /**
     * Only when the action is annotated {@code provide-api-key} or with {@link #FLAG_AUTH_KEY_PARAM}; sealed by the
     * front door ({@link dev.whisk.core.entity.KeySeal}), opened by the invoker.
     */
    public String apiKey;
    /** The merged arguments as JSON object text. */
    public byte[] params;

    /** The activation id's high half of the invoke message at {@code offset}, without decoding the rest. */
    public static long idHi(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + MessageHeader.LENGTH);
    }

    /** The activation id's low half of the invoke message at {@code offset}, without decoding the rest. */
    public static long idLo(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + MessageHeader.LENGTH + 8);
    }

    /** The namespace of the invoke message at {@code offset}, without decoding the rest (no params copied). */
    public static String namespace(final DirectBuffer buffer, final int offset)
    {
        return Fields.getString(buffer, offset + FIXED_LENGTH);
    }

    public boolean isBlocking()
    {
        return (flags & FLAG_BLOCKING) != 0;
    }

    /** Writes the message at {@code offset} and returns its length. */
    public int encode(final MutableDirectBuffer buffer, final int offset)
    {
        MessageHeader.put(buffer, offset, MessageHeader.INVOKE);
        int at = offset + MessageHeader.LENGTH;
        buffer.putLong(at, idHi);
        buffer.putLong(at + 8, idLo);
        buffer.putLong(at + 16, acceptedMs);
        buffer.putLong(at + 24, revision);
        buffer.putInt(at + 32, timeoutMs);
        buffer.putInt(at + 36, memoryMb);
        buffer.putInt(at + 40, logsMb);
        buffer.putInt(at + 44, concurrency);
        buffer.putInt(at + 48, flags);
        at = offset + FIXED_LENGTH;
        at = Fields.putString(buffer, at, namespace);
        at = Fields.putString(buffer, at, subject);
        at = Fields.putString(buffer, at, actionPath);
        at = Fields.putString(buffer, at, actionVersion);
        at = Fields.putString(buffer, at, kind);
        at = Fields.putString(buffer, at, cause);
        at = Fields.putString(buffer, at, apiKey);
        at = Fields.putBytes(buffer, at, params);
        return at - offset;
    }

    /**
     * Reads a message written by {@link #encode}.
     *
     * @throws IllegalArgumentException when the bytes are not an invoke message of our schema.
     */
    public InvokeRequest decode(final DirectBuffer buffer, final int offset, final int length)
    {
        if (MessageHeader.templateId(buffer, offset, length) != MessageHeader.INVOKE || length < FIXED_LENGTH)
        {
            throw new IllegalArgumentException("not an invoke message");
        }
        int at = offset + MessageHeader.LENGTH;
        idHi = buffer.getLong(at);
        idLo = buffer.getLong(at + 8);
        acceptedMs = buffer.getLong(at + 16);
        revision = buffer.getLong(at + 24);
        timeoutMs = buffer.getInt(at + 32);
        memoryMb = buffer.getInt(at + 36);
        logsMb = buffer.getInt(at + 40);
        concurrency = buffer.getInt(at + 44);
        flags = buffer.getInt(at + 48);
        at = offset + FIXED_LENGTH;
        namespace = Fields.getString(buffer, at);
        at = Fields.skip(buffer, at);
        subject = Fields.getString(buffer, at);
        at = Fields.skip(buffer, at);
        actionPath = Fields.getString(buffer, at);
        at = Fields.skip(buffer, at);
        actionVersion = Fields.getString(buffer, at);
        at = Fields.skip(buffer, at);
        kind = Fields.getString(buffer, at);
        at = Fields.skip(buffer, at);
        cause = Fields.getString(buffer, at);
        at = Fields.skip(buffer, at);
        apiKey = Fields.getString(buffer, at);
        at = Fields.skip(buffer, at);
        params = Fields.getBytes(buffer, at);
        return this;
    }

    /**
     * Fills this holder for a new run of {@code action}: a fresh activation id, accepted now, with the action's
     * revision, limits, path, version and kind. The caller sets who runs it, its flags, cause, key and params.
     */
    public InvokeRequest newRunOf(final dev.whisk.core.entity.WhiskAction action)
    {
        idHi = dev.whisk.core.activation.ActivationId.randomHalf();
        idLo = dev.whisk.core.activation.ActivationId.randomHalf();
        acceptedMs = System.currentTimeMillis();
        revision = action.updated();
        timeoutMs = action.limits().timeout();
        memoryMb = action.limits().memory();
        logsMb = action.limits().logs();
        concurrency = action.limits().concurrency();
        actionPath = action.docId();
        actionVersion = action.version();
        kind = action.exec().kind();
        return this;
    }

    public String activationId()
    {
        return dev.whisk.core.activation.ActivationId.toString(idHi, idLo);
    }
}
