package dev.whisk.storage.log;

import org.agrona.DirectBuffer;

/** Receives the records of an {@link AppendLog} as its scan on open walks them, oldest first. */
@FunctionalInterface
public interface RecordHandler
{
    /**
     * One complete record whose CRC matched. The buffer is only valid during the call.
     *
     * @param position the record's position, as {@link AppendLog#append} returned it and {@link AppendLog#read} takes.
     */
    void onRecord(long position, DirectBuffer buffer, int offset, int length);
}
