package dev.docket.queue.jdbc.internal;

import dev.docket.queue.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs JDBC work on connections borrowed from a {@link DataSource}: the one place that begins, commits and
 * rolls back transactions, restores auto-commit and translates {@link SQLException}s into
 * {@link StoreException}s ({@link SqlErrors#translate}; messages masked). Used by {@code PostgresJobStore},
 * {@code SchemaMigrator} and the CLI. Immutable and thread-safe.
 *
 * <p>With {@link #withTimeouts(Duration, Duration)}, every {@link #inTransaction transaction} first sets the
 * statement and lock timeouts for itself only ({@code set_config(..., true)}, like {@code SET LOCAL}: the
 * pool's other users of the connection never see them). That costs one short round trip per transaction;
 * per-statement {@code setQueryTimeout} would need a cancel connection per timeout and cannot bound lock
 * waits.
 */
public final class Jdbc {
    private static final Logger log = LoggerFactory.getLogger(Jdbc.class);
    /** Sets the statement and lock timeouts (in ms) for the current transaction only. */
    static final String SET_TIMEOUTS =
            "SELECT set_config('statement_timeout', ?, true), set_config('lock_timeout', ?, true)";
    /** The same for the connection's session (a DataSource only Docket uses). */
    static final String SET_SESSION_TIMEOUTS =
            "SELECT set_config('statement_timeout', ?, false), set_config('lock_timeout', ?, false)";

    /** Work on a connection; may throw SQLException, which the runner translates. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** Binds a statement's parameters. */
    @FunctionalInterface
    public interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final DataSource dataSource;
    private final String schema;
    /** Null: no per-transaction timeouts. */
    private final String statementTimeoutMs;
    private final String lockTimeoutMs;
    /** The timeouts are set once per physical connection (the DataSource serves Docket only). */
    private final boolean sessionTimeouts;
    /** Physical connections whose session already has the timeouts (weak: the pool decides their life). */
    private final Map<Object, Boolean> configured = Collections.synchronizedMap(new WeakHashMap<>());

    private Jdbc(DataSource dataSource, String schema, String statementTimeoutMs, String lockTimeoutMs,
            boolean sessionTimeouts) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.schema = schema;
        this.statementTimeoutMs = statementTimeoutMs;
        this.lockTimeoutMs = lockTimeoutMs;
        this.sessionTimeouts = sessionTimeouts;
    }

    /** A runner over {@code dataSource}; {@code schema} names the schema in error messages. */
    public static Jdbc over(DataSource dataSource, String schema) {
        return new Jdbc(dataSource, schema, null, null, false);
    }

    /** This runner, with every transaction bounded by these statement and lock timeouts. */
    public Jdbc withTimeouts(Duration statementTimeout, Duration lockTimeout) {
        return withTimeouts(statementTimeout, lockTimeout, false);
    }

    /**
     * This runner, with every operation bounded by these timeouts: set at the start of each transaction, or,
     * with {@code perConnection} (a DataSource only Docket uses), once per physical connection.
     */
    public Jdbc withTimeouts(Duration statementTimeout, Duration lockTimeout, boolean perConnection) {
        return new Jdbc(dataSource, schema, Long.toString(statementTimeout.toMillis()),
                Long.toString(lockTimeout.toMillis()), perConnection);
    }

    /**
     * Runs one statement's {@code work}: as {@link #inTransaction}, or, with per-connection timeouts, in
     * auto-commit on a connection whose session has them (one round trip instead of three).
     */
    public <T> T inStatement(String operation, SqlWork<T> work) {
        if (!sessionTimeouts) {
            return inTransaction(operation, work);
        }
        try (Connection c = dataSource.getConnection()) {
            configureSession(c);
            return work.run(c);
        } catch (SQLException e) {
            throw SqlErrors.translate(operation, schema, e);
        }
    }

    /** Sets the timeouts on this connection's session, once per physical connection. */
    private void configureSession(Connection c) throws SQLException {
        Object physical = physical(c);
        if (configured.containsKey(physical)) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(SET_SESSION_TIMEOUTS)) {
            ps.setString(1, statementTimeoutMs);
            ps.setString(2, lockTimeoutMs);
            ps.execute();
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
        configured.put(physical, Boolean.TRUE);
    }

    /** The driver's connection behind a pool's proxy (the key of its session), or the connection itself. */
    private static Object physical(Connection c) {
        try {
            if (c.isWrapperFor(org.postgresql.PGConnection.class)) {
                return c.unwrap(org.postgresql.PGConnection.class);
            }
        } catch (SQLException e) {
            log.debug("cannot unwrap {}; setting the timeouts on every use", c.getClass().getName(), e);
        }
        return new Object(); // unknown: never cached
    }

    /**
     * Runs {@code work} on a borrowed connection as one transaction (timeouts first, when set): committed
     * when it returns, rolled back when it throws. A RuntimeException or Error from {@code work} is rethrown
     * as is; an SQLException (from the work, the commit or the pool) as a {@link StoreException} naming
     * {@code operation}.
     */
    public <T> T inTransaction(String operation, SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            if (sessionTimeouts) {
                configureSession(c);
                return transaction(c, operation, schema, null, null, work);
            }
            return transaction(c, operation, schema, statementTimeoutMs, lockTimeoutMs, work);
        } catch (SQLException e) {
            throw SqlErrors.translate(operation, schema, e);
        }
    }

    /**
     * Runs {@code work} on a borrowed connection as it comes from the pool (in auto-commit mode, usually):
     * for reads and for work that manages its own transactions. Errors as {@link #inTransaction}.
     */
    public <T> T onConnection(String operation, SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw SqlErrors.translate(operation, schema, e);
        }
    }

    /**
     * The rows of one read-only query on a connection borrowed for it (as the pool gives it), each mapped by
     * {@code mapper}. The SQLException is the caller's (the CLI words connection failures itself).
     */
    public static <T> List<T> list(DataSource dataSource, String sql, Binder binder, RowMapper<T> mapper)
            throws SQLException {
        List<T> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
            }
        }
        return out;
    }

    /**
     * Runs {@code work} as one transaction on a connection the caller holds: auto-commit off for it (and back
     * on afterwards if it was on), timeouts first when set, commit, or rollback when anything throws. The
     * SQLException is the caller's to translate.
     */
    public <T> T transaction(Connection c, String operation, SqlWork<T> work) throws SQLException {
        return transaction(c, operation, schema, statementTimeoutMs, lockTimeoutMs, work);
    }

    /**
     * {@link #transaction(Connection, String, SqlWork)} without timeouts, for work on a held connection that
     * no runner owns (the migrator's).
     */
    public static <T> T transaction(Connection c, String operation, String schema, SqlWork<T> work)
            throws SQLException {
        return transaction(c, operation, schema, null, null, work);
    }

    private static <T> T transaction(Connection c, String operation, String schema, String statementTimeoutMs,
            String lockTimeoutMs, SqlWork<T> work) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        if (autoCommit) {
            c.setAutoCommit(false);
        }
        try {
            if (statementTimeoutMs != null) {
                try (PreparedStatement ps = c.prepareStatement(SET_TIMEOUTS)) {
                    ps.setString(1, statementTimeoutMs);
                    ps.setString(2, lockTimeoutMs);
                    ps.execute();
                }
            }
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException | Error e) {
            rollbackQuietly(c, operation, schema);
            throw e;
        } finally {
            if (autoCommit) {
                restoreAutoCommit(c);
            }
        }
    }

    private static void rollbackQuietly(Connection c, String operation, String schema) {
        try {
            c.rollback();
        } catch (SQLException e) {
            log.debug("{}rollback after a failed '{}' failed too: {}", schema == null ? "" : "schema '" + schema + "': ",
                    operation, JdbcUrls.mask(e.getMessage()));
        }
    }

    private static void restoreAutoCommit(Connection c) {
        try {
            if (!c.isClosed()) {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            log.debug("could not restore auto-commit: {}", JdbcUrls.mask(e.getMessage()));
        }
    }
}
