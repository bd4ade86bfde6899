package dev.docket.cli.internal;

import dev.docket.queue.jdbc.SchemaMigrator;
import dev.docket.queue.jdbc.internal.Jdbc;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The read-only queries behind {@code diagnose}'s database section and {@code check-db}: server and
 * latency, LISTEN/NOTIFY round trip, table and index sizes, dead rows and autovacuum, and what holds
 * back vacuum (old transactions, prepared transactions, replication slots). Every query is bounded
 * (LIMIT) and needs no privilege beyond connecting; without {@code pg_read_all_stats} other users'
 * sessions show fewer details. Stateless.
 */
final class DatabaseChecks {
    /** Pings for the round-trip median. */
    static final int PINGS = 5;
    /** Longest query text shown for a session. */
    static final int QUERY_CHARS = 120;
    private static final SecureRandom RANDOM = new SecureRandom();

    private DatabaseChecks() {
    }

    /** The server, measured from a fresh connection. */
    record Server(String version, String versionDetail, String database, String user, Instant now,
            long connectNanos, long roundTripNanos, int schemaVersion, int libraryVersion) {

        /**
         * Writes the "database" object of the JSON reports ({@code diagnose}, {@code check-db}); {@code detail}
         * adds the full version string and the connect time.
         */
        void writeJson(JsonWriter w, Session s, boolean detail) {
            w.name("database").beginObject()
                    .field("target", s.settings().target())
                    .field("database", database)
                    .field("user", user)
                    .field("reachable", true)
                    .field("serverVersion", version);
            if (detail) {
                w.field("serverVersionDetail", versionDetail)
                        .field("connectMs", connectNanos / 1e6);
            }
            w.field("roundTripMs", roundTripNanos / 1e6)
                    .field("schema", s.schema())
                    .field("schemaVersion", schemaVersion)
                    .field("libraryVersion", libraryVersion)
                    .endObject();
        }
    }

    /** One table of the schema, with pg_stat_user_tables figures. */
    record TableStats(String name, long tableBytes, long indexBytes, long totalBytes, long liveRows, long deadRows,
            Instant lastAutovacuum, Instant lastVacuum, Instant lastAutoanalyze, long autovacuumCount) {

        /** dead / (live + dead), 0 when empty. */
        double deadRatio() {
            long all = liveRows + deadRows;
            return all == 0 ? 0.0 : (double) deadRows / all;
        }
    }

    /** One index of the schema. */
    record IndexStats(String name, String table, long bytes, long scans) {
    }

    /** A session in an open transaction that holds back vacuum. */
    record OpenTransaction(int pid, String user, String application, String client, String state,
            Duration transactionAge, Long xminAge, String query) {
    }

    /** A prepared (two-phase) transaction. */
    record PreparedTransaction(String gid, String owner, Duration age) {
    }

    /** A replication slot holding back vacuum. */
    record ReplicationSlot(String name, String type, boolean active, Long xminAge, Long catalogXminAge) {
    }

