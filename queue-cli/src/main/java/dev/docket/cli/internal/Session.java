package dev.docket.cli.internal;

import dev.docket.queue.JobQueue;
import dev.docket.queue.QueueAdmin;
import dev.docket.queue.StoreException;
import dev.docket.queue.jdbc.PostgresJobStore;
import dev.docket.queue.jdbc.SchemaMigrator;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * One command's use of the database: a checked connection first (so an unreachable database is one
 * clear message naming the host), then, when asked, the {@link PostgresJobStore} on a schema at this
 * CLI's version. Not thread-safe; close it.
 */
public final class Session implements AutoCloseable {
    private final ConnectionSettings settings;
    private final Secrets secrets;
    private final CliDataSource dataSource;
    private PostgresJobStore store;

    private Session(ConnectionSettings settings, Secrets secrets) {
        this.settings = settings;
        this.secrets = secrets;
        this.dataSource = new CliDataSource(settings);
    }

    /**
     * Opens and closes one connection to check the database answers.
     *
     * @throws CliException (exit 2) naming the host, never the password, when it does not
     */
    public static Session connect(ConnectionSettings settings, Secrets secrets) {
        Session s = new Session(settings, secrets);
        try (Connection c = s.dataSource.getConnection()) {
            c.isValid(CliDataSource.LOGIN_TIMEOUT_S);
        } catch (SQLException e) {
            throw CliException.error(s.cannotConnect(e), e);
        }
        return s;
    }

    /** "cannot connect to PostgreSQL at host:port (database d): reason". */
    String cannotConnect(SQLException e) {
        return "cannot connect to PostgreSQL at " + settings.target() + " (database " + settings.database() + "): "
                + secrets.mask(String.valueOf(e.getMessage()));
    }

    public ConnectionSettings settings() {
        return settings;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public String schema() {
        return settings.schema();
    }

    /** The schema's version: 0 when it has no Docket tables. */
    public int schemaVersion() {
        return SchemaMigrator.currentVersion(dataSource, settings.schema());
    }

    /**
     * The store over the schema (notifications off: the CLI never waits for jobs).
     *
     * @throws CliException (exit 2) when the schema is missing, older or newer than this CLI
     */
    public PostgresJobStore store() {
        if (store == null) {
            requireCurrentSchema();
            try {
                store = PostgresJobStore.builder(dataSource).schema(settings.schema()).notifications(false).build();
            } catch (StoreException e) {
                throw CliException.error(secrets.mask(e.getMessage()), e);
            }
        }
        return store;
    }

    /** The job client over {@link #store()}: what the job commands (enqueue, cancel, retry, purge, diagnose) use. */
    public JobQueue queue() {
        return JobQueue.of(store());
    }

    /** The operator repairs over {@link #store()}: reset-stuck-jobs and forget-worker. */
    public QueueAdmin admin() {
        return QueueAdmin.over(store());
    }

    private void requireCurrentSchema() {
        int version = schemaVersion();
        int needed = SchemaMigrator.latestVersion();
        String where = "schema '" + settings.schema() + "' in database " + settings.database() + " at "
                + settings.target();
        if (version == 0) {
            throw CliException.error(where + " has no Docket tables: run 'docket migrate' first");
        }
        if (version < needed) {
            throw CliException.error(where + " is at version " + version + " but this CLI needs version " + needed
                    + ": run 'docket migrate'");
        }
        if (version > needed) {
            throw CliException.error(where + " is at version " + version + ", newer than this CLI knows (" + needed
                    + "): use the docket-cli of the Docket version that migrated it");
        }
    }

    @Override
    public void close() {
        if (store != null) {
            store.close();
        }
    }
}
