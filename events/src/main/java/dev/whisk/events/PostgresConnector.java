package dev.whisk.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code /whisk.system/postgresql/changesFeed}: row changes of a PostgreSQL database through logical decoding with
 * {@code pgoutput}. Parameters: {@code host} (default 127.0.0.1), {@code port} (5432), {@code database}
 * (postgres), {@code user}, {@code password}, {@code tables} (optional filter: a JSON array or comma-separated
 * {@code schema.table}s; default every table) or {@code publication} (an existing publication to follow instead).
 * CREATE needs {@code wal_level=logical} and a user with the REPLICATION attribute (and, for a publication of all
 * tables, superuser); it creates one replication slot and, without {@code publication}, one publication, both named
 * {@code whisk_<hash of the trigger>}. The slot's confirmed flush LSN is the checkpoint. DELETE drops the slot and
 * the publication: a slot left behind keeps the server's WAL for ever and fills its disk.
 */
final class PostgresConnector implements Connector
{
    private static final int CONNECT_TIMEOUT_S = 5;
    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");

    @Override
    public String feedName()
    {
        return "changesFeed";
    }

    @Override
    public String packageId()
    {
        return "whisk.system/postgresql";
    }

    @Override
    public ObjectNode configure(final String trigger, final ObjectNode params)
    {
        final ObjectNode c = Params.address(params, 5432);
        c.put("database", Params.optional(params, "database", "postgres"));
        c.put("user", Params.required(params, "user"));
        Params.copyIfGiven(params, "password", c);
        final List<String> tables = Params.list(params, "tables");
        for (final String t : tables)
        {
            if (!TABLE.matcher(t).matches())
            {
                throw new IllegalArgumentException("'tables' holds '" + t + "', which is not a [schema.]table name");
            }
        }
        tables.forEach(c.putArray("tables")::add);
        final String publication = Params.optional(params, "publication", null);
        if (publication != null && !tables.isEmpty())
        {
            throw new IllegalArgumentException("give 'tables' or 'publication', not both");
        }
        c.put("slot", slot(trigger));
        c.put("publication", publication != null ? publication : slot(trigger));
        c.put("ownPublication", publication == null);
        return c;
    }

    @Override
    public Source open(final String trigger, final ObjectNode config, final boolean creating)
    {
        final String slot = config.get("slot").asText();
        try (Connection sql = connect(config, false))
        {
            if (creating)
            {
                setUp(sql, config);
            }
            else if (!exists(sql, "select 1 from pg_replication_slots where slot_name = ?", slot))
            {
                throw new IllegalArgumentException("the replication slot " + slot + " no longer exists");
            }
        }
        catch (final SQLException ex)
        {
            throw new IllegalArgumentException("PostgreSQL at " + address(config) + " refused the feed: " +
                ex.getMessage());
        }
        Connection replication = null;
        try
        {
            replication = connect(config, true);
            final PGReplicationStream stream = replication.unwrap(PGConnection.class).getReplicationAPI()
                .replicationStream().logical().withSlotName(slot)
                .withSlotOption("proto_version", 1)
                .withSlotOption("publication_names", config.get("publication").asText())
                .withStatusInterval(10, TimeUnit.SECONDS).start();
            final PostgresSource source = new PostgresSource(replication, stream);
            replication = null;
            return source;
        }
        catch (final SQLException ex)
        {
            throw new IllegalArgumentException("PostgreSQL at " + address(config) +
                " refused the replication stream: " + ex.getMessage());
        }
        finally
        {
            if (replication != null)
            {
                try
                {
                    replication.close();
                }
                catch (final SQLException ignored)
                {
                    // already failing: the first error is the one reported
                }
            }
        }
    }

    @Override
    public boolean sameStream(final ObjectNode before, final ObjectNode after)
    {
        return address(before).equals(address(after)) && before.get("database").equals(after.get("database")) &&
            before.get("publication").equals(after.get("publication")) &&
            before.path("tables").equals(after.path("tables"));
    }

