package dev.docket.queue.jdbc.internal;

import dev.docket.queue.StoreException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;

/** Checks that a connection leads to a PostgreSQL server Docket can use. Stateless and thread-safe. */
public final class Databases {
    /** Oldest supported PostgreSQL major version (gen_random_uuid() is built in from 13). */
    public static final int MIN_POSTGRES_MAJOR = 13;
    private static final String POSTGRES = "PostgreSQL";

    private Databases() {
    }

    /**
     * @throws StoreException (not transient) when the database is not PostgreSQL or is too old;
     *                        the message names the product, its version and the masked URL
     * @throws SQLException   when the metadata cannot be read
     */
    public static void requirePostgres(Connection connection, String who) throws SQLException {
        DatabaseMetaData md = connection.getMetaData();
        String product = md.getDatabaseProductName();
        String url = JdbcUrls.mask(md.getURL());
        if (!POSTGRES.equalsIgnoreCase(product)) {
            throw new StoreException(who + " needs PostgreSQL " + MIN_POSTGRES_MAJOR + " or newer but the DataSource connects to "
                    + product + " " + md.getDatabaseProductVersion() + " (" + url + ")", false);
        }
        int major = md.getDatabaseMajorVersion();
        if (major < MIN_POSTGRES_MAJOR) {
            throw new StoreException(who + " needs PostgreSQL " + MIN_POSTGRES_MAJOR + " or newer but " + url + " runs "
                    + md.getDatabaseProductVersion(), false);
        }
    }
}
