package dev.whisk.events;

import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * A trigger's logical replication stream. Each change becomes an event whose id is its WAL position
 * ({@code lsn}), stable across redeliveries. The checkpoint flushes the LSN of the last change done, or the end of
 * its transaction when every change read so far is done, so an idle slot does not hold WAL. Changes of a
 * transaction whose commit was not yet flushed are sent again after a restart, from its first change.
 *
 * <p>Threads: its poller's.
 */
final class PostgresSource implements Source
{
    private final Connection connection;
    private final PGReplicationStream stream;
    private final PgOutput decoder = new PgOutput();
    private long emitted;
    private long done;
    private long lastCommitEndLsn;
    private long flushedLsn;
    private boolean closed;

    PostgresSource(final Connection connection, final PGReplicationStream stream)
    {
        this.connection = connection;
        this.stream = stream;
    }

    @Override
    public int poll(final List<SourceEvent> into, final int max) throws SQLException
    {
        int n = 0;
        while (n < max)
        {
            final ByteBuffer b = stream.readPending();
            if (b == null)
            {
                break;
            }
            final long lsn = stream.getLastReceiveLSN().asLong();
            switch (decoder.decode(b))
            {
                case CHANGE ->
                {
                    final String id = LogSequenceNumber.valueOf(lsn).asString();
                    final var change = decoder.change();
                    change.put("lsn", id);
                    into.add(SourceEvent.of(id, change, lsn));
                    emitted++;
                    n++;
                }
                case COMMIT ->
                {
                    lastCommitEndLsn = decoder.commitEndLsn();
                    if (emitted == done)
                    {
                        flush(lastCommitEndLsn);
                    }
                }
                case OTHER ->
                {
                }
            }
        }
        return n;
    }

    @Override
    public void checkpoint(final List<SourceEvent> events) throws SQLException
    {
        done += events.size();
        final long last = (Long)events.get(events.size() - 1).position();
        flush(done == emitted && lastCommitEndLsn > last ? lastCommitEndLsn : last);
    }

    @Override
    public long lag()
    {
        final LogSequenceNumber received = stream.getLastReceiveLSN();
        return received == null ? -1 : Math.max(0, received.asLong() - flushedLsn);
    }

    @Override
    public String field()
    {
        return "changes";
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            stream.close();
        }
        catch (final SQLException ignored)
        {
            // the connection is closed next, which ends the stream at the server too
        }
        try
        {
            connection.close();
        }
        catch (final SQLException ignored)
        {
            // nothing more to release
        }
    }

    private void flush(final long lsn) throws SQLException
    {
        if (lsn <= flushedLsn)
        {
            return;
        }
        flushedLsn = lsn;
        stream.setFlushedLSN(LogSequenceNumber.valueOf(lsn));
        stream.setAppliedLSN(LogSequenceNumber.valueOf(lsn));
        stream.forceUpdateStatus();
    }
}