    @Override
    public void cleanup(final String trigger, final ObjectNode config)
    {
        final String slot = config.get("slot").asText();
        try (Connection sql = connect(config, false); Statement st = sql.createStatement())
        {
            // the replication connection was just closed: the server may take a moment to release the slot
            final long deadline = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(CONNECT_TIMEOUT_S * 2L);
            while (true)
            {
                try (PreparedStatement drop = sql.prepareStatement("select pg_drop_replication_slot(slot_name) " +
                    "from pg_replication_slots where slot_name = ?"))
                {
                    drop.setString(1, slot);
                    drop.execute();
                    break;
                }
                catch (final SQLException active)
                {
                    if (System.currentTimeMillis() > deadline)
                    {
                        throw active;
                    }
                    Thread.sleep(100);
                }
            }
            if (config.path("ownPublication").asBoolean())
            {
                st.execute("drop publication if exists " + config.get("publication").asText());
            }
        }
        catch (final SQLException ex)
        {
            throw new IllegalStateException("the feed is stopped, but its replication slot " + slot +
                " could not be dropped (drop it by hand, or it keeps WAL for ever): " + ex.getMessage());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dropping the replication slot " + slot);
        }
    }

    private static void setUp(final Connection sql, final ObjectNode config) throws SQLException
    {
        try (Statement st = sql.createStatement(); ResultSet rs = st.executeQuery("show wal_level"))
        {
            rs.next();
            if (!"logical".equals(rs.getString(1)))
            {
                throw new IllegalArgumentException("PostgreSQL at " + address(config) + " has wal_level=" +
                    rs.getString(1) + "; the changes feed needs wal_level=logical");
            }
        }
        final String publication = config.get("publication").asText();
        final boolean hasPublication = exists(sql, "select 1 from pg_publication where pubname = ?", publication);
        if (config.get("ownPublication").asBoolean() && !hasPublication)
        {
            final StringBuilder tables = new StringBuilder();
            for (final String t : Params.list(config, "tables"))
            {
                tables.append(tables.length() == 0 ? "" : ", ").append(t);
            }
            try (Statement st = sql.createStatement())
            {
                st.execute("create publication " + publication + (tables.length() == 0 ? " for all tables" :
                    " for table " + tables));
            }
        }
        else if (!hasPublication)
        {
            throw new IllegalArgumentException("publication '" + publication + "' does not exist");
        }
        final String slot = config.get("slot").asText();
        if (!exists(sql, "select 1 from pg_replication_slots where slot_name = ?", slot))
        {
            try (PreparedStatement st = sql.prepareStatement(
                "select pg_create_logical_replication_slot(?, 'pgoutput')"))
            {
                st.setString(1, slot);
                st.execute();
            }
        }
    }

    private static boolean exists(final Connection sql, final String query, final String arg) throws SQLException
    {
        try (PreparedStatement st = sql.prepareStatement(query))
        {
            st.setString(1, arg);
            try (ResultSet rs = st.executeQuery())
            {
                return rs.next();
            }
        }
    }

    /** The slot (and own publication) name: {@code whisk_} and 20 hex digits of the trigger's SHA-256. */
    static String slot(final String trigger)
    {
        try
        {
            final byte[] h = MessageDigest.getInstance("SHA-256").digest(trigger.getBytes(StandardCharsets.UTF_8));
            return "whisk_" + HexFormat.of().formatHex(h, 0, 10);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static String address(final ObjectNode config)
    {
        return config.get("host").asText() + ":" + config.get("port").asInt() + "/" +
            config.get("database").asText();
    }

    private static Connection connect(final ObjectNode config, final boolean replication)
    {
        final Properties p = new Properties();
        PGProperty.USER.set(p, config.get("user").asText());
        if (config.hasNonNull("password"))
        {
            PGProperty.PASSWORD.set(p, config.get("password").asText());
        }
        PGProperty.CONNECT_TIMEOUT.set(p, CONNECT_TIMEOUT_S);
        PGProperty.SOCKET_TIMEOUT.set(p, CONNECT_TIMEOUT_S * 6);
        if (replication)
        {
            PGProperty.REPLICATION.set(p, "database");
            PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "9.4");
            PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        }
        final String url = "jdbc:postgresql://" + config.get("host").asText() + ":" + config.get("port").asInt() +
            "/" + config.get("database").asText();
        try
        {
            return DriverManager.getConnection(url, p);
        }
        catch (final SQLException ex)
        {
            throw new IllegalArgumentException("could not connect to PostgreSQL at " + address(config) + ": " +
                ex.getMessage());
        }
    }
}