    static Server server(DataSource ds, String schema) throws SQLException {
        long t0 = System.nanoTime();
        try (Connection c = ds.getConnection()) {
            long connect = System.nanoTime() - t0;
            String version;
            String detail;
            String database;
            String user;
            Instant now;
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT current_setting('server_version'), version(), current_database(),"
                         + " current_user, now()")) {
                rs.next();
                version = rs.getString(1);
                detail = rs.getString(2);
                database = rs.getString(3);
                user = rs.getString(4);
                now = rs.getTimestamp(5).toInstant();
            }
            long[] pings = new long[PINGS];
            try (PreparedStatement ping = c.prepareStatement("SELECT 1")) {
                for (int i = 0; i < PINGS; i++) {
                    long p0 = System.nanoTime();
                    try (ResultSet rs = ping.executeQuery()) {
                        rs.next();
                    }
                    pings[i] = System.nanoTime() - p0;
                }
            }
            Arrays.sort(pings);
            int version0 = SchemaMigrator.currentVersion(ds, schema);
            return new Server(version, detail, database, user, now, connect, pings[PINGS / 2], version0,
                    SchemaMigrator.latestVersion());
        }
    }

    /**
     * LISTEN on a fresh channel on one connection, NOTIFY from another, and time the delivery.
     *
     * @return the round trip, or null when nothing arrived within {@code timeout}
     */
    static Duration notifyRoundTrip(DataSource ds, Duration timeout) throws SQLException {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        StringBuilder channel = new StringBuilder("docket_check_");
        for (byte x : b) {
            channel.append(String.format(Locale.ROOT, "%02x", x));
        }
        String payload = "ping-" + System.nanoTime();
        try (Connection listen = ds.getConnection(); Connection notify = ds.getConnection()) {
            try (Statement st = listen.createStatement()) {
                st.execute("LISTEN " + channel);
            }
            PGConnection pg = listen.unwrap(PGConnection.class);
            long t0 = System.nanoTime();
            try (PreparedStatement ps = notify.prepareStatement("SELECT pg_notify(?, ?)")) {
                ps.setString(1, channel.toString());
                ps.setString(2, payload);
                ps.execute();
            }
            long deadline = t0 + timeout.toNanos();
            try {
                while (true) {
                    long leftMs = (deadline - System.nanoTime()) / 1_000_000;
                    if (leftMs < 1) {
                        return null;
                    }
                    PGNotification[] received = pg.getNotifications((int) Math.min(leftMs, Integer.MAX_VALUE));
                    if (received != null) {
                        for (PGNotification n : received) {
                            if (n.getName().equals(channel.toString()) && payload.equals(n.getParameter())) {
                                return Duration.ofNanos(System.nanoTime() - t0);
                            }
                        }
                    }
                }
            } finally {
                try (Statement st = listen.createStatement()) {
                    st.execute("UNLISTEN " + channel);
                }
            }
        }
    }

    static List<TableStats> tables(DataSource ds, String schema) throws SQLException {
        String sql = "SELECT c.relname, pg_relation_size(c.oid), pg_indexes_size(c.oid), pg_total_relation_size(c.oid),"
                + " coalesce(s.n_live_tup, 0), coalesce(s.n_dead_tup, 0), s.last_autovacuum, s.last_vacuum,"
                + " s.last_autoanalyze, coalesce(s.autovacuum_count, 0)"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid"
                + " WHERE n.nspname = ? AND c.relkind IN ('r', 'p') ORDER BY c.relname LIMIT 100";
        return Jdbc.list(ds, sql, ps -> ps.setString(1, schema), rs -> new TableStats(rs.getString(1), rs.getLong(2),
                rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), instant(rs.getTimestamp(7)),
                instant(rs.getTimestamp(8)), instant(rs.getTimestamp(9)), rs.getLong(10)));
    }

    static List<IndexStats> indexes(DataSource ds, String schema) throws SQLException {
        String sql = "SELECT i.relname, t.relname, pg_relation_size(i.oid), coalesce(s.idx_scan, 0)"
                + " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
                + " JOIN pg_namespace n ON n.oid = t.relnamespace"
                + " LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = i.oid"
                + " WHERE n.nspname = ? ORDER BY t.relname, i.relname LIMIT 200";
        return Jdbc.list(ds, sql, ps -> ps.setString(1, schema),
                rs -> new IndexStats(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)));
    }

    /**
     * Sessions of this database in a transaction that holds a snapshot or a transaction id (so vacuum
     * cannot remove rows deleted after it started), oldest first, at most {@code limit}. This CLI's
     * own session and autovacuum workers are left out.
     */
    static List<OpenTransaction> openTransactions(DataSource ds, Secrets secrets, int limit) throws SQLException {
        String sql = "SELECT pid, usename, application_name, client_addr::text, state,"
                + " extract(epoch FROM (clock_timestamp() - xact_start)), age(backend_xmin), query"
                + " FROM pg_stat_activity"
                + " WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
                + " AND (backend_xmin IS NOT NULL OR backend_xid IS NOT NULL)"
                + " AND coalesce(backend_type, '') <> 'autovacuum worker'"
                + " ORDER BY xact_start LIMIT ?";
        return Jdbc.list(ds, sql, ps -> ps.setInt(1, limit), rs -> {
            long xmin = rs.getLong(7);
            Long xminAge = rs.wasNull() ? null : xmin;
            return new OpenTransaction(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4),
                    rs.getString(5), seconds(rs.getDouble(6)), xminAge, query(secrets, rs.getString(8)));
        });
    }

    static List<PreparedTransaction> preparedTransactions(DataSource ds, int limit) throws SQLException {
        String sql = "SELECT gid, owner, extract(epoch FROM (clock_timestamp() - prepared)) FROM pg_prepared_xacts"
                + " WHERE database = current_database() ORDER BY prepared LIMIT ?";
        return Jdbc.list(ds, sql, ps -> ps.setInt(1, limit),
                rs -> new PreparedTransaction(rs.getString(1), rs.getString(2), seconds(rs.getDouble(3))));
    }

    static List<ReplicationSlot> replicationSlots(DataSource ds, int limit) throws SQLException {
        String sql = "SELECT slot_name, slot_type, active, age(xmin), age(catalog_xmin) FROM pg_replication_slots"
                + " WHERE xmin IS NOT NULL OR catalog_xmin IS NOT NULL ORDER BY slot_name LIMIT ?";
        return Jdbc.list(ds, sql, ps -> ps.setInt(1, limit), rs -> {
            long x = rs.getLong(4);
            Long xmin = rs.wasNull() ? null : x;
            long cx = rs.getLong(5);
            Long catalog = rs.wasNull() ? null : cx;
            return new ReplicationSlot(rs.getString(1), rs.getString(2), rs.getBoolean(3), xmin, catalog);
        });
    }

    private static String query(Secrets secrets, String q) {
        if (q == null) {
            return null;
        }
        // masked before the blanks are collapsed: a "-- comment" must still end at its line's end
        String oneLine = secrets.mask(q).replaceAll("\\s+", " ").trim();
        return oneLine.length() > QUERY_CHARS ? oneLine.substring(0, QUERY_CHARS - 1) + "…" : oneLine;
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis(Math.max(0, Math.round(s * 1000)));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
