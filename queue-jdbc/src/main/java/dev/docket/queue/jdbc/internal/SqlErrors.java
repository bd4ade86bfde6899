package dev.docket.queue.jdbc.internal;

import dev.docket.queue.StoreException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Locale;

/**
 * Translates {@link SQLException}s into {@link StoreException}s with a message that says what failed
 * and what to do, and with {@link StoreException#isTransient()} set when trying again may succeed.
 * Every message goes through {@link JdbcUrls#mask(String)}. Stateless and thread-safe.
 *
 * <p>Transient: SQLState class 08 (connection exception), 40001 (serialization failure), 40P01
 * (deadlock), 57P01-57P03 (admin/crash shutdown, cannot connect now), 53300 (too many connections),
 * 55P03 (lock timeout), 57014 (statement timeout or cancel), any {@link SQLTransientException} or
 * {@link SQLRecoverableException} (pool timeouts), and a connection found closed.
 */
public final class SqlErrors {
    /** undefined_table */
    public static final String UNDEFINED_TABLE = "42P01";
    /** invalid_schema_name */
    public static final String INVALID_SCHEMA = "3F000";
    /** unique_violation */
    public static final String UNIQUE_VIOLATION = "23505";
    /** foreign_key_violation */
    public static final String FOREIGN_KEY_VIOLATION = "23503";

    private SqlErrors() {
    }

    /** True when the failure (or any exception it wraps) says the database was unreachable or busy. */
    public static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException) {
                SQLException s = (SQLException) t;
                if (isTransientState(s.getSQLState()) || isClosedConnection(s.getMessage())) {
                    return true;
                }
                SQLException next = s.getNextException();
                if (next != null && next != s && isTransient(next)) {
                    return true;
                }
            }
            if (t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    /** True for the SQLStates listed in the class comment. */
    public static boolean isTransientState(String state) {
        if (state == null) {
            return false;
        }
        return state.startsWith("08")
                || state.equals("40001") || state.equals("40P01")
                || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                || state.equals("53300") || state.equals("55P03") || state.equals("57014");
    }

    /** True when the state says a Docket table or the schema is missing. */
    public static boolean isMissingSchema(SQLException e) {
        String state = e.getSQLState();
        return UNDEFINED_TABLE.equals(state) || INVALID_SCHEMA.equals(state);
    }

    /** The message for a schema without Docket tables. */
    public static String missingSchemaMessage(String schema) {
        return "schema '" + schema + "' has no Docket tables: run SchemaMigrator.migrate(dataSource"
                + (schema.equals("docket") ? "" : ", \"" + schema + "\"")
                + ") or enable autoMigrate (PostgresJobStore.builder(dataSource).autoMigrate(true))";
    }

    /**
     * The store exception for a failed operation.
     *
     * @param operation what was being done, in words ("claim jobs for worker w-1")
     * @param schema    the Docket schema
     */
    public static StoreException translate(String operation, String schema, SQLException e) {
        if (isMissingSchema(e)) {
            return new StoreException(missingSchemaMessage(schema) + " (" + operation + " failed: "
                    + JdbcUrls.mask(e.getMessage()) + ")", false, e);
        }
        boolean transientFailure = isTransient(e);
        String state = e.getSQLState() == null ? "" : " [SQLState " + e.getSQLState() + "]";
        String hint = transientFailure ? " (transient: the database is unreachable or busy, retry later)" : "";
        return new StoreException("could not " + operation + " in schema '" + schema + "': "
                + JdbcUrls.mask(String.valueOf(e.getMessage())) + state + hint, transientFailure, e);
    }

    private static boolean isClosedConnection(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("connection has been closed") || m.contains("connection is closed")
                || m.contains("this connection has been closed") || m.contains("an i/o error occurred");
    }
}
